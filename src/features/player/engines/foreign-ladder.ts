/**
 * Quality scores for a ladder nobody measured (a stream from outside our catalog), shared by
 * both adapters' mappings. The core keeps a rung only if it scores higher than the rung below
 * (by `minScoreGain` when it costs much more): with estimated scores that pruning would drop
 * rungs the stream's author put there on purpose, so the scores are made to rank the rungs by
 * bitrate, which is all a foreign ladder really tells us.
 */
import type { Rendition } from "../../../abr/types.ts";

/** Rungs kept this far apart, above the core's 2-point pruning threshold. */
export const MIN_SCORE_STEP = 2.5;

/**
 * In place, per codec: ascending bitrate gets strictly rising scores, at least
 * `MIN_SCORE_STEP` apart, starting from the estimates. When that overflows 100 the rungs are
 * spread evenly over 0-100 instead (rescaling would squeeze the steps under the threshold).
 * Rungs of equal bitrate keep their order by estimate. Scores rounded to 0.1.
 */
export function rankScoresByBitrate(renditions: Rendition[]): Rendition[] {
  const codecs = new Set(renditions.map((r) => r.codec));
  for (const codec of codecs) {
    const ladder = renditions
      .filter((r) => r.codec === codec)
      .sort(
        (a, b) => a.averageBitrateBps - b.averageBitrateBps || a.quality.score - b.quality.score,
      );
    let previous: number | null = null;
    const scores = ladder.map((r) => {
      const score: number =
        previous === null
          ? Math.max(0, r.quality.score)
          : Math.max(r.quality.score, previous + MIN_SCORE_STEP);
      previous = score;
      return score;
    });
    const overflow = (scores.at(-1) ?? 0) > 100;
    ladder.forEach((r, i) => {
      const score = overflow ? (100 * (i + 1)) / ladder.length : (scores[i] ?? 0);
      r.quality.score = Math.round(score * 10) / 10;
      r.quality.value = r.quality.score;
    });
  }
  return renditions;
}
