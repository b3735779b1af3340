/**
 * The planner: model-predictive control in the spirit of RobustMPC (Yin et al., SIGCOMM 2015).
 * Every rendition sequence over the next few segments is played out against a constant
 * predicted throughput, from the buffer we have now; each is scored by perceived quality minus
 * stalls minus switches, and the first rendition of the best sequence is taken. The buffer and
 * the estimate are therefore weighed together: a full buffer pays for a step up that the
 * estimate alone would not, an empty one forbids what it cannot cover, and startup (buffer 0:
 * the whole first download is waiting) is priced like any stall.
 *
 * Pure: the caller supplies the prediction (already discounted for recent error) and the cap
 * from the ceilings (max height, abandonment), so the plan never goes where it may not.
 */
import type { RulesConfig } from "../config.ts";
import type { Rendition } from "../types.ts";

export type PlanConfig = Pick<
  RulesConfig,
  | "horizonSegments"
  | "maxPlans"
  | "qualityScale"
  | "referenceSegmentSec"
  | "rebufferPenaltyPerSec"
  | "switchPenalty"
  | "bufferTargetSec"
  | "bufferShortfallWeight"
>;

export interface PlanInput {
  /** Candidates, lowest bitrate first. */
  ladder: readonly Rendition[];
  /** Highest index the plan may use (the ceilings' minimum). */
  maxIndex: number;
  /** The rendition of the previous segment, or null before the first. */
  currentIndex: number | null;
  bufferSec: number;
  playbackRate: number;
  segmentDurationSec: number;
  /** Throughput the plan assumes, in bit/s, and the time to first byte of every request. */
  predictedBitsPerSecond: number;
  ttfbSec: number;
  /** The buffer the plan should keep (default `bufferTargetSec`): more on a shaky link. */
  bufferTargetSec?: number;
}

export interface Plan {
  /** Index of the first rendition of the best sequence. */
  index: number;
  sequence: number[];
  /** Its score, and the stall it predicts (seconds of waiting over the horizon). */
  value: number;
  stallSec: number;
  horizon: number;
}

/** A rendition's quality score on the QoE scale (0-100 becomes 0-5): what a switch changes. */
export function qualityUnits(r: Rendition, config: Pick<PlanConfig, "qualityScale">): number {
  return r.quality.score / config.qualityScale;
}

/** Utility of one segment: the quality score on the QoE scale, per reference segment length. */
export function utility(r: Rendition, segmentSec: number, config: PlanConfig): number {
  return qualityUnits(r, config) * (segmentSec / config.referenceSegmentSec);
}

/** Horizon shortened so that at most `maxPlans` sequences are scored (a long ladder). */
export function horizonFor(candidates: number, config: PlanConfig): number {
  let h = Math.max(1, config.horizonSegments);
  while (h > 1 && candidates ** h > config.maxPlans) h--;
  return h;
}

export function plan(input: PlanInput, config: PlanConfig): Plan {
  const count = Math.max(1, Math.min(input.ladder.length, input.maxIndex + 1));
  const horizon = horizonFor(count, config);
  const d = input.segmentDurationSec;
  const rate = Math.max(1, input.predictedBitsPerSecond);
  const speed = input.playbackRate > 0 ? input.playbackRate : 1;
  // Per candidate: what one segment is worth, and how long it takes to fetch.
  const worth: number[] = [];
  const fetchSec: number[] = [];
  const score: number[] = [];
  for (let i = 0; i < count; i++) {
    const r = input.ladder[i]!;
    worth.push(utility(r, d, config));
    score.push(qualityUnits(r, config));
    fetchSec.push(input.ttfbSec + (r.averageBitrateBps * d) / rate);
  }

  let best: Plan = { index: 0, sequence: [0], value: -Infinity, stallSec: 0, horizon };
  const sequence: number[] = [];
  // Depth-first over sequences, sharing prefixes. Buffer in media seconds; it drains `speed`
  // media seconds per second of download, and a download longer than the buffer is a stall.
  const search = (
    depth: number,
    prev: number | null,
    buffer: number,
    value: number,
    stall: number,
  ) => {
    // `prev` is a score on the QoE scale (the rendition played before), not an index.
    if (depth === horizon) {
      // A short horizon sees no cost in ending it with the buffer spent, which invites a step
      // up that must come down again: buffer lost below the target is charged as a partial stall.
      const shortfall = Math.max(0, Math.min(input.bufferSec, target) - buffer);
      value -= config.rebufferPenaltyPerSec * config.bufferShortfallWeight * shortfall;
      // Ties go to the lower first rendition (searched first): the cheaper, safer choice.
      if (value > best.value + 1e-9) {
        best = { index: sequence[0]!, sequence: [...sequence], value, stallSec: stall, horizon };
      }
      return;
    }
    for (let i = 0; i < count; i++) {
      const wait = fetchSec[i]!;
      const waitStall = Math.max(0, wait - buffer / speed);
      const next = Math.max(0, buffer - wait * speed) + d;
      const switchCost = prev === null ? 0 : Math.abs(score[i]! - prev);
      const v =
        value +
        worth[i]! -
        config.rebufferPenaltyPerSec * waitStall -
        config.switchPenalty * switchCost;
      sequence.push(i);
      search(depth + 1, score[i]!, next, v, stall + waitStall);
      sequence.pop();
    }
  };
  const target = input.bufferTargetSec ?? config.bufferTargetSec;
  const current = input.currentIndex === null ? undefined : input.ladder[input.currentIndex];
  const prevScore = current === undefined ? null : qualityUnits(current, config);
  search(0, prevScore, Math.max(0, input.bufferSec), 0, 0);
  return best;
}
