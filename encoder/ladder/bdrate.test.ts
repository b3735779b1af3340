import { describe, expect, it } from "vitest";
import { bdRatePercent } from "./bdrate.ts";

const curve = (pairs: [kbps: number, quality: number][]) =>
  pairs.map(([kbps, quality]) => ({ bitrateBps: kbps * 1000, quality }));

describe("bdRatePercent", () => {
  const reference = curve([
    [200, 10],
    [400, 14],
    [800, 18],
    [1600, 21],
  ]);

  it("is zero for the same curve", () => {
    expect(bdRatePercent(reference, reference)).toBe(0);
  });

  it("is -50% for a curve reaching each quality at half the bitrate", () => {
    const half = reference.map((p) => ({ ...p, bitrateBps: p.bitrateBps / 2 }));
    expect(bdRatePercent(reference, half)).toBeCloseTo(-50, 1);
  });

  it("is +100% for a curve needing twice the bits", () => {
    const twice = reference.map((p) => ({ ...p, bitrateBps: p.bitrateBps * 2 }));
    expect(bdRatePercent(reference, twice)).toBeCloseTo(100, 1);
  });

  it("only compares the quality range both curves cover", () => {
    const partial = curve([
      [100, 14],
      [200, 18],
    ]);
    // Over quality 14..18 the reference needs 400..800 kbit/s, the test a quarter of that.
    expect(bdRatePercent(reference, partial)).toBeCloseTo(-75, 1);
  });

  it("is null when the curves share no quality range or have too few points", () => {
    expect(
      bdRatePercent(
        reference,
        curve([
          [100, 30],
          [200, 35],
        ]),
      ),
    ).toBeNull();
    expect(bdRatePercent(reference, curve([[100, 12]]))).toBeNull();
  });
});
