/**
 * Bjøntegaard delta rate: the average bitrate difference between two rate-quality curves at
 * equal quality, over the quality range both cover. The original fits a cubic to log-rate
 * against quality; like the later piecewise variant (JCTVC-L0242's interpolation idea) this
 * interpolates piecewise-linearly, which cannot overshoot on the few, uneven points a ladder
 * has. Negative means the test curve needs fewer bits.
 */
export interface CurvePoint {
  bitrateBps: number;
  quality: number;
}

const SAMPLES = 200;

export function bdRatePercent(
  reference: readonly CurvePoint[],
  test: readonly CurvePoint[],
): number | null {
  const ref = monotone(reference);
  const tst = monotone(test);
  if (ref.length < 2 || tst.length < 2) return null;
  const low = Math.max(ref[0]!.quality, tst[0]!.quality);
  const high = Math.min(ref[ref.length - 1]!.quality, tst[tst.length - 1]!.quality);
  if (!(high > low)) return null;
  let sum = 0;
  for (let i = 0; i <= SAMPLES; i++) {
    const q = low + ((high - low) * i) / SAMPLES;
    const weight = i === 0 || i === SAMPLES ? 0.5 : 1; // trapezoid rule
    sum += weight * (logRateAt(tst, q) - logRateAt(ref, q));
  }
  const meanLogDiff = sum / SAMPLES;
  return Math.round((Math.exp(meanLogDiff) - 1) * 1000) / 10;
}

/** Sort by quality and keep points where quality and rate both rise (a curve can be inverted). */
function monotone(points: readonly CurvePoint[]): CurvePoint[] {
  const sorted = [...points].sort((a, b) => a.quality - b.quality);
  const out: CurvePoint[] = [];
  for (const p of sorted) {
    const last = out[out.length - 1];
    if (!last || (p.quality > last.quality && p.bitrateBps > last.bitrateBps)) out.push(p);
  }
  return out;
}

function logRateAt(curve: readonly CurvePoint[], quality: number): number {
  let i = curve.findIndex((p) => p.quality >= quality);
  if (i <= 0) i = i === 0 ? 1 : curve.length - 1;
  const a = curve[i - 1]!;
  const b = curve[i]!;
  const t = (quality - a.quality) / (b.quality - a.quality);
  return Math.log(a.bitrateBps) + t * (Math.log(b.bitrateBps) - Math.log(a.bitrateBps));
}
