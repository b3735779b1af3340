import { describe, expect, it } from "vitest";
import { DEFAULT_ABR_CONFIG } from "../config.ts";
import { H264 } from "../test-support.ts";
import {
  abandonedRule,
  evaluateRules,
  manualRule,
  maxHeightRule,
  planRule,
  predictedBitsPerSecond,
  type RuleInput,
} from "./rules.ts";

const config = DEFAULT_ABR_CONFIG.rules;
const MBPS = 1_000_000;

const input = (over: Partial<RuleInput>): RuleInput => ({
  ladder: H264,
  currentIndex: 2,
  bufferSec: 10,
  playbackRate: 1,
  segmentDurationSec: 2,
  estimateBitsPerSecond: 3 * MBPS,
  maxPredictionError: 0,
  ttfbSec: 0.05,
  manualRenditionId: null,
  maxHeight: null,
  abandonedToIndex: null,
  ...over,
});

describe("manualRule", () => {
  it("overrides with a known rendition, abstains otherwise", () => {
    expect(manualRule(input({ manualRenditionId: "h264-1080" }), config)).toMatchObject({
      kind: "override",
      index: 4,
    });
    expect(manualRule(input({ manualRenditionId: "nope" }), config).index).toBeNull();
    expect(manualRule(input({}), config).index).toBeNull();
  });
});

describe("ceilings", () => {
  it("max height caps at the tallest rendition that fits, the lowest at worst", () => {
    expect(maxHeightRule(input({ maxHeight: 720 }), config).index).toBe(3);
    expect(maxHeightRule(input({ maxHeight: 100 }), config).index).toBe(0);
    expect(maxHeightRule(input({}), config).index).toBeNull();
  });

  it("an abandonment caps the next choice", () => {
    expect(abandonedRule(input({ abandonedToIndex: 1 }), config).index).toBe(1);
    expect(abandonedRule(input({}), config).index).toBeNull();
  });
});

describe("planRule", () => {
  it("discounts the estimate by the worst recent error, up to the cap", () => {
    const uncapped = { ...config, maxPredictionDiscount: 10 };
    const calm = input({ estimateBitsPerSecond: 4 * MBPS });
    const shaky = input({ estimateBitsPerSecond: 4 * MBPS, maxPredictionError: 1 });
    expect(predictedBitsPerSecond(shaky, uncapped)).toBe(2 * MBPS);
    expect(predictedBitsPerSecond(shaky, { maxPredictionDiscount: 1.25 })).toBe(3.2 * MBPS);
    const a = planRule(calm, uncapped, 4);
    const b = planRule(shaky, uncapped, 4);
    expect(b.index!).toBeLessThan(a.index!);
    expect(b.reason).toMatch(/estimate \/ 2\.00/);
    expect(a.reason).toMatch(/^plan h264-\S+( h264-\S+){4} at 4\.00 Mbit\/s, buffer 10\.0 s$/);
    expect(planRule(shaky, { ...config, maxPredictionDiscount: 1.25 }, 4).reason).toMatch(
      /estimate \/ 1\.25/,
    );
  });
});

describe("evaluateRules", () => {
  it("plans within the ceilings, so the plan itself respects them", () => {
    const outcomes = evaluateRules(
      input({ estimateBitsPerSecond: 50 * MBPS, bufferSec: 20, maxHeight: 480 }),
      config,
    );
    expect(outcomes.map((o) => o.rule)).toEqual(["manual", "plan", "abandoned", "max-height"]);
    expect(outcomes[1]).toMatchObject({ kind: "proposal", index: 2 });
  });
});
