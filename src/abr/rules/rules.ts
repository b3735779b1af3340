/**
 * The rules: pure functions from what the controller knows to an outcome with its reason.
 *
 * - `manual` (override): a rendition the viewer fixed wins over everything.
 * - `abandoned`, `max-height` (ceilings): hard limits, which the plan is told about so that it
 *   plans within them rather than being cut afterwards.
 * - `plan` (proposal): the model-predictive choice (`mpc.ts`), which weighs the buffer, the
 *   discounted throughput prediction, perceived quality, stalls and switches together.
 *
 * `evaluateRules` runs them in that order; `arbitrate` combines the outcomes.
 */
import type { RulesConfig } from "../config.ts";
import type { Rendition, RuleOutcome } from "../types.ts";
import { plan } from "./mpc.ts";

export interface RuleInput {
  /** Candidates, lowest bitrate first. */
  ladder: readonly Rendition[];
  /** Index of the previous segment's rendition in `ladder`; null before the first segment. */
  currentIndex: number | null;
  bufferSec: number;
  playbackRate: number;
  segmentDurationSec: number;
  /** The estimator's figure, and how much it over-estimated lately (RobustMPC's discount). */
  estimateBitsPerSecond: number;
  maxPredictionError: number;
  ttfbSec: number;
  manualRenditionId: string | null;
  /** Height of the picture on screen in device pixels; null = no cap (off, or not laid out). */
  pictureHeight: number | null;
  /** Set by an abandonment: the next segment must not go above this index. */
  abandonedToIndex: number | null;
}

export type Rule = (input: RuleInput, config: RulesConfig) => RuleOutcome;

const mbps = (bps: number) => `${(bps / 1e6).toFixed(2)} Mbit/s`;

const abstain = (rule: string, kind: RuleOutcome["kind"], reason: string): RuleOutcome => ({
  rule,
  kind,
  index: null,
  reason,
});

/** A rendition fixed by the user wins over everything. */
export const manualRule: Rule = (input) => {
  const index = input.ladder.findIndex((r) => r.id === input.manualRenditionId);
  if (input.manualRenditionId == null) return abstain("manual", "override", "automatic");
  if (index < 0) return abstain("manual", "override", `unknown ${input.manualRenditionId}`);
  return { rule: "manual", kind: "override", index, reason: "fixed by the viewer" };
};

/** After an abandonment, the next segment stays at or below the rendition switched to. */
export const abandonedRule: Rule = (input) => {
  if (input.abandonedToIndex === null) return abstain("abandoned", "ceiling", "none");
  const reason = "previous download abandoned";
  return { rule: "abandoned", kind: "ceiling", index: input.abandonedToIndex, reason };
};

/**
 * The tallest rendition worth fetching for a picture `pictureHeight` device pixels tall: the
 * smallest rendition height at least that tall, so the picture is never upscaled (the
 * convention of hls.js's `capLevelToPlayerSize` and shaka's `restrictToElementSize`); the
 * ladder's tallest when none is. A 2% slack absorbs rounding (a 721 px box still takes 720p).
 */
export function capHeightFor(ladder: readonly Rendition[], pictureHeight: number): number {
  const heights = ladder.map((r) => r.height);
  const atLeast = heights.filter((h) => h * PICTURE_SLACK >= pictureHeight);
  return atLeast.length > 0 ? Math.min(...atLeast) : Math.max(...heights);
}

/** Rounding slack between a picture's height and a rendition's (2%). */
const PICTURE_SLACK = 1.02;

/** Player size: nothing taller than the smallest rendition that fills the picture. */
export const maxHeightRule: Rule = (input) => {
  const picture = input.pictureHeight;
  if (picture == null || input.ladder.length === 0) {
    return abstain("max-height", "ceiling", "no cap");
  }
  const cap = capHeightFor(input.ladder, picture);
  let index = 0;
  input.ladder.forEach((r, i) => {
    if (r.height <= cap) index = i;
  });
  const reason = `picture ${Math.round(picture)} px: up to ${cap}p`;
  return { rule: "max-height", kind: "ceiling", index, reason };
};

/** The throughput the plan assumes: the estimate discounted by its worst recent error (capped). */
export function predictedBitsPerSecond(
  input: RuleInput,
  config: Pick<RulesConfig, "maxPredictionDiscount">,
): number {
  return input.estimateBitsPerSecond / discountOf(input, config);
}

function discountOf(input: RuleInput, config: Pick<RulesConfig, "maxPredictionDiscount">): number {
  return Math.min(1 + input.maxPredictionError, config.maxPredictionDiscount);
}

/**
 * The buffer the plan keeps: `bufferTargetSec` on a link well above the ladder's bottom, up to
 * `maxBufferTargetSec` on one near it (linearly between `lowLinkRatio` times the lowest
 * rendition's bitrate and the lowest itself). Near the bottom a dip cannot be met by switching
 * down, only by the buffer: that is where the buffer must be kept.
 */
export function bufferTargetFor(
  input: RuleInput,
  predictedBps: number,
  config: Pick<RulesConfig, "bufferTargetSec" | "maxBufferTargetSec" | "lowLinkRatio">,
): number {
  const lowest = input.ladder[0]?.averageBitrateBps ?? 0;
  if (!(lowest > 0) || config.lowLinkRatio <= 1) return config.bufferTargetSec;
  const ratio = predictedBps / lowest;
  const low = Math.min(1, Math.max(0, (config.lowLinkRatio - ratio) / (config.lowLinkRatio - 1)));
  return config.bufferTargetSec + low * (config.maxBufferTargetSec - config.bufferTargetSec);
}

/** The model-predictive choice, within `maxIndex`. */
export function planRule(input: RuleInput, config: RulesConfig, maxIndex: number): RuleOutcome {
  const predicted = predictedBitsPerSecond(input, config);
  const divisor = discountOf(input, config);
  const bufferTargetSec = bufferTargetFor(input, predicted, config);
  const best = plan(
    { ...input, maxIndex, predictedBitsPerSecond: predicted, bufferTargetSec },
    config,
  );
  const ids = best.sequence.map((i) => input.ladder[i]?.id ?? "?").join(" ");
  const discount = divisor > 1 ? ` (estimate / ${divisor.toFixed(2)})` : "";
  const stall = best.stallSec > 0.005 ? `, stall ${best.stallSec.toFixed(2)} s` : "";
  const reason =
    `plan ${ids} at ${mbps(predicted)}${discount}, ` +
    `buffer ${input.bufferSec.toFixed(1)} s${stall}`;
  return { rule: "plan", kind: "proposal", index: best.index, reason };
}

/** Ceilings, in report order: on equal ceilings the arbiter reports the first. */
export const CEILING_RULES: readonly Rule[] = [abandonedRule, maxHeightRule];

/** Every outcome for one decision: the override, the plan, then the ceilings. */
export function evaluateRules(input: RuleInput, config: RulesConfig): RuleOutcome[] {
  const ceilings = CEILING_RULES.map((rule) => rule(input, config));
  let maxIndex = input.ladder.length - 1;
  for (const c of ceilings) if (c.index !== null) maxIndex = Math.min(maxIndex, c.index);
  return [manualRule(input, config), planRule(input, config, Math.max(0, maxIndex)), ...ceilings];
}
