import { describe, expect, it } from "vitest";
import { abrConfig, DEFAULT_ABR_CONFIG } from "./config.ts";
import { AbrController } from "./controller.ts";
import { RULES } from "./rules/rules.ts";
import {
  AV1,
  FakeClock,
  H264,
  indexOf,
  type Player,
  play,
  rendition,
  steering,
} from "./test-support.ts";
import type { Decision } from "./types.ts";

const MBPS = 1_000_000;

function setup(renditions = H264, config = DEFAULT_ABR_CONFIG) {
  const clock = new FakeClock();
  const abr = new AbrController(config, clock.now);
  abr.setRenditions(renditions);
  abr.setSteering(steering(["a", "b", "c"]));
  return { abr, clock };
}

function player(over: Partial<Player>): Player {
  return { bufferSec: 0, linkBitsPerSecond: 10 * MBPS, maxBufferSec: 30, ttfbMs: 50, ...over };
}

const ids = (ds: Decision[]) => ds.map((d) => d.renditionId);

/** Index changes between consecutive decisions, with the time between them. */
function upSwitches(ds: Decision[]) {
  const out: { from: number; to: number; atMs: number }[] = [];
  for (let i = 1; i < ds.length; i++) {
    const from = indexOf(H264, ds[i - 1]!.renditionId);
    const to = indexOf(H264, ds[i]!.renditionId);
    if (to > from) out.push({ from, to, atMs: ds[i]!.atMs });
  }
  return out;
}

describe("AbrController: start", () => {
  it("starts low-mid without an estimate, then climbs", () => {
    const { abr, clock } = setup();
    const ds = play(abr, clock, H264, player({}), 40);
    expect(ds[0]!.renditionId).toBe("h264-360");
    expect(ds[0]!.reason).toMatch(/low-mid/);
    expect(ds[0]!.inputs.estimateSource).toBe("default");
    expect(indexOf(H264, ds.at(-1)!.renditionId)).toBeGreaterThan(1);
    for (const s of upSwitches(ds)) expect(s.to - s.from).toBeLessThanOrEqual(2);
  });

  it("starts from the estimate with a conservative factor when there is one", () => {
    const { abr, clock } = setup();
    play(abr, clock, H264, player({ linkBitsPerSecond: 3 * MBPS }), 5);
    abr.setRenditions(H264); // a new title: same link
    const first = abr.decide({ bufferSec: 0, segmentDurationSec: 2 });
    // 0.7 x 3 Mbit/s = 2.1 Mbit/s: 480p (1.2 Mbit/s) fits, 720p (2.5 Mbit/s) does not.
    expect(first.renditionId).toBe("h264-480");
    expect(first.inputs.estimateSource).toBe("appliance");
  });

  it("throws when asked to decide with no renditions", () => {
    const abr = new AbrController(DEFAULT_ABR_CONFIG, new FakeClock().now);
    expect(() => abr.decide({ bufferSec: 0, segmentDurationSec: 2 })).toThrow(/no renditions/);
  });
});

