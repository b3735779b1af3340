/**
 * A uPlot chart as a React component: uPlot draws on a canvas and keeps its own DOM, so React
 * only owns the container. The chart is built once per `options` (pass a memoized object),
 * fed with `setData` on each new `data`, sized to its container's width, and draws vertical
 * marks (changes of rendition or appliance) over the plot. The canvas says nothing to a
 * screen reader: `summary` does (keep it to the latest values).
 */
import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface ChartMark {
  /** On the x scale. */
  x: number;
  color: string;
}

/** Colours that read on the overlay's dark background (axe wants 4.5:1 for text). */
export const DARK_AXIS: uPlot.Axis = {
  stroke: "#d0d8e0",
  grid: { stroke: "rgba(255,255,255,0.10)", width: 1 },
  ticks: { stroke: "rgba(255,255,255,0.25)", width: 1, size: 4 },
  font: "11px system-ui, sans-serif",
};

type ValueOf = (u: uPlot, v: number | null, sidx: number, idx: number | null) => string | number;

/**
 * With the cursor off the plot, the legend shows each series' latest value (uPlot shows
 * blanks), so the legend always says where things are now.
 */
function latestWhenIdle(series: uPlot.Series[]): uPlot.Series[] {
  return series.map((s) => {
    const format: ValueOf =
      typeof s.value === "function"
        ? (s.value as ValueOf)
        : (_u, v) => (v == null ? "—" : String(v));
    const value: ValueOf = (u, v, sidx, idx) => {
      if (idx !== null) return format(u, v, sidx, idx);
      const column = u.data[sidx] ?? [];
      for (let i = column.length - 1; i >= 0; i--) {
        const latest = column[i];
        if (latest != null) return format(u, latest, sidx, i);
      }
      return format(u, null, sidx, null);
    };
    return { ...s, value };
  });
}

export function UPlotChart({
  options,
  data,
  height,
  marks = [],
  title,
  summary,
}: {
  options: Omit<uPlot.Options, "width" | "height">;
  data: uPlot.AlignedData;
  /** Of the plot with its axes, in CSS pixels (the legend comes below). */
  height: number;
  marks?: readonly ChartMark[];
  /** Shown above the chart. */
  title: string;
  /** For screen readers, in place of the canvas: the latest values in words. */
  summary: string;
}) {
  const container = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const marksRef = useRef(marks);
  marksRef.current = marks;
  const dataRef = useRef(data);
  dataRef.current = data;

  useEffect(() => {
    const element = container.current;
    if (!element) return;
    const drawMarks = (u: uPlot) => {
      const { ctx, bbox } = u;
      ctx.save();
      ctx.lineWidth = Math.max(1, devicePixelRatio);
      ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
      for (const mark of marksRef.current) {
        const x = Math.round(u.valToPos(mark.x, "x", true));
        if (x < bbox.left || x > bbox.left + bbox.width) continue;
        ctx.strokeStyle = mark.color;
        ctx.beginPath();
        ctx.moveTo(x, bbox.top);
        ctx.lineTo(x, bbox.top + bbox.height);
        ctx.stroke();
      }
      ctx.restore();
    };
    const chart = new uPlot(
      {
        ...options,
        series: latestWhenIdle(options.series),
        width: Math.max(100, element.clientWidth),
        height,
        hooks: { ...options.hooks, draw: [...(options.hooks?.draw ?? []), drawMarks] },
      },
      dataRef.current,
      element,
    );
    plot.current = chart;
    const resize = new ResizeObserver(() => {
      const width = Math.max(100, element.clientWidth);
      if (width !== chart.width) chart.setSize({ width, height });
    });
    resize.observe(element);
    return () => {
      resize.disconnect();
      chart.destroy();
      plot.current = null;
    };
  }, [options, height]);

  useEffect(() => {
    plot.current?.setData(data);
  }, [data]);

  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <div ref={container} className="chart-plot" aria-hidden="true" />
      <p className="visually-hidden">{summary}</p>
    </figure>
  );
}
