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
  maxHeight: number | null;
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

/** Player size: no rendition taller than the picture will be shown (the lowest always fits). */
export const maxHeightRule: Rule = (input) => {
  const maxHeight = input.maxHeight;
  if (maxHeight == null) return abstain("max-height", "ceiling", "no cap");
  let index = 0;
  input.ladder.forEach((r, i) => {
    if (r.height <= maxHeight) index = i;
  });
  return { rule: "max-height", kind: "ceiling", index, reason: `player ${maxHeight}p` };
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

/** The model-predictive choice, within `maxIndex`. */
export function planRule(input: RuleInput, config: RulesConfig, maxIndex: number): RuleOutcome {
  const predicted = predictedBitsPerSecond(input, config);
  const divisor = discountOf(input, config);
  const best = plan({ ...input, maxIndex, predictedBitsPerSecond: predicted }, config);
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
