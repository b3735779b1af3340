import { describe, expect, it } from "vitest";
import { ThroughputHints } from "./throughput-hints.ts";

describe("ThroughputHints", () => {
  it("answers the median of a region's recent reports for an appliance", () => {
    const hints = new ThroughputHints();
    for (const bps of [1e6, 3e6, 2e6]) hints.report("isp-a", "a1", bps, 0);
    hints.report("isp-b", "a1", 9e6, 0);
    expect(hints.hint("isp-a", "a1", 1_000)).toBe(2e6);
    expect(hints.hint("isp-b", "a1", 1_000)).toBe(9e6);
    expect(hints.hint("isp-a", "a2", 1_000)).toBeNull();
    expect(hints.hint(null, "a1", 1_000)).toBeNull();
  });

  it("forgets old reports and keeps only the latest per pair", () => {
    const hints = new ThroughputHints({ maxAgeMs: 60_000, perKey: 3, maxKeys: 10 });
    hints.report("r", "a", 1e6, 0);
    for (const bps of [4e6, 5e6, 6e6]) hints.report("r", "a", bps, 50_000);
    expect(hints.hint("r", "a", 55_000)).toBe(5e6);
    expect(hints.hint("r", "a", 200_000)).toBeNull();
  });

  it("stays bounded whatever is reported, and ignores nonsense", () => {
    const hints = new ThroughputHints({ maxAgeMs: 60_000, perKey: 2, maxKeys: 3 });
    for (let i = 0; i < 10; i++) hints.report(`r${i}`, "a", 1e6, i);
    expect(hints.hint("r0", "a", 10)).toBeNull();
    expect(hints.hint("r9", "a", 10)).toBe(1e6);
    for (const bad of [0, -5, Number.NaN, Number.POSITIVE_INFINITY, 1e12]) {
      hints.report("r9", "b", bad, 10);
    }
    expect(hints.hint("r9", "b", 10)).toBeNull();
  });
});
