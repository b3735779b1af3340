/**
 * The arbiter: one documented way to combine rule outcomes.
 *
 * 1. An override (manual quality) wins outright.
 * 2. Otherwise start from the proposal (the highest if several) and take the minimum with every
 *    ceiling. The lowest ceiling wins; on a tie, the first in rule order is reported.
 * 3. The result is never below index 0 (the lowest rendition is the floor).
 *
 * The proposal is the planner's (which already weighs buffer, stalls and switches), so the
 * ceilings left are hard limits: max height, and no higher than an abandonment just switched to.
 */
import type { RuleOutcome } from "../types.ts";

export interface Arbitration {
  index: number;
  /** The rule that settled the choice. */
  rule: string;
  reason: string;
}

export function arbitrate(outcomes: readonly RuleOutcome[]): Arbitration {
  const override = outcomes.find((o) => o.kind === "override" && o.index !== null);
  if (override && override.index !== null) {
    return { index: override.index, rule: override.rule, reason: override.reason };
  }
  let best: Arbitration = { index: 0, rule: "floor", reason: "no proposal: lowest rendition" };
  for (const o of outcomes) {
    if (
      o.kind === "proposal" &&
      o.index !== null &&
      (best.rule === "floor" || o.index > best.index)
    ) {
      best = { index: o.index, rule: o.rule, reason: o.reason };
    }
  }
  for (const o of outcomes) {
    if (o.kind === "ceiling" && o.index !== null && o.index < best.index) {
      best = { index: o.index, rule: o.rule, reason: o.reason };
    }
  }
  return { ...best, index: Math.max(0, best.index) };
}
