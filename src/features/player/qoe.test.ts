import { describe, expect, it } from "vitest";
import {
  applianceUsed,
  figures,
  firstFrame,
  frozeSince,
  progressed,
  renditionChanged,
  stallBegan,
  stallEnded,
  started,
} from "./qoe.ts";

describe("QoE accounting", () => {
  it("measures time to first frame from the play request", () => {
    const s = firstFrame(started(1000), 1850);
    expect(figures(s, 2000).timeToFirstFrameMs).toBe(850);
  });

  it("counts stalls after the first frame only, with their time", () => {
    let s = started(0);
    s = stallBegan(s, 100); // startup wait: not a stall
    s = firstFrame(s, 500);
    s = stallBegan(s, 3000);
    s = stallBegan(s, 3100); // already stalled
    expect(figures(s, 3500).stallMs).toBe(500); // an ongoing stall counts so far
    s = stallEnded(s, 4200);
    expect(figures(s, 5000)).toMatchObject({ stallCount: 1, stallMs: 1200 });
  });

  it("weights bitrate and quality by the time each rendition played, not while stalled", () => {
    let s = firstFrame(started(0), 0);
    s = renditionChanged(s, 0, "low", 1_000_000, 40);
    s = renditionChanged(s, 1000, "high", 3_000_000, 80); // 1 s of low
    s = stallBegan(s, 4000); // 3 s of high
    s = stallEnded(s, 9000); // 5 s stalled: not played
    s = progressed(s, 9000);
    const f = figures(s, 9000);
    expect(f.averageBitrateBps).toBeCloseTo(2_500_000, 0);
    expect(f.averageQuality).toBeCloseTo(70, 6);
    expect(f.switches).toBe(1);
  });

  it("gives the simulator's QoE_q: score per 4 s played, minus waiting and switches", () => {
    let s = started(0);
    s = firstFrame(s, 500); // 0.5 s of startup
    s = renditionChanged(s, 500, "low", 1_000_000, 40);
    s = renditionChanged(s, 8500, "high", 3_000_000, 80); // 8 s at 40: 2 x 40/20 = 4
    s = stallBegan(s, 12_500); // 4 s at 80: 80/20 = 4
    s = stallEnded(s, 13_500); // 1 s stalled
    s = progressed(s, 13_500);
    // 4 + 4 - 4.3 x (0.5 + 1) - |80 - 40| / 20
    expect(figures(s, 13_500).qualityQoe).toBeCloseTo(8 - 6.45 - 2, 6);
  });

  it("counts a freeze the element never announced as a stall from when time stopped", () => {
    let s = firstFrame(started(0), 0);
    s = renditionChanged(s, 0, "low", 1_000_000, 40);
    // The samples kept accounting 'played' time while the picture stood still from 3 s on.
    for (let t = 500; t <= 5000; t += 500) s = progressed(s, t);
    s = frozeSince(s, 3000, 5000);
    expect(frozeSince(s, 3000, 5200)).toBe(s); // one freeze, counted once
    s = stallEnded(s, 6000);
    s = progressed(s, 7000);
    const f = figures(s, 7000);
    expect(f).toMatchObject({ stallCount: 1, stallMs: 3000, freezes: 1 });
    // Played: 0-3 s and 6-7 s.
    expect(s.playedMs).toBe(4000);
    expect(s.qualityMs).toBe(40 * 4000);
  });

  it("does not count a freeze on top of an announced stall, nor before the first frame", () => {
    let s = firstFrame(started(0), 0);
    s = stallBegan(s, 1000);
    expect(frozeSince(s, 1000, 3000)).toBe(s);
    expect(frozeSince(started(0), 0, 3000).stallCount).toBe(0);
  });

  it("counts appliance changes, not the first appliance", () => {
    let s = started(0);
    s = applianceUsed(s, "isp-a-1");
    s = applianceUsed(s, "isp-a-1");
    s = applianceUsed(s, "exchange-1");
    expect(figures(s, 0).applianceChanges).toBe(1);
  });
});
