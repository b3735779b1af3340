/**
 * An appliance's throughput over the last two minutes (the lab store's history, one point per
 * refresh), with axes and the value under the cursor.
 */
import { useMemo } from "react";
import { DARK_AXIS, UPlotChart } from "../../lib/UPlotChart.tsx";

const mbit = (bps: number) => `${(bps / 1e6).toFixed(2)} Mbit/s`;

export function ThroughputChart({
  applianceId,
  history,
  refreshMs,
}: {
  applianceId: string;
  /** Bit/s, oldest first, one point per refresh. */
  history: readonly number[];
  refreshMs: number;
}) {
  const options = useMemo(
    () => ({
      scales: {
        x: { time: false },
        y: {
          range: (_u: unknown, _min: number, max: number): [number, number] => [
            0,
            Math.max(1, max),
          ],
        },
      },
      legend: { live: true },
      cursor: { drag: { x: false, y: false } },
      series: [
        {
          label: "seconds ago",
          value: (_u: unknown, v: number | null) => (v == null ? "—" : `${-v} s`),
        },
        {
          label: "throughput",
          stroke: "#6cb8ff",
          width: 1.5,
          value: (_u: unknown, v: number | null) => (v == null ? "—" : `${v.toFixed(2)} Mbit/s`),
        },
      ],
      axes: [
        {
          ...DARK_AXIS,
          size: 24,
          values: (_u: unknown, ticks: number[]) => ticks.map((t) => `${t} s`),
        },
        {
          ...DARK_AXIS,
          size: 48,
          values: (_u: unknown, ticks: number[]) => ticks.map((t) => `${t}M`),
        },
      ],
    }),
    [],
  );
  const n = history.length;
  const x = history.map((_v, i) => ((i - (n - 1)) * refreshMs) / 1000);
  const latest = history.at(-1) ?? 0;
  return (
    <UPlotChart
      title={`${applianceId} throughput`}
      options={options}
      data={[x, history.map((v) => v / 1e6)]}
      height={100}
      summary={`${applianceId} throughput now ${mbit(latest)}, highest in the last ${Math.round((n * refreshMs) / 1000)} s ${mbit(Math.max(0, ...history))}.`}
    />
  );
}
