import { describe, expect, it } from "vitest";
import { DEFAULT_ABR_CONFIG } from "../config.ts";
import { ThroughputEstimator } from "./throughput.ts";

const config = DEFAULT_ABR_CONFIG.estimator;
const MBPS = 1_000_000;

/** A download of `sizeBytes` at `bitsPerSecond` after `ttfbMs`. */
function download(sizeBytes: number, bitsPerSecond: number, ttfbMs = 50) {
  return { sizeBytes, ttfbMs, durationMs: ttfbMs + (sizeBytes * 8 * 1000) / bitsPerSecond };
}

function steady(estimator: ThroughputEstimator, id: string, bitsPerSecond: number, n = 10) {
  for (let i = 0; i < n; i++) estimator.onDownload(id, download(500_000, bitsPerSecond));
}

describe("ThroughputEstimator", () => {
  it("converges on a steady rate", () => {
    const e = new ThroughputEstimator(config);
    steady(e, "a", 4 * MBPS);
    expect(e.estimate("a").bitsPerSecond).toBeCloseTo(4 * MBPS, -3);
    expect(e.estimate("a").source).toBe("appliance");
  });

  it("keeps TTFB out of the transfer rate and averages it separately", () => {
    const e = new ThroughputEstimator(config);
    for (let i = 0; i < 5; i++) e.onDownload("a", download(500_000, 4 * MBPS, 400));
    // Counting the 400 ms wait as transfer would give 2.86 Mbit/s.
    expect(e.estimate("a").bitsPerSecond).toBeCloseTo(4 * MBPS, -3);
    expect(e.ttfbMs("a")).toBeCloseTo(400, 6);
  });

  it("falls fast after a drop", () => {
    const e = new ThroughputEstimator(config);
    steady(e, "a", 8 * MBPS);
    e.onDownload("a", download(500_000, 1 * MBPS));
    // One 4 s download at the new rate (two fast half-lives): most of the way down.
    expect(e.estimate("a").bitsPerSecond).toBeLessThan(2.6 * MBPS);
    e.onDownload("a", download(500_000, 1 * MBPS));
    expect(e.estimate("a").bitsPerSecond).toBeLessThan(1.5 * MBPS);
  });

  it("damps a one-segment spike", () => {
    const e = new ThroughputEstimator(config);
    steady(e, "a", 4 * MBPS);
    e.onDownload("a", download(500_000, 40 * MBPS));
    expect(e.estimate("a").bitsPerSecond).toBeLessThan(5 * MBPS);
  });

  it("ignores downloads marked as served from a cache", () => {
    const e = new ThroughputEstimator(config);
    steady(e, "a", 4 * MBPS);
    const before = e.estimate("a").bitsPerSecond;
    for (let i = 0; i < 10; i++) {
      expect(e.onDownload("a", { ...download(500_000, 2000 * MBPS, 1), fromCache: true })).toBe(
        "from-cache",
      );
    }
    expect(e.estimate("a").bitsPerSecond).toBe(before);
  });

  it("does not let a burst of undeclared cache hits inflate the estimate", () => {
    const e = new ThroughputEstimator(config);
    steady(e, "a", 4 * MBPS);
    const before = e.estimate("a").bitsPerSecond;
    for (let i = 0; i < config.cacheHitBelieveAfter; i++) {
      expect(e.onDownload("a", download(500_000, 1000 * MBPS, 1))).toBe("implausible");
    }
    expect(e.estimate("a").bitsPerSecond).toBe(before);
    // A longer run is a fast link after all: the next one counts.
    expect(e.onDownload("a", download(500_000, 1000 * MBPS, 1))).toBe("counted");
    expect(e.estimate("a").bitsPerSecond).toBeGreaterThan(before);
  });

  it("ignores tiny downloads for throughput but keeps their TTFB", () => {
    const e = new ThroughputEstimator(config);
    steady(e, "a", 4 * MBPS);
    const before = e.estimate("a").bitsPerSecond;
    for (let i = 0; i < 10; i++) {
      expect(e.onDownload("a", download(3_000, 100 * MBPS, 300))).toBe("too-small");
    }
    expect(e.estimate("a").bitsPerSecond).toBe(before);
    expect(e.ttfbMs("a")).toBeGreaterThan(250);
  });

  it("falls back from appliance to global to the default", () => {
    const e = new ThroughputEstimator(config);
    expect(e.estimate("x")).toEqual({
      bitsPerSecond: config.defaultBitsPerSecond,
      source: "default",
    });
    expect(e.ttfbMs("x")).toBe(config.defaultTtfbMs);
    steady(e, "a", 6 * MBPS);
    const other = e.estimate("b");
    expect(other.source).toBe("global");
    expect(other.bitsPerSecond).toBeCloseTo(6 * MBPS, -3);
    expect(e.measured("b")).toBeNull();
  });

  it("lowers the estimate during a download that runs far below it", () => {
    const e = new ThroughputEstimator(config);
    steady(e, "a", 8 * MBPS);
    // 100 kB in 900 ms after the first byte: 0.89 Mbit/s.
    const measured = e.onProgress("a", 100_000, 1000, 100);
    expect(measured).toBeCloseTo(888_889, -1);
    expect(e.estimate("a").bitsPerSecond).toBeLessThanOrEqual(900_000);
  });

  it("does not lower the estimate on progress before the first byte or too early", () => {
    const e = new ThroughputEstimator(config);
    steady(e, "a", 8 * MBPS);
    const before = e.estimate("a").bitsPerSecond;
    expect(e.onProgress("a", 0, 3000, null)).toBeNull();
    expect(e.onProgress("a", 20_000, 3000, 2900)).toBeNull(); // 100 ms of transfer
    expect(e.onProgress("a", 500_000, 1000, 100)).toBeNull(); // 4.4 Mbit/s: not a drop
    expect(e.estimate("a").bitsPerSecond).toBe(before);
  });
});

