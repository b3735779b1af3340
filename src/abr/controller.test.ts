import { describe, expect, it } from "vitest";
import { abrConfig, DEFAULT_ABR_CONFIG } from "./config.ts";
import { AbrController } from "./controller.ts";
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

describe("AbrController: start", () => {
  it("starts fast at the lowest rendition without an estimate, then climbs", () => {
    const { abr, clock } = setup();
    const ds = play(abr, clock, H264, player({}), 20);
    expect(ds[0]!.renditionId).toBe("h264-240");
    expect(ds[0]!.reason).toMatch(/^plan: plan h264-240/);
    expect(ds[0]!.inputs.estimateSource).toBe("default");
    expect(ds.at(-1)!.renditionId).toBe("h264-1080");
  });

  it("starts from the estimate when there is one", () => {
    const { abr, clock } = setup();
    play(abr, clock, H264, player({ linkBitsPerSecond: 3 * MBPS }), 10);
    abr.setRenditions(H264); // a new title: same link
    const first = abr.decide({ bufferSec: 0, segmentDurationSec: 2 });
    expect(first.inputs.estimateSource).toBe("appliance");
    // Better than the lowest, yet fetched within about a second.
    const r = H264.find((x) => x.id === first.renditionId)!;
    expect(indexOf(H264, r.id)).toBeGreaterThan(0);
    expect((r.averageBitrateBps * 2) / (3 * MBPS)).toBeLessThanOrEqual(1);
  });

  it("throws when asked to decide with no renditions", () => {
    const abr = new AbrController(DEFAULT_ABR_CONFIG, new FakeClock().now);
    expect(() => abr.decide({ bufferSec: 0, segmentDurationSec: 2 })).toThrow(/no renditions/);
  });
});