describe("AbrController: steady state", () => {
  it("reaches the top with a full buffer and a good link", () => {
    const { abr, clock } = setup();
    const ds = play(abr, clock, H264, player({ linkBitsPerSecond: 50 * MBPS, bufferSec: 30 }), 40);
    expect(ds.at(-1)!.renditionId).toBe("h264-1080");
    // The estimate is 50 Mbit/s after one segment, yet the climb is paced: two steps at most
    // (high buffer), and at least 8 s apart.
    expect(ds[1]!.inputs.estimateBitsPerSecond).toBeGreaterThan(40 * MBPS);
    const ups = upSwitches(ds);
    expect(ups.length).toBeGreaterThanOrEqual(2);
    for (const s of ups) expect(s.to - s.from).toBeLessThanOrEqual(2);
    for (let i = 1; i < ups.length; i++) {
      expect(ups[i]!.atMs - ups[i - 1]!.atMs).toBeGreaterThanOrEqual(8_000);
    }
  });

  it("climbs after a spike with hysteresis, not straight to the top", () => {
    const { abr, clock } = setup();
    const p = player({ linkBitsPerSecond: 1.5 * MBPS, maxBufferSec: 12 });
    const before = play(abr, clock, H264, p, 30);
    const settled = indexOf(H264, before.at(-1)!.renditionId);
    expect(settled).toBeLessThan(3);
    p.linkBitsPerSecond = 50 * MBPS;
    const after = play(abr, clock, H264, p, 40);
    expect(indexOf(H264, after[0]!.renditionId)).toBeLessThanOrEqual(settled + 1);
    const ups = upSwitches([before.at(-1)!, ...after]);
    expect(ups.length).toBeGreaterThanOrEqual(2);
    for (const s of ups) expect(s.to - s.from).toBe(1); // buffer below highBufferSec: one step
    for (let i = 1; i < ups.length; i++) {
      expect(ups[i]!.atMs - ups[i - 1]!.atMs).toBeGreaterThanOrEqual(8_000);
    }
    expect(after.at(-1)!.renditionId).toBe("h264-1080");
  });

  it("climbs while a fast link fills the buffer, pacing by media time, not wall time", () => {
    // hls.js buffers 30 s ahead: at 20 Mbit/s a 30 s title is fetched in a few seconds of wall
    // time, so a wall-clock interval alone would leave it whole on the first rungs.
    const { abr, clock } = setup();
    const startMs = clock.now();
    const ds = play(abr, clock, H264, player({ linkBitsPerSecond: 20 * MBPS }), 15);
    expect(clock.now() - startMs).toBeLessThan(15_000);
    expect(indexOf(H264, ds.at(-1)!.renditionId)).toBeGreaterThanOrEqual(3);
    const at = ds.map((d) => d.renditionId);
    const upIndexes = at.flatMap((id, i) => (i > 0 && id !== at[i - 1] ? [i] : []));
    for (let i = 1; i < upIndexes.length; i++) {
      // Four 2 s segments (8 s of media) at each rung before the next step up.
      expect(upIndexes[i]! - upIndexes[i - 1]!).toBeGreaterThanOrEqual(4);
    }
  });

  it("does not oscillate on a steady link", () => {
    const { abr, clock } = setup();
    const ds = play(abr, clock, H264, player({ linkBitsPerSecond: 3 * MBPS }), 60);
    const tail = ids(ds.slice(30));
    expect(new Set(tail).size).toBe(1);
  });

  it("switches down far enough, at once, after a throughput drop", () => {
    const { abr, clock } = setup();
    const p = player({ linkBitsPerSecond: 20 * MBPS, bufferSec: 30 });
    const before = play(abr, clock, H264, p, 30);
    expect(before.at(-1)!.renditionId).toBe("h264-1080");
    p.linkBitsPerSecond = 1 * MBPS;
    const after = play(abr, clock, H264, p, 3);
    // The 1080p segment in flight is slow; the very next choice drops several steps.
    const next = after[1]!;
    expect(indexOf(H264, next.renditionId)).toBeLessThanOrEqual(2);
    const chosen = H264.find((r) => r.id === next.renditionId)!;
    expect(chosen.averageBitrateBps).toBeLessThanOrEqual(next.inputs.estimateBitsPerSecond * 0.9);
    expect(next.reason).toMatch(/^throughput/);
  });

  it("never picks a rendition whose download would drain the buffer", () => {
    const { abr, clock } = setup();
    const ds = play(abr, clock, H264, player({ linkBitsPerSecond: 20 * MBPS, bufferSec: 30 }), 30);
    expect(ds.at(-1)!.renditionId).toBe("h264-1080");
    const low = abr.decide({ bufferSec: 1, segmentDurationSec: 2 });
    expect(low.reason).toMatch(/^insufficient-buffer/);
    const r = H264.find((x) => x.id === low.renditionId)!;
    const downloadSec =
      low.inputs.ttfbMs / 1000 + (r.peakBitrateBps * 2) / low.inputs.estimateBitsPerSecond;
    expect(downloadSec).toBeLessThanOrEqual(0.5);
    expect(abr.decide({ bufferSec: 0, segmentDurationSec: 2 }).renditionId).toBe("h264-240");
  });

  it("counts the playback rate: the same buffer and link carry less at 2x", () => {
    const { abr, clock } = setup();
    play(abr, clock, H264, player({ linkBitsPerSecond: 4 * MBPS, bufferSec: 30 }), 30);
    const normal = abr.decide({ bufferSec: 30, segmentDurationSec: 2 });
    const fast = abr.decide({ bufferSec: 30, segmentDurationSec: 2, playbackRate: 2 });
    expect(indexOf(H264, fast.renditionId)).toBeLessThan(indexOf(H264, normal.renditionId));
  });
});

