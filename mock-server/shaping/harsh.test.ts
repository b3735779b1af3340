import { describe, expect, it } from "vitest";
import { harshTrace } from "./harsh.ts";
import { meanBitsPerSecond } from "./trace.ts";

const SEEDS = Array.from({ length: 20 }, (_, i) => i + 1);

describe("harshTrace", () => {
  it("is the same for a seed and differs between seeds", () => {
    expect(harshTrace({ seed: 7 })).toEqual(harshTrace({ seed: 7 }));
    expect(harshTrace({ seed: 8 }).samples).not.toEqual(harshTrace({ seed: 7 }).samples);
  });

  it("has one sample a second for the duration asked", () => {
    const trace = harshTrace({ seed: 3, durationSec: 90 });
    expect(trace.durationSec).toBe(90);
    expect(trace.samples.map((s) => s.atSec)).toEqual(Array.from({ length: 90 }, (_, i) => i));
    expect(() => harshTrace({ seed: 3, durationSec: 0 })).toThrow(/at least 1/);
  });

  it.each(SEEDS)("seed %i: mostly 0.1-1 Mbit/s, mean under 1 Mbit/s", (seed) => {
    const rates = harshTrace({ seed }).samples.map((s) => s.mbps);
    const inBand = rates.filter((r) => r >= 0.1 && r <= 1).length / rates.length;
    expect(inBand).toBeGreaterThanOrEqual(0.85);
    expect(meanBitsPerSecond(harshTrace({ seed }))).toBeLessThan(1e6);
    expect(Math.min(...rates)).toBeGreaterThanOrEqual(0.1);
  });

  it("has dips of several seconds near 0.1-0.2 and short recoveries above 1 Mbit/s", () => {
    let longestDip = 0;
    let recoveries = 0;
    let longestRecovery = 0;
    for (const seed of SEEDS) {
      let dip = 0;
      let up = 0;
      for (const { mbps } of harshTrace({ seed }).samples) {
        dip = mbps <= 0.2 ? dip + 1 : 0;
        if (mbps > 1) up++;
        else if (up > 0) {
          recoveries++;
          longestRecovery = Math.max(longestRecovery, up);
          up = 0;
        }
        longestDip = Math.max(longestDip, dip);
      }
    }
    expect(longestDip).toBeGreaterThanOrEqual(8);
    expect(recoveries).toBeGreaterThanOrEqual(SEEDS.length); // about one or more per trace
    expect(longestRecovery).toBeLessThanOrEqual(15);
  });
});
