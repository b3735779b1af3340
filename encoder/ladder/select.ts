/**
 * Choosing a per-title ladder from the trial encodes. The rules, each with its reason:
 * - every rung sits on the convex hull: at its bitrate, the resolution that gives the best
 *   quality (so a simple title gets a high resolution early, a hard one stays low longer);
 * - the bottom rung is low enough for a 3G link (150 kbit/s by default);
 * - the top rung is where quality stops paying for bits: where another doubling of the
 *   bitrate buys less than `minGainPerDoubling` score points, or the score passes
 *   `transparentScore`, or the highest bitrate the trials measured;
 * - rungs between are spaced evenly in log bitrate, no more than `maxStepRatio` apart
 *   (Apple's authoring guide asks for steps of 1.5x to 2x);
 * - resolution never falls as bitrate rises.
 */
import { crfAt, curvesByResolution, qualityAt, type RatePoint } from "./hull.ts";

export interface LadderOptions {
  bottomBitrateBps: number;
  maxBitrateBps: number;
  maxStepRatio: number;
  maxRungs: number;
  minGainPerDoubling: number;
  transparentScore: number;
  /** The top rung is at least this many times the bottom one, so even a simple title gets a few rungs. */
  minTopToBottomRatio: number;
  /** CRF bounds of the encoder, so extrapolation never asks for an impossible value. */
  crfRange: [min: number, max: number];
}

export const DEFAULT_LADDER_OPTIONS: LadderOptions = {
  bottomBitrateBps: 150_000,
  maxBitrateBps: 8_000_000,
  maxStepRatio: 1.9,
  maxRungs: 7,
  minGainPerDoubling: 3,
  transparentScore: 97,
  minTopToBottomRatio: 3,
  crfRange: [12, 51],
};

export interface LadderRung {
  width: number;
  height: number;
  crf: number;
  targetBitrateBps: number;
  /** Quality the trials predict for this rung (linear form of the metric). */
  expectedQuality: number;
}

interface Choice {
  curve: RatePoint[];
  quality: number;
}

/** The resolution whose own curve gives the best quality at `bitrateBps`. */
function bestResolutionAt(curves: RatePoint[][], bitrateBps: number, minHeight = 0): Choice {
  let best: Choice | undefined;
  for (const curve of curves) {
    if (curve[0]!.height < minHeight) continue;
    // A curve only speaks for the bitrates it measured; below its cheapest point it is not a candidate.
    if (bitrateBps < curve[0]!.bitrateBps * 0.9) continue;
    const quality = qualityAt(curve, bitrateBps);
    if (!best || quality > best.quality) best = { curve, quality };
  }
  if (best) return best;
  // Below every measured point: the smallest allowed resolution, extrapolated.
  const smallest = curves
    .filter((c) => c[0]!.height >= minHeight)
    .sort((a, b) => a[0]!.height - b[0]!.height)[0];
  const curve = smallest ?? curves[curves.length - 1]!;
  return { curve, quality: qualityAt(curve, bitrateBps) };
}

/**
 * The top rung: the lowest bitrate whose quality is within `minGainPerDoubling` score points
 * of the best the trials reached (below the bitrate cap), or that is already transparent.
 * Searching from the best quality down, not from the bottom up, keeps a curve that is flat at
 * first (small resolutions) and then rises (a sharp source) from stopping too early.
 */
export function findTopBitrate(
  curves: RatePoint[][],
  score: (linear: number) => number,
  options: LadderOptions,
): number {
  const measuredMax = Math.max(...curves.flatMap((c) => c.map((p) => p.bitrateBps)));
  const ceiling = Math.min(options.maxBitrateBps, measuredMax);
  const best = score(bestResolutionAt(curves, ceiling).quality);
  const goal = Math.min(best - options.minGainPerDoubling, options.transparentScore);
  const step = 2 ** (1 / 8); // an eighth of an octave: the top lands within 9% of the goal.
  let rate = options.bottomBitrateBps;
  while (rate * step <= ceiling && score(bestResolutionAt(curves, rate).quality) < goal)
    rate *= step;
  const floor = options.bottomBitrateBps * options.minTopToBottomRatio;
  return Math.max(floor, Math.min(rate, ceiling));
}

export function selectLadder(
  trials: readonly RatePoint[],
  score: (linear: number) => number,
  options: LadderOptions = DEFAULT_LADDER_OPTIONS,
): LadderRung[] {
  if (trials.length === 0) throw new Error("selectLadder: no trial points");
  const curves = [...curvesByResolution(trials).values()];
  const top = findTopBitrate(curves, score, options);
  const bottom = Math.min(options.bottomBitrateBps, top);
  const span = Math.log(top / bottom);
  const gaps = Math.min(
    options.maxRungs - 1,
    Math.ceil(span / Math.log(options.maxStepRatio) - 1e-9),
  );
  const rungCount = gaps + 1;

  const rungs: LadderRung[] = [];
  let minHeight = 0;
  for (let i = 0; i < rungCount; i++) {
    const target = gaps === 0 ? top : bottom * Math.exp((span * i) / gaps);
    const { curve, quality } = bestResolutionAt(curves, target, minHeight);
    const [crfMin, crfMax] = options.crfRange;
    const crf = Math.round(Math.min(crfMax, Math.max(crfMin, crfAt(curve, target))) * 10) / 10;
    const { width, height } = curve[0]!;
    minHeight = height;
    // Two targets can land on the same encode (a CRF clamped at the encoder's limit): keep one.
    const previous = rungs[rungs.length - 1];
    if (previous && previous.height === height && previous.crf === crf) continue;
    rungs.push({
      width,
      height,
      crf,
      targetBitrateBps: Math.round(target / 1000) * 1000,
      expectedQuality: quality,
    });
  }
  return rungs;
}
