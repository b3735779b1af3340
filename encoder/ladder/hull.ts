/**
 * The rate-quality convex hull across resolutions (the core of per-title encoding): of all
 * trial encodes, keep those no other resolution beats, then the upper concave envelope of
 * those in (bitrate, quality), where each resolution's curve is concave: past the hull a bit
 * buys less quality than it would at another resolution. Pure: trial points in, hull out.
 */

/** One trial encode: a resolution at a CRF, its bitrate and its quality (linear form). */
export interface RatePoint {
  width: number;
  height: number;
  crf: number;
  bitrateBps: number;
  quality: number;
}

const log2 = Math.log2;

/** Points no other point beats: a higher bitrate must buy a higher quality. */
export function paretoFront(points: readonly RatePoint[]): RatePoint[] {
  const sorted = [...points].sort((a, b) => a.bitrateBps - b.bitrateBps || b.quality - a.quality);
  const front: RatePoint[] = [];
  for (const p of sorted) {
    const last = front[front.length - 1];
    if (!last || p.quality > last.quality) front.push(p);
  }
  return front;
}

/**
 * Upper concave hull of the Pareto front in (bitrate, quality), by the monotone chain: a point
 * under the chord of its neighbours is never the best use of bits (mixing the two neighbours'
 * segments would do better).
 */
export function convexHull(points: readonly RatePoint[]): RatePoint[] {
  const hull: RatePoint[] = [];
  for (const p of paretoFront(points)) {
    while (hull.length >= 2) {
      const a = hull[hull.length - 2]!;
      const b = hull[hull.length - 1]!;
      // Cross product >= 0 means b lies on or under the chord a-p.
      const cross =
        (b.bitrateBps - a.bitrateBps) * (p.quality - a.quality) -
        (b.quality - a.quality) * (p.bitrateBps - a.bitrateBps);
      if (cross >= 0) hull.pop();
      else break;
    }
    hull.push(p);
  }
  return hull;
}

/** Quality on a bitrate-sorted curve at `bitrateBps`, linear in log bitrate, clamped at the ends. */
export function qualityAt(curve: readonly RatePoint[], bitrateBps: number): number {
  return interpolate(curve, bitrateBps, (p) => p.quality);
}

/** CRF on a bitrate-sorted curve at `bitrateBps`, linear in log bitrate, extrapolated at the ends. */
export function crfAt(curve: readonly RatePoint[], bitrateBps: number): number {
  return interpolate(curve, bitrateBps, (p) => p.crf, true);
}

function interpolate(
  curve: readonly RatePoint[],
  bitrateBps: number,
  value: (p: RatePoint) => number,
  extrapolate = false,
): number {
  if (curve.length === 0) throw new Error("interpolate: empty curve");
  if (curve.length === 1) return value(curve[0]!);
  const x = log2(bitrateBps);
  let i = curve.findIndex((p) => log2(p.bitrateBps) >= x);
  if (i === -1) {
    if (!extrapolate) return value(curve[curve.length - 1]!);
    i = curve.length - 1;
  } else if (i === 0) {
    if (!extrapolate) return value(curve[0]!);
    i = 1;
  }
  const a = curve[i - 1]!;
  const b = curve[i]!;
  const t = (x - log2(a.bitrateBps)) / (log2(b.bitrateBps) - log2(a.bitrateBps));
  return value(a) + t * (value(b) - value(a));
}

/** Group trial points by resolution, each group sorted by bitrate. */
export function curvesByResolution(points: readonly RatePoint[]): Map<string, RatePoint[]> {
  const curves = new Map<string, RatePoint[]>();
  for (const p of points) {
    const key = `${p.width}x${p.height}`;
    const curve = curves.get(key) ?? [];
    curve.push(p);
    curves.set(key, curve);
  }
  for (const curve of curves.values()) curve.sort((a, b) => a.bitrateBps - b.bitrateBps);
  return curves;
}
