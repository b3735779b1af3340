import { describe, expect, it } from "vitest";
import type { RuleOutcome } from "../types.ts";
import { arbitrate } from "./arbiter.ts";

const o = (rule: string, kind: RuleOutcome["kind"], index: number | null): RuleOutcome => ({
  rule,
  kind,
  index,
  reason: `${rule} says ${index}`,
});

describe("arbitrate", () => {
  it("takes the proposal when no ceiling is below it", () => {
    expect(arbitrate([o("target", "proposal", 2), o("cap", "ceiling", 4)])).toMatchObject({
      index: 2,
      rule: "target",
    });
  });

  it("lets the lowest ceiling win and reports the first on a tie", () => {
    const result = arbitrate([
      o("target", "proposal", 4),
      o("a", "ceiling", 3),
      o("b", "ceiling", 1),
      o("c", "ceiling", 1),
      o("d", "ceiling", null),
    ]);
    expect(result).toMatchObject({ index: 1, rule: "b", reason: "b says 1" });
  });

  it("lets an override beat every ceiling", () => {
    const result = arbitrate([
      o("target", "proposal", 1),
      o("cap", "ceiling", 0),
      o("manual", "override", 3),
    ]);
    expect(result).toMatchObject({ index: 3, rule: "manual" });
  });

  it("falls back to the lowest rendition without a proposal", () => {
    expect(arbitrate([o("cap", "ceiling", 2)])).toMatchObject({ index: 0, rule: "floor" });
  });
});
