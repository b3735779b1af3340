/**
 * The stats overlay's charts, over the last minutes (`chart-timeline.ts`): buffer; our ABR's
 * throughput estimate against what each interval's segments measured; the rendition's
 * bitrate and height; the appliance in use. Dashed marks where the rendition (amber) or the
 * appliance (cyan) changed; values under the cursor in each legend.
 */
import { useMemo, useRef } from "react";
import uPlot from "uplot";
import { useStore } from "zustand";
import { type ChartMark, DARK_AXIS, UPlotChart } from "../../lib/UPlotChart.tsx";
import type { ChangeMark, ChartSample } from "./chart-timeline.ts";
import type { SessionStore } from "./session-store.ts";

const MARK_COLOR: Record<ChangeMark["kind"], string> = {
  rendition: "#f5b942",
  appliance: "#5fd3f3",
};
const HEIGHT = 104;
/** Mbit/s ticks; a loopback link measures in Gbit/s. */
const mbitTicks = (_u: uPlot, ticks: number[]) =>
  ticks.map((t) => (t >= 1000 ? `${t / 1000}G` : `${t}M`));
/** A rendition or an appliance holds until the next change: steps, not slopes. */
const stepped = uPlot.paths.stepped?.({ align: 1 });
const mbit = (bps: number | null | undefined) =>
  bps == null ? "—" : `${(bps / 1e6).toFixed(2)} Mbit/s`;
/** Seconds since the session began, as m:ss. */
const clock = (sec: number) =>
  `${Math.floor(sec / 60)}:${String(Math.floor(sec % 60)).padStart(2, "0")}`;

function options(
  y: uPlot.Series[],
  yAxis: Partial<uPlot.Axis>,
  yScale: uPlot.Scale = {},
): Omit<uPlot.Options, "width" | "height"> {
  return {
    // Time on x in seconds since the session began, not a date.
    scales: { x: { time: false }, y: yScale },
    legend: { live: true },
    cursor: { drag: { x: false, y: false } },
    // Lines without a dot per sample (they crowd at 2 points a second).
    series: [
      { label: "time", value: (_u, v) => (v == null ? "—" : clock(v)) },
      ...y.map((s) => ({ points: { show: false }, ...s })),
    ],
    axes: [
      { ...DARK_AXIS, values: (_u, ticks) => ticks.map(clock), space: 50, size: 24 },
      { ...DARK_AXIS, size: 44, ...yAxis },
    ],
  };
}

