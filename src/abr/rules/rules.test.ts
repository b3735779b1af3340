import { describe, expect, it } from "vitest";
import { DEFAULT_ABR_CONFIG } from "../config.ts";
import { H264 } from "../test-support.ts";
import {
  abandonedRule,
  bufferTargetFor,
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
  pictureHeight: null,
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
  it("caps at the smallest rendition at least as tall as the picture", () => {
    // A 1280x720 window shows a 432 px picture: 480p fills it, 360p would be upscaled.
    expect(maxHeightRule(input({ pictureHeight: 432 }), config)).toMatchObject({
      index: 2,
      reason: "picture 432 px: up to 480p",
    });
    expect(maxHeightRule(input({ pictureHeight: 720 }), config).index).toBe(3);
    expect(maxHeightRule(input({ pictureHeight: 721 }), config).index).toBe(3);
    expect(maxHeightRule(input({ pictureHeight: 740 }), config).index).toBe(4);
    expect(maxHeightRule(input({ pictureHeight: 100 }), config).index).toBe(0);
    // Taller than the whole ladder: no rendition is too tall.
    expect(maxHeightRule(input({ pictureHeight: 2160 }), config).index).toBe(4);
    expect(maxHeightRule(input({}), config).index).toBeNull();
  });

  it("keeps every rendition up to the cap height, whatever their bitrates", () => {
    const ladder = [
      { ...H264[0]!, id: "a", height: 360, averageBitrateBps: 200_000 },
      { ...H264[1]!, id: "b", height: 360, averageBitrateBps: 400_000 },
      { ...H264[2]!, id: "c", height: 540, averageBitrateBps: 800_000 },
      { ...H264[3]!, id: "d", height: 540, averageBitrateBps: 1_500_000 },
      { ...H264[4]!, id: "e", height: 1080, averageBitrateBps: 4_000_000 },
    ];
    expect(maxHeightRule(input({ ladder, pictureHeight: 432 }), config).index).toBe(3);
    expect(maxHeightRule(input({ ladder, pictureHeight: 300 }), config).index).toBe(1);
  });

  it("an abandonment caps the next choice", () => {
    expect(abandonedRule(input({ abandonedToIndex: 1 }), config).index).toBe(1);
    expect(abandonedRule(input({}), config).index).toBeNull();
  });
});

describe("bufferTargetFor", () => {
  it("keeps more buffer on a link near the ladder's bottom, the usual target well above it", () => {
    const lowest = H264[0]!.averageBitrateBps; // 300 kbit/s
    const target = (bps: number) => bufferTargetFor(input({}), bps, config);
    expect(target(20 * lowest)).toBe(config.bufferTargetSec);
    expect(target(config.lowLinkRatio * lowest)).toBe(config.bufferTargetSec);
    expect(target(lowest)).toBe(config.maxBufferTargetSec);
    expect(target(lowest / 2)).toBe(config.maxBufferTargetSec);
    const between = target(((1 + config.lowLinkRatio) / 2) * lowest);
    expect(between).toBeCloseTo((config.bufferTargetSec + config.maxBufferTargetSec) / 2, 6);
    // Off when the ratio is 1 or less.
    expect(bufferTargetFor(input({}), lowest, { ...config, lowLinkRatio: 1 })).toBe(
      config.bufferTargetSec,
    );
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
      input({ estimateBitsPerSecond: 50 * MBPS, bufferSec: 20, pictureHeight: 480 }),
      config,
    );
    expect(outcomes.map((o) => o.rule)).toEqual(["manual", "plan", "abandoned", "max-height"]);
    expect(outcomes[1]).toMatchObject({ kind: "proposal", index: 2 });
  });
});