describe("AbrController: quality, manual, cap", () => {
  it("skips a rendition with much higher bitrate for almost the same score", () => {
    const ladder = [
      rendition("a", "h264", 360, 1_000_000, 70),
      rendition("b", "h264", 480, 2_000_000, 85),
      rendition("c", "h264", 720, 3_000_000, 86),
      rendition("d", "h264", 1080, 6_000_000, 95),
    ];
    const { abr, clock } = setup(ladder);
    const ds = play(
      abr,
      clock,
      ladder,
      player({ linkBitsPerSecond: 4.5 * MBPS, bufferSec: 30 }),
      40,
    );
    expect(ids(ds)).not.toContain("c");
    expect(ds.at(-1)!.renditionId).toBe("b");
    expect(ds.at(-1)!.inputs.ladder).toEqual(["a", "b", "d"]);
  });

  it("plays the rendition the viewer fixed, whatever the link", () => {
    const { abr, clock } = setup();
    const ds = play(
      abr,
      clock,
      H264,
      player({ linkBitsPerSecond: 1 * MBPS, manualRenditionId: "h264-1080" }),
      3,
    );
    expect(ids(ds)).toEqual(["h264-1080", "h264-1080", "h264-1080"]);
    expect(ds[0]!.reason).toMatch(/^manual/);
  });

  it("ignores an unknown manual rendition", () => {
    const { abr } = setup();
    const d = abr.decide({ bufferSec: 0, segmentDurationSec: 2, manualRenditionId: "nope" });
    expect(d.renditionId).toBe("h264-360");
  });

  it("never goes above the player's height", () => {
    const { abr, clock } = setup();
    const ds = play(
      abr,
      clock,
      H264,
      player({ linkBitsPerSecond: 50 * MBPS, bufferSec: 30, maxHeight: 480 }),
      30,
    );
    for (const d of ds)
      expect(H264.find((r) => r.id === d.renditionId)!.height).toBeLessThanOrEqual(480);
    expect(ds.at(-1)!.renditionId).toBe("h264-480");
    expect(ds.at(-1)!.reason).toMatch(/^max-height/);
  });

  it("only considers renditions of the chosen codec", () => {
    const { abr, clock } = setup([...H264, ...AV1]);
    abr.setCapabilities([{ codec: "av1", supported: true, smooth: true, powerEfficient: true }]);
    const ds = play(
      abr,
      clock,
      [...H264, ...AV1],
      player({ linkBitsPerSecond: 20 * MBPS, bufferSec: 30 }),
      30,
    );
    for (const d of ds) expect(d.renditionId).toMatch(/^av1-/);
    expect(ds.at(-1)!.renditionId).toBe("av1-1080");
    abr.setCapabilities([{ codec: "av1", supported: true, smooth: false, powerEfficient: false }]);
    expect(abr.decide({ bufferSec: 30, segmentDurationSec: 2 }).renditionId).toMatch(/^h264-/);
  });
});

describe("AbrController: abandonment", () => {
  function atTop() {
    const { abr, clock } = setup();
    const ds = play(abr, clock, H264, player({ linkBitsPerSecond: 20 * MBPS, bufferSec: 30 }), 30);
    expect(ds.at(-1)!.renditionId).toBe("h264-1080");
    const d = abr.decide({ bufferSec: 4, segmentDurationSec: 2 });
    return { abr, clock, d };
  }

  it("abandons a download that will not arrive in time, and records it", () => {
    const { abr, d } = atTop();
    const progress = {
      applianceId: d.applianceId!,
      renditionId: d.renditionId,
      loadedBytes: 100_000,
      totalBytes: 1_250_000,
      elapsedMs: 1_000,
      firstByteMs: 100,
      bufferSec: 3,
      segmentDurationSec: 2,
    };
    const verdict = abr.onProgress(progress);
    expect(verdict.abandon).toBe(true);
    if (!verdict.abandon) return;
    const log = abr.decisions();
    expect(log.at(-1)).toMatchObject({ kind: "abandon", renditionId: verdict.switchTo });
    expect(log.at(-1)!.reason).toMatch(/^abandon h264-1080/);
    // The in-download drop has lowered the estimate already...
    expect(abr.estimateBitsPerSecond(d.applianceId!)).toBeLessThan(1 * MBPS);
    // ...and the next choice does not go back above the rendition switched to.
    const next = abr.decide({ bufferSec: 3, segmentDurationSec: 2 });
    expect(indexOf(H264, next.renditionId)).toBeLessThanOrEqual(indexOf(H264, verdict.switchTo));
  });

  it("does not abandon on a slow first byte", () => {
    const { abr, d } = atTop();
    const base = {
      applianceId: d.applianceId!,
      renditionId: d.renditionId,
      bufferSec: 3,
      segmentDurationSec: 2,
    };
    expect(
      abr.onProgress({ ...base, loadedBytes: 0, elapsedMs: 2_500, firstByteMs: null }).abandon,
    ).toBe(false);
    expect(
      abr.onProgress({ ...base, loadedBytes: 60_000, elapsedMs: 2_600, firstByteMs: 2_500 })
        .abandon,
    ).toBe(false);
  });

  it("does not abandon a rendition the viewer fixed", () => {
    const { abr } = setup();
    const d = abr.decide({ bufferSec: 0, segmentDurationSec: 2, manualRenditionId: "h264-1080" });
    const verdict = abr.onProgress({
      applianceId: d.applianceId!,
      renditionId: d.renditionId,
      loadedBytes: 20_000,
      elapsedMs: 3_000,
      firstByteMs: 100,
      bufferSec: 1,
      segmentDurationSec: 2,
    });
    expect(verdict.abandon).toBe(false);
  });
});

