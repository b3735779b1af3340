import { describe, expect, it } from "vitest";
import type { RatePoint } from "./hull.ts";
import { DEFAULT_LADDER_OPTIONS, findTopBitrate, selectLadder } from "./select.ts";

/**
 * Synthetic trial clouds in the shape real titles give: quality rises with log bitrate and
 * saturates at a level set by the resolution; a complex title needs far more bits per step.
 */
function trials(bitsScale: number): RatePoint[] {
  const heights = [234, 360, 432, 540, 720, 1080];
  const ceiling = [40, 55, 62, 70, 82, 95]; // best score each resolution can reach
  const points: RatePoint[] = [];
  heights.forEach((height, i) => {
    for (const crf of [21, 29, 37, 45]) {
      const bitrateBps = Math.round(
        bitsScale * (height / 234) ** 1.6 * 2 ** ((37 - crf) / 6) * 100_000,
      );
      const quality = ceiling[i]! - (crf - 18) * 1.2 - (i === 0 ? 0 : 2);
      points.push({
        width: Math.round((height * 16) / 9 / 2) * 2,
        height,
        crf,
        bitrateBps,
        quality,
      });
    }
  });
  return points;
}

const score = (q: number) => q;

describe("selectLadder", () => {
  const simple = selectLadder(trials(0.3), score);
  const complex = selectLadder(trials(4), score);

  it("starts low enough for a 3G link", () => {
    for (const ladder of [simple, complex]) {
      expect(ladder[0]!.targetBitrateBps).toBeGreaterThanOrEqual(100_000);
      expect(ladder[0]!.targetBitrateBps).toBeLessThanOrEqual(200_000);
    }
  });

  it("gives a complex title a higher top rung and more rungs than a simple one", () => {
    const top = (l: typeof simple) => l[l.length - 1]!.targetBitrateBps;
    expect(top(complex)).toBeGreaterThan(top(simple) * 2);
    expect(complex.length).toBeGreaterThan(simple.length);
  });

  it("spaces rungs no more than the maximum step apart and never lowers resolution", () => {
    for (const ladder of [simple, complex]) {
      for (let i = 1; i < ladder.length; i++) {
        const ratio = ladder[i]!.targetBitrateBps / ladder[i - 1]!.targetBitrateBps;
        expect(ratio).toBeGreaterThan(1);
        expect(ratio).toBeLessThanOrEqual(DEFAULT_LADDER_OPTIONS.maxStepRatio * 1.01);
        expect(ladder[i]!.height).toBeGreaterThanOrEqual(ladder[i - 1]!.height);
      }
      expect(ladder.length).toBeLessThanOrEqual(DEFAULT_LADDER_OPTIONS.maxRungs);
    }
  });

  it("keeps every CRF inside the encoder's range", () => {
    for (const rung of [...simple, ...complex]) {
      expect(rung.crf).toBeGreaterThanOrEqual(DEFAULT_LADDER_OPTIONS.crfRange[0]);
      expect(rung.crf).toBeLessThanOrEqual(DEFAULT_LADDER_OPTIONS.crfRange[1]);
    }
  });

  it("rejects an empty trial set", () => {
    expect(() => selectLadder([], score)).toThrow(/no trial points/);
  });
});

describe("findTopBitrate", () => {
  it("stops where quality is within the minimum gain of the best, not at the first flat stretch", () => {
    // Flat at first (small resolution saturated), then rising (a sharp source at 1080p).
    const curves: RatePoint[][] = [
      [
        { width: 416, height: 234, crf: 45, bitrateBps: 100_000, quality: 10 },
        { width: 416, height: 234, crf: 21, bitrateBps: 800_000, quality: 11 },
      ],
      [
        { width: 1920, height: 1080, crf: 37, bitrateBps: 700_000, quality: 30 },
        { width: 1920, height: 1080, crf: 29, bitrateBps: 1_400_000, quality: 80 },
        { width: 1920, height: 1080, crf: 21, bitrateBps: 2_800_000, quality: 82 },
      ],
    ];
    const top = findTopBitrate(curves, score, DEFAULT_LADDER_OPTIONS);
    expect(top).toBeGreaterThan(1_000_000);
    expect(top).toBeLessThan(2_000_000);
  });
});

describe("selectLadder with a clamped CRF", () => {
  it("does not repeat an encode when two targets clamp to the same CRF", () => {
    // One resolution whose cheapest trial is far above the bottom target: CRF clamps at 51.
    const points: RatePoint[] = [45, 37, 29, 21].map((crf, i) => ({
      width: 416,
      height: 234,
      crf,
      bitrateBps: 2_000_000 * 2 ** i,
      quality: 10 + i * 10,
    }));
    const ladder = selectLadder(points, (q) => q);
    const keys = ladder.map((r) => `${r.height}@${r.crf}`);
    expect(new Set(keys).size).toBe(keys.length);
  });
});
