import { describe, expect, it } from "vitest";
import { convexHull, crfAt, paretoFront, qualityAt, type RatePoint } from "./hull.ts";

const p = (height: number, crf: number, kbps: number, quality: number): RatePoint => ({
  width: Math.round((height * 16) / 9),
  height,
  crf,
  bitrateBps: kbps * 1000,
  quality,
});

describe("paretoFront", () => {
  it("drops points that cost more and give no more quality", () => {
    const front = paretoFront([p(360, 30, 400, 10), p(720, 35, 450, 9), p(720, 28, 900, 14)]);
    expect(front.map((x) => x.bitrateBps)).toEqual([400_000, 900_000]);
  });
});

describe("convexHull", () => {
  it("keeps the upper envelope across resolutions and drops points under a chord", () => {
    const points = [
      p(234, 40, 100, 5),
      p(360, 35, 300, 10),
      p(540, 33, 500, 11), // under the chord from (300, 10) to (1000, 16)
      p(720, 28, 1000, 16),
      p(1080, 24, 3000, 18),
    ];
    const hull = convexHull(points);
    expect(hull.map((x) => x.height)).toEqual([234, 360, 720, 1080]);
  });

  it("returns a single point unchanged and nothing for no points", () => {
    expect(convexHull([p(360, 30, 400, 10)])).toHaveLength(1);
    expect(convexHull([])).toEqual([]);
  });
});

describe("interpolation on a curve", () => {
  const curve = [p(720, 36, 500, 10), p(720, 30, 1000, 14), p(720, 24, 2000, 17)];
  it("is linear in log bitrate between points", () => {
    expect(qualityAt(curve, Math.sqrt(500_000 * 1_000_000))).toBeCloseTo(12, 6);
    expect(crfAt(curve, 1_000_000)).toBeCloseTo(30, 6);
  });
  it("clamps quality outside the measured range but extrapolates CRF", () => {
    expect(qualityAt(curve, 100_000)).toBe(10);
    expect(qualityAt(curve, 9_000_000)).toBe(17);
    expect(crfAt(curve, 250_000)).toBeCloseTo(42, 6);
  });
});