describe("AbrController: steady state", () => {
  it("does not oscillate on a steady link", () => {
    // A full buffer may be spent on the rung above what the link sustains, then earned back:
    // long stretches, never a flip-flop, never more than one rung above the link.
    for (const mbps of [1, 1.5, 3, 4]) {
      const { abr, clock } = setup();
      const ds = play(abr, clock, H264, player({ linkBitsPerSecond: mbps * MBPS }), 60);
      const tail = ids(ds.slice(10));
      let run = 1;
      const runs: number[] = [];
      for (let i = 1; i < tail.length; i++) {
        if (tail[i] === tail[i - 1]) run++;
        else {
          runs.push(run);
          run = 1;
        }
      }
      for (const r of runs.slice(1))
        expect(r, `${mbps} Mbit/s: ${tail.join(" ")}`).toBeGreaterThanOrEqual(8);
      const sustained = H264.filter((r) => r.averageBitrateBps <= mbps * MBPS).length - 1;
      for (const id of tail) expect(indexOf(H264, id)).toBeLessThanOrEqual(sustained + 1);
    }
  });

  it("switches down, far enough and at once, after a throughput drop, without a stall", () => {
    const { abr, clock } = setup();
    const p = player({ linkBitsPerSecond: 20 * MBPS, maxBufferSec: 12 });
    const before = play(abr, clock, H264, p, 30);
    expect(before.at(-1)!.renditionId).toBe("h264-1080");
    p.linkBitsPerSecond = 1 * MBPS;
    const after = play(abr, clock, H264, p, 10);
    // The 1080p segment in flight is slow; the next choices drop several steps.
    // The next choice drops at least two steps at once (5 to 1.2 Mbit/s), riding the buffer
    // a little above the link, then settles below it (0.7 Mbit/s) as the buffer goes down.
    expect(indexOf(H264, after[1]!.renditionId)).toBeLessThanOrEqual(2);
    expect(after[1]!.reason).toMatch(/estimate \//); // the miss is remembered
    for (const d of after.slice(1)) expect(indexOf(H264, d.renditionId)).toBeLessThanOrEqual(2);
    expect(indexOf(H264, after.at(-1)!.renditionId)).toBeLessThanOrEqual(1);
    expect(p.bufferSec).toBeGreaterThan(2);
  });

  it("climbs after a spike, using the buffer", () => {
    const { abr, clock } = setup();
    const p = player({ linkBitsPerSecond: 1 * MBPS });
    const before = play(abr, clock, H264, p, 30);
    expect(indexOf(H264, before.at(-1)!.renditionId)).toBeLessThanOrEqual(2);
    p.linkBitsPerSecond = 10 * MBPS;
    const after = play(abr, clock, H264, p, 15);
    const firstTop = after.findIndex((d) => d.renditionId === "h264-1080");
    expect(firstTop).toBeGreaterThanOrEqual(0);
    // The jump itself is a 0.9 error: the discount holds the plan down for a few segments.
    expect(firstTop).toBeLessThanOrEqual(12);
    expect(ids(after.slice(firstTop))).toEqual(after.slice(firstTop).map(() => "h264-1080"));
  });

  it("is not fooled by a burst of cache hits", () => {
    const { abr, clock } = setup();
    const p = player({ linkBitsPerSecond: 1.5 * MBPS });
    const settled = play(abr, clock, H264, p, 30).at(-1)!;
    for (let i = 0; i < 3; i++) {
      // 300 kB in 5 ms after the first byte: 480 Mbit/s, a cache answering.
      abr.onSegmentLoaded({
        applianceId: "a",
        renditionId: settled.renditionId,
        sizeBytes: 300_000,
        ttfbMs: 5,
        durationMs: 10,
      });
    }
    expect(abr.estimateBitsPerSecond("a")).toBeLessThan(2 * MBPS);
    const next = abr.decide({ bufferSec: p.bufferSec, segmentDurationSec: 2 });
    expect(indexOf(H264, next.renditionId)).toBeLessThanOrEqual(
      indexOf(H264, settled.renditionId) + 1,
    );
  });

  it("takes the lowest rendition on an empty buffer mid-stream with a weak link", () => {
    const { abr, clock } = setup();
    play(abr, clock, H264, player({ linkBitsPerSecond: 1 * MBPS }), 20);
    expect(abr.decide({ bufferSec: 0, segmentDurationSec: 2 }).renditionId).toBe("h264-240");
    // With a buffer it climbs, but not past the link: near the ladder's bottom the buffer is
    // kept for the dips (a larger buffer target), not spent on a rung the link cannot carry.
    const buffered = indexOf(
      H264,
      abr.decide({ bufferSec: 12, segmentDurationSec: 2 }).renditionId,
    );
    expect(buffered).toBeGreaterThan(0);
    expect(H264[buffered]!.averageBitrateBps).toBeLessThan(1 * MBPS);
  });

  it("counts the playback rate: the same buffer and link carry less at 2x", () => {
    const { abr, clock } = setup();
    play(abr, clock, H264, player({ linkBitsPerSecond: 4 * MBPS, bufferSec: 30 }), 30);
    const normal = abr.decide({ bufferSec: 4, segmentDurationSec: 2 });
    const fast = abr.decide({ bufferSec: 4, segmentDurationSec: 2, playbackRate: 2 });
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
    expect(ids(ds)).toContain("b");
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
    expect(d.renditionId).toBe("h264-240");
    expect(d.reason).toMatch(/^plan/);
  });

  it("never goes above the player's height", () => {
    const { abr, clock } = setup();
    const ds = play(
      abr,
      clock,
      H264,
      player({ linkBitsPerSecond: 50 * MBPS, bufferSec: 30, pictureHeight: 480 }),
      30,
    );
    for (const d of ds)
      expect(H264.find((r) => r.id === d.renditionId)!.height).toBeLessThanOrEqual(480);
    expect(ds.at(-1)!.renditionId).toBe("h264-480");
    // The plan was made within the cap, and the log says which ceiling it was.
    expect(ds.at(-1)!.inputs.rules.find((o) => o.rule === "max-height")).toMatchObject({
      index: 2,
    });
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

  it("abandons a segment at most once: its replacement is kept however slow", () => {
    const { abr, d } = atTop();
    const slow = {
      applianceId: d.applianceId!,
      segmentKey: 7,
      loadedBytes: 100_000,
      elapsedMs: 1_000,
      firstByteMs: 100,
      bufferSec: 3,
      segmentDurationSec: 2,
    };
    const first = abr.onProgress({ ...slow, renditionId: d.renditionId, totalBytes: 1_250_000 });
    expect(first.abandon).toBe(true);
    if (!first.abandon) return;
    // The replacement crawls too: a third request would only lose its bytes as well.
    const again = { ...slow, renditionId: first.switchTo, loadedBytes: 20_000, elapsedMs: 2_000 };
    expect(abr.onProgress(again).abandon).toBe(false);
    // Another segment may still be abandoned.
    expect(abr.onProgress({ ...again, segmentKey: 8 }).abandon).toBe(true);
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
      expect(d.inputs.rules.map((o) => o.rule)).toEqual([
        "manual",
        "plan",
        "abandoned",
        "max-height",
      ]);
      expect(d.atMs).toBeGreaterThan(0);
    }
  });

  it("keeps only the last decisionLogSize decisions", () => {
    const { abr, clock } = setup(H264, abrConfig({ decisionLogSize: 5 }));
    const ds = play(abr, clock, H264, player({}), 12);
    expect(abr.decisions()).toEqual(ds.slice(-5));
  });
});
