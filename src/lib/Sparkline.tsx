/** A tiny line chart of recent values: enough to see a trend beside a figure, no axes. */
export function Sparkline({
  values,
  label,
  max,
  width = 240,
  height = 40,
}: {
  values: readonly number[];
  /** What the chart shows; also its accessible name. */
  label: string;
  /** Top of the scale; defaults to the largest value. */
  max?: number;
  width?: number;
  height?: number;
}) {
  const top = max ?? Math.max(1e-9, ...values);
  const step = width / Math.max(1, values.length - 1);
  const points = values
    .map(
      (v, i) =>
        `${(i * step).toFixed(1)},${(height - (Math.min(v, top) / top) * height).toFixed(1)}`,
    )
    .join(" ");
  return (
    <figure className="spark">
      <svg width={width} height={height} role="img" aria-label={label}>
        <polyline points={points} fill="none" stroke="currentColor" strokeWidth="1.5" />
      </svg>
      <figcaption>{label}</figcaption>
    </figure>
  );
}
