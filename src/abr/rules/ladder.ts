/**
 * The candidate ladder: renditions of one codec, sorted by average bitrate, with the ones that
 * are poor value per bit taken out. Rules then work on indices into this ladder.
 */
import type { RulesConfig } from "../config.ts";
import type { Rendition } from "../types.ts";

type LadderConfig = Pick<RulesConfig, "minScoreGain" | "minBitrateRatioForSkip">;

/**
 * Walk up the ladder keeping a rendition only if it is worth its bits against the last one kept:
 * - a rendition that does not score higher is dropped (more bits, no better picture);
 * - a rendition that costs `minBitrateRatioForSkip` x more for under `minScoreGain` points is
 *   dropped (the link's capacity is better kept as headroom).
 * The lowest rendition is always kept, so the ladder is never empty for a non-empty input.
 */
export function efficientLadder(
  renditions: readonly Rendition[],
  config: LadderConfig,
): Rendition[] {
  const sorted = [...renditions].sort(
    (a, b) => a.averageBitrateBps - b.averageBitrateBps || a.quality.score - b.quality.score,
  );
  const kept: Rendition[] = [];
  for (const rendition of sorted) {
    const last = kept.at(-1);
    if (last === undefined || worthIt(last, rendition, config)) kept.push(rendition);
  }
  return kept;
}

function worthIt(lower: Rendition, higher: Rendition, config: LadderConfig): boolean {
  const gain = higher.quality.score - lower.quality.score;
  if (gain <= 0) return false;
  const ratio = higher.averageBitrateBps / lower.averageBitrateBps;
  return !(gain < config.minScoreGain && ratio >= config.minBitrateRatioForSkip);
}