describe("ThroughputEstimator on the bottom rung", () => {
  it("measures segments of a few kilobytes, so a player on a low rung can climb", () => {
    const e = new ThroughputEstimator(DEFAULT_ABR_CONFIG.estimator);
    // An 8 kB segment (2 s at 32 kbit/s) in 20 ms after a 10 ms TTFB: 3.2 Mbit/s.
    expect(e.onDownload("a", { sizeBytes: 8_000, ttfbMs: 10, durationMs: 30 })).toBe("counted");
    expect(e.estimate("a")).toEqual({ bitsPerSecond: 3_200_000, source: "appliance" });
  });
});

describe("ThroughputEstimator seeded from an earlier session", () => {
  it("starts from the remembered figure, says so, and lets real samples take over", () => {
    const e = new ThroughputEstimator(config);
    e.seed("a", 6 * MBPS, 2);
    expect(e.estimate("a")).toEqual({ bitsPerSecond: 6 * MBPS, source: "remembered" });
    // Another appliance falls back to it through the global estimate.
    expect(e.estimate("b")).toEqual({ bitsPerSecond: 6 * MBPS, source: "remembered" });
    expect(e.measured("a")).toBeNull();
    // The link is slower today: 4 s of transfer at 1 Mbit/s outweighs the 2 s prior.
    e.onDownload("a", download(500_000, 1 * MBPS));
    const after = e.estimate("a");
    expect(after.source).toBe("appliance");
    expect(after.bitsPerSecond).toBeLessThan(2 * MBPS);
    expect(e.measured("a")).not.toBeNull();
  });

  it("never overrides what was measured, and ignores nonsense", () => {
    const e = new ThroughputEstimator(config);
    steady(e, "a", 3 * MBPS);
    e.seed("a", 50 * MBPS, 10);
    expect(e.estimate("a").bitsPerSecond).toBeCloseTo(3 * MBPS, -3);
    e.seed("c", Number.NaN, 2);
    e.seed("d", 5 * MBPS, 0);
    expect(e.estimate("c").source).toBe("global");
    expect(e.estimate("d").source).toBe("global");
  });
});