export function SessionCharts({ store }: { store: SessionStore }) {
  const version = useStore(store, (s) => s.chartsVersion);
  const startedAtMs = useStore(store, (s) => s.qoe.startedAtMs ?? 0);
  // biome-ignore lint/correctness/useExhaustiveDependencies: the timeline is mutated in place; `version` says when.
  const view = useMemo(() => store.getState().charts.view(), [store, version]);
  const { samples, marks } = view;
  const x = samples.map((s) => (s.atMs - startedAtMs) / 1000);
  const chartMarks: ChartMark[] = marks.map((m) => ({
    x: (m.atMs - startedAtMs) / 1000,
    color: MARK_COLOR[m.kind],
  }));
  const appliances = useMemo(
    () => [...new Set(samples.map((s) => s.applianceId).filter((a) => a !== null))].sort(),
    [samples],
  );
  // The legend's height for a point (a ref: the chart's options are built once).
  const heights = useRef<(number | null)[]>([]);
  heights.current = samples.map((s) => s.height);
  const last: ChartSample | undefined = samples.at(-1);
  const lastMeasured = samples.findLast((s) => s.measuredBps !== null)?.measuredBps ?? null;
  const renditionChanges = marks.filter((m) => m.kind === "rendition").length;
  const applianceChanges = marks.length - renditionChanges;

  const bufferOptions = useMemo(
    () =>
      options(
        [
          {
            label: "buffer",
            stroke: "#7ee07e",
            width: 1.5,
            value: (_u, v) => (v == null ? "—" : `${v.toFixed(1)} s`),
          },
        ],
        { values: (_u, ticks) => ticks.map((t) => `${t} s`) },
        { range: (_u, _min, max) => [0, Math.max(4, max)] },
      ),
    [],
  );
  const throughputOptions = useMemo(
    () =>
      options(
        [
          {
            label: "estimate",
            stroke: "#f0a0ff",
            width: 1.5,
            value: (_u, v) => mbit(v == null ? null : v * 1e6),
          },
          {
            label: "measured",
            stroke: "#ffd36b",
            width: 0,
            points: { show: true, size: 5, fill: "#ffd36b" },
            value: (_u, v) => mbit(v == null ? null : v * 1e6),
          },
        ],
        { values: mbitTicks },
        { range: (_u, _min, max) => [0, Math.max(1, max)] },
      ),
    [],
  );
  const qualityOptions = useMemo(
    () =>
      options(
        [
          {
            label: "rendition",
            stroke: "#6cb8ff",
            width: 1.5,
            paths: stepped,
            value: (_u, v, _s, i) => {
              if (v == null || i == null) return "—";
              const h = heights.current[i] ?? null;
              return `${mbit(v * 1e6)}${h ? ` · ${h}p` : ""}`;
            },
          },
        ],
        { values: mbitTicks },
        { range: (_u, _min, max) => [0, Math.max(1, max)] },
      ),
    [],
  );
  const applianceOptions = useMemo(
    () =>
      options(
        [
          {
            label: "appliance",
            stroke: "#5fd3f3",
            width: 2,
            paths: stepped,
            value: (_u, v) => (v == null ? "—" : (appliances[v] ?? "—")),
          },
        ],
        {
          size: 70,
          splits: () => appliances.map((_a, i) => i),
          values: (_u, ticks) => ticks.map((t) => appliances[t] ?? ""),
        },
        { range: () => [-0.5, Math.max(0.5, appliances.length - 0.5)] },
      ),
    [appliances],
  );

  return (
    <div className="session-charts">
      <UPlotChart
        title="Buffer"
        options={bufferOptions}
        data={[x, samples.map((s) => s.bufferSec)]}
        height={HEIGHT}
        marks={chartMarks}
        summary={`Buffer: ${last ? `${last.bufferSec.toFixed(1)} s` : "no data yet"}.`}
      />
      <UPlotChart
        title="Throughput (estimate, measured)"
        options={throughputOptions}
        data={[
          x,
          samples.map((s) => s.estimateBps / 1e6),
          samples.map((s) => (s.measuredBps === null ? null : s.measuredBps / 1e6)),
        ]}
        height={HEIGHT}
        marks={chartMarks}
        summary={`Throughput estimate ${mbit(last?.estimateBps)}, last measured ${mbit(lastMeasured)}.`}
      />
      <UPlotChart
        title="Rendition"
        options={qualityOptions}
        data={[x, samples.map((s) => (s.bitrateBps === null ? null : s.bitrateBps / 1e6))]}
        height={HEIGHT}
        marks={chartMarks}
        summary={`Rendition ${last?.height ? `${last.height}p at ${mbit(last.bitrateBps)}` : "none yet"}; ${renditionChanges} changes in the window.`}
      />
      <UPlotChart
        title="Appliance in use"
        options={applianceOptions}
        data={[
          x,
          samples.map((s) => (s.applianceId === null ? null : appliances.indexOf(s.applianceId))),
        ]}
        height={Math.max(64, 34 + appliances.length * 20)}
        marks={chartMarks}
        summary={`Appliance ${last?.applianceId ?? "none yet"}; ${applianceChanges} changes in the window.`}
      />
      <p className="chart-key">
        <span style={{ color: MARK_COLOR.rendition }}>┆ rendition changed</span>{" "}
        <span style={{ color: MARK_COLOR.appliance }}>┆ appliance changed</span>
      </p>
    </div>
  );
}