describe("AbrController: appliances", () => {
  it("fails over on an error and on a timeout, and goes to the origin only when all fail", () => {
    const { abr, clock } = setup();
    expect(abr.decide({ bufferSec: 0, segmentDurationSec: 2 }).applianceId).toBe("a");
    abr.onSegmentError({ applianceId: "a", kind: "http", status: 503 });
    const second = abr.decide({ bufferSec: 0, segmentDurationSec: 2 });
    expect(second).toMatchObject({ applianceId: "b", applianceBaseUrl: "http://b.test/" });
    expect(second.reason).toMatch(/a boxed \(HTTP 503\)/);
    abr.onSegmentError({ applianceId: "b", kind: "timeout" });
    expect(abr.decide({ bufferSec: 0, segmentDurationSec: 2 }).applianceId).toBe("c");
    abr.onSegmentError({ applianceId: "c", kind: "network" });
    expect(abr.decide({ bufferSec: 0, segmentDurationSec: 2 }).applianceId).toBe("origin");
    clock.advance(5_000);
    const back = abr.decide({ bufferSec: 0, segmentDurationSec: 2 });
    expect(back).toMatchObject({ applianceId: "a", probe: true });
  });

  it("routes an engine's own ABR through the same appliances without logging decisions", () => {
    const { abr } = setup();
    expect(abr.routeAppliance()).toEqual({ applianceId: "a", applianceBaseUrl: "http://a.test/" });
    abr.onSegmentError({ applianceId: "a", kind: "network" });
    expect(abr.routeAppliance().applianceId).toBe("b");
    expect(abr.decisions()).toEqual([]);
  });

  it("uses each appliance's own estimate", () => {
    const { abr, clock } = setup();
    play(abr, clock, H264, player({ linkBitsPerSecond: 2 * MBPS }), 5);
    expect(abr.estimateBitsPerSecond("a")).toBeCloseTo(2 * MBPS, -4);
    expect(abr.estimateBitsPerSecond("zzz")).toBeCloseTo(2 * MBPS, -4); // global fallback
  });

  it("tells when the steering answer must be refreshed", () => {
    const { abr, clock } = setup();
    expect(abr.needsSteeringRefresh()).toBe(false);
    clock.advance(30_000);
    expect(abr.needsSteeringRefresh()).toBe(true);
  });
});

describe("AbrController: decision log", () => {
  it("records every decision with its reason and every rule's outcome", () => {
    const { abr, clock } = setup();
    play(abr, clock, H264, player({}), 10);
    const log = abr.decisions();
    expect(log).toHaveLength(10);
    for (const d of log) {
      expect(d.reason.length).toBeGreaterThan(10);
      expect(d.inputs.rules).toHaveLength(RULES.length);
      expect(d.atMs).toBeGreaterThan(0);
    }
  });

  it("keeps only the last decisionLogSize decisions", () => {
    const { abr, clock } = setup(H264, abrConfig({ decisionLogSize: 5 }));
    const ds = play(abr, clock, H264, player({}), 12);
    expect(abr.decisions()).toEqual(ds.slice(-5));
  });
});
