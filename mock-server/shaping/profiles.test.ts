import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fluctuatingTrace, loadTraceFolder, PROFILES } from "./profiles.ts";
import { bitsBetween, rateAt } from "./trace.ts";

describe("PROFILES", () => {
  it("has the demo profiles, each with a one-line description", () => {
    for (const name of [
      "unlimited",
      "3g",
      "4g",
      "cable",
      "fibre",
      "drop",
      "fluctuating",
      "harsh",
    ]) {
      const profile = PROFILES[name];
      expect(profile, name).toBeDefined();
      expect(profile!.description).toMatch(/^[^\n]+$/);
    }
    expect(PROFILES["3g"]!.spec).toEqual({
      rate: { kind: "constant", bitsPerSecond: 1.6e6 },
      latencyMs: 150,
    });
  });

  it("drop steps 5 → 0.8 Mbit/s every 20 s", () => {
    const rate = PROFILES.drop!.spec.rate;
    if (rate.kind !== "trace") throw new Error("drop should be a trace");
    expect([0, 19.9, 20, 39.9, 40].map((t) => rateAt(rate.trace, t))).toEqual([
      5e6, 5e6, 0.8e6, 0.8e6, 5e6,
    ]);
    expect(bitsBetween(rate.trace, 0, 40)).toBeCloseTo(20 * 5e6 + 20 * 0.8e6, 3);
  });

  it("fluctuating changes every second within 0.5–6 Mbit/s, the same on every run", () => {
    const trace = fluctuatingTrace();
    expect(trace).toEqual(fluctuatingTrace());
    expect(trace.samples.map((s) => s.atSec)).toEqual(trace.samples.map((_, i) => i));
    const rates = trace.samples.map((s) => s.mbps);
    expect(Math.min(...rates)).toBeGreaterThanOrEqual(0.5);
    expect(Math.max(...rates)).toBeLessThanOrEqual(6);
    expect(Math.max(...rates) / Math.min(...rates)).toBeGreaterThan(6); // it really fluctuates
    expect(fluctuatingTrace(1)).not.toEqual(trace);
  });
});

describe("loadTraceFolder", () => {
  it("names profiles <folder>/<stem>, keeping full names when stems collide", async () => {
    const root = await mkdtemp(join(tmpdir(), "shaping-"));
    const dir = join(root, "hsdpa");
    try {
      await mkdir(dir);
      await writeFile(join(dir, "bus_1.log"), "0 1.5\n1 2.5\n");
      await writeFile(join(dir, "lte.up"), "10\n20\n100\n");
      await writeFile(join(dir, "lte.down"), "50\n100\n");
      await writeFile(join(dir, ".hidden"), "not a trace");
      const profiles = await loadTraceFolder(`${dir}/`);
      expect(Object.keys(profiles).sort()).toEqual([
        "hsdpa/bus_1",
        "hsdpa/lte.down",
        "hsdpa/lte.up",
      ]);
      const bus = profiles["hsdpa/bus_1"]!;
      expect(bus.latencyMs).toBe(0);
      expect(bus.rate.kind === "trace" && bus.rate.name).toBe("hsdpa/bus_1");
      expect(bus.rate.kind === "trace" && rateAt(bus.rate.trace, 1.5)).toBe(2.5e6);
      await writeFile(join(dir, "broken"), "0 1\nabc\n");
      await expect(loadTraceFolder(dir)).rejects.toThrow(/broken: line 2: expected/);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
