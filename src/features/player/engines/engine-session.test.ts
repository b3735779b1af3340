import { describe, expect, it } from "vitest";
import { DEFAULT_ABR_CONFIG } from "../../../abr/config.ts";
import { AbrController } from "../../../abr/controller.ts";
import { FakeClock, H264, steering } from "../../../abr/test-support.ts";
import type { Decision, Rendition } from "../../../abr/types.ts";
import { proxiedSource } from "../foreign-proxy.ts";
import type { EngineReporter, PlaybackSource, SegmentStats } from "./engine.ts";
import { EngineSession, type MediaView, STALL_TIMEOUT_MS } from "./engine-session.ts";
import type { ForeignVariant } from "./foreign-ladder.ts";

const ORIGIN_BASE = "http://origin.test/titles/t--1/";
const SOURCE: PlaybackSource = {
  manifestUrl: `${ORIGIN_BASE}master.m3u8`,
  renditions: H264,
  originTitleBase: ORIGIN_BASE,
  titlePath: "titles/t--1/",
};
const FOREIGN: PlaybackSource = {
  manifestUrl: "http://cdn.example/live/master.m3u8",
  renditions: null,
  originTitleBase: null,
  titlePath: null,
};

/** Records what the session tells the store. */
class FakeReporter implements EngineReporter {
  decisions: Decision[] = [];
  segments: SegmentStats[] = [];
  warnings: string[] = [];
  ladders: Rendition[][] = [];
  decision(d: Decision) {
    this.decisions.push(d);
  }
  segmentLoaded(stats: SegmentStats) {
    this.segments.push(stats);
  }
  renditions(list: Rendition[]) {
    this.ladders.push(list);
  }
  renditionPlaying() {}
  fatal() {}
  warning(message: string) {
    this.warnings.push(message);
  }
}

/** A player whose buffer and picture the test sets. */
class FakeMedia implements MediaView {
  buffer = 0;
  picture: number | null = null;
  aspects: (number | null)[] = [];
  bufferSec() {
    return this.buffer;
  }
  playbackRate() {
    return 1;
  }
  pictureHeight(aspect: number | null) {
    this.aspects.push(aspect);
    return this.picture;
  }
}

function setup(source = SOURCE, ours = true) {
  const clock = new FakeClock();
  const controller = new AbrController(DEFAULT_ABR_CONFIG, clock.now);
  if (source.renditions) controller.setRenditions(source.renditions);
  controller.setSteering(steering(["a", "b"]));
  const reporter = new FakeReporter();
  const media = new FakeMedia();
  const session = new EngineSession({
    controller,
    reporter,
    source,
    media,
    ours,
    sessionId: "s1",
    now: clock.now,
  });
  return { clock, controller, reporter, media, session };
}

describe("EngineSession: routing", () => {
  it("sends a title request to the decided appliance, with the session in the query", () => {
    const { session } = setup();
    const routed = session.route(`${ORIGIN_BASE}video/h264-360/seg_00001.m4s`);
    expect(routed).toEqual({
      url: "http://a.test/titles/t--1/video/h264-360/seg_00001.m4s?session=s1",
      applianceId: "a",
    });
  });

  it("routes a URL resolved against an appliance, and a retry, afresh", () => {
    const { session } = setup();
    const first = session.route(`${ORIGIN_BASE}video/x/media.m3u8`);
    // A segment resolved against the playlist's appliance URL, and the same URL retried.
    const segment = session.route("http://a.test/titles/t--1/video/x/seg_00002.m4s");
    expect(segment.url).toBe("http://a.test/titles/t--1/video/x/seg_00002.m4s?session=s1");
    session.requestFailed("a", { kind: "http", status: 503 }, first.url);
    const retry = session.route(segment.url);
    expect(retry).toEqual({
      url: "http://b.test/titles/t--1/video/x/seg_00002.m4s?session=s1",
      applianceId: "b",
    });
  });

  it("leaves other hosts and foreign streams alone", () => {
    expect(setup().session.route("http://cdn.example/a.ts")).toEqual({
      url: "http://cdn.example/a.ts",
      applianceId: null,
    });
    const foreign = setup(FOREIGN).session;
    expect(foreign.route("http://cdn.example/live/seg1.ts").applianceId).toBeNull();
  });

  it("routes a foreign stream played through the proxy like a title, failing over alike", () => {
    const source = proxiedSource(
      {
        upstream: "http://cdn.example",
        proxyPath: "/proxy/http/cdn.example/live/master.m3u8",
        steering: steering(["a", "b"]),
      },
      "http://origin.test",
    );
    expect(source.manifestUrl).toBe("http://origin.test/proxy/http/cdn.example/live/master.m3u8");
    const { session } = setup(source);
    expect(session.foreign && session.routed).toBe(true);
    session.foreignVariants([
      {
        id: "level-0",
        playlist: "p0",
        peakBitrateBps: 300_000,
        averageBitrateBps: 0,
        width: 640,
        height: 360,
        frameRate: 30,
        codecs: undefined,
        declaredScore: null,
      },
    ]);
    // A playlist resolved against the origin's proxied manifest, then a segment resolved
    // against the appliance that served the playlist: both to the decided appliance.
    const playlist = session.route("http://origin.test/proxy/http/cdn.example/live/v0.m3u8");
    expect(playlist).toEqual({
      url: "http://a.test/proxy/http/cdn.example/live/v0.m3u8?session=s1",
      applianceId: "a",
    });
    session.requestFailed("a", { kind: "http", status: 503 }, playlist.url);
    expect(session.route("http://a.test/proxy/http/cdn.example/live/s1.ts?session=s1")).toEqual({
      url: "http://b.test/proxy/http/cdn.example/live/s1.ts?session=s1",
      applianceId: "b",
    });
  });

  it("routes the engine's own ABR through the same appliances, without deciding", () => {
    const { session, reporter } = setup(SOURCE, false);
    expect(session.route(`${ORIGIN_BASE}a.m4s`).applianceId).toBe("a");
    expect(reporter.decisions).toEqual([]);
  });
});

describe("EngineSession: decisions", () => {
  it("decides with the player's buffer and picture, and reports the decision", () => {
    const { session, media, reporter } = setup();
    media.buffer = 12;
    media.picture = 432;
    const d = session.decide()!;
    expect(d.inputs.bufferSec).toBe(12);
    expect(d.inputs.rules.find((o) => o.rule === "max-height")?.reason).toBe(
      "picture 432 px: up to 480p",
    );
    // The ladder's aspect is offered for letterboxing until the video's own is known.
    expect(media.aspects.at(-1)).toBeCloseTo(16 / 9, 2);
    expect(reporter.decisions).toEqual([d]);
    expect(session.latest()).toBe(d);
  });

  it("lifts the size cap when the viewer turns it off", () => {
    const { session, media } = setup();
    media.picture = 240;
    session.setCapToPlayerSize(false);
    const d = session.decide()!;
    expect(d.inputs.rules.find((o) => o.rule === "max-height")?.index).toBeNull();
  });

  it("honours the viewer's fixed rendition", () => {
    const { session } = setup();
    session.setManualRendition("h264-1080");
    expect(session.decide()?.renditionId).toBe("h264-1080");
  });

  it("cannot decide a foreign stream before its variants, then maps them once", () => {
    const { session, reporter } = setup(FOREIGN);
    expect(session.decide()).toBeNull();
    const variants: ForeignVariant[] = [300_000, 900_000].map((bps, i) => ({
      id: `level-${i}`,
      playlist: `http://cdn.example/${i}.m3u8`,
      peakBitrateBps: bps,
      averageBitrateBps: 0,
      width: 640 * (i + 1),
      height: 360 * (i + 1),
      frameRate: 30,
      codecs: "avc1.64001f",
      declaredScore: null,
    }));
    expect(session.foreignVariants(variants)).toBe(true);
    // The same ladder again (new objects, a pathway switch) keeps the controller's state.
    expect(session.foreignVariants(variants.map((v) => ({ ...v })))).toBe(false);
    expect(reporter.ladders).toHaveLength(1);
    expect(session.decide()?.inputs.ladder).toEqual(["level-0", "level-1"]);
  });

  it("keeps the controller to the catalog renditions the engine offers", () => {
    const { session, controller } = setup();
    session.offeredCatalogRenditions(new Set(["h264-240", "h264-360"]));
    expect(session.ladder().map((r) => r.id)).toEqual(["h264-240", "h264-360"]);
    controller.setSteering(steering(["a"]));
    expect(session.decide()?.inputs.ladder).toEqual(["h264-240", "h264-360"]);
  });
});

describe("EngineSession: measurements and failures", () => {
  it("reports a measured segment to the controller and the store, once", () => {
    const { session, controller, reporter } = setup();
    session.segmentLoaded({
      renditionId: "h264-360",
      applianceId: "a",
      url: "http://a.test/x.m4s",
      sizeBytes: 250_000,
      ttfbMs: 50,
      durationMs: 1_050,
      mediaSec: 4,
    });
    expect(controller.measuredBitsPerSecond("a")).toBeCloseTo(2_000_000, -3);
    expect(reporter.segments).toHaveLength(1);
    expect(session.segmentDurationSec).toBe(4);
  });

  it("measures an unrouted segment as the origin's (a foreign stream's only source)", () => {
    const { session, controller } = setup(FOREIGN);
    session.segmentLoaded({
      renditionId: "level-0",
      applianceId: null,
      url: "http://cdn.example/1.ts",
      sizeBytes: 100_000,
      ttfbMs: 10,
      durationMs: 410,
    });
    expect(controller.measuredBitsPerSecond("origin")).toBeCloseTo(2_000_000, -3);
  });

  it("sends a failed appliance to the penalty box and says so", () => {
    const { session, reporter } = setup();
    session.decide();
    session.requestFailed("a", { kind: "timeout" }, "http://a.test/x.m4s");
    expect(session.latest()).toBeNull();
    expect(session.decide()?.applianceId).toBe("b");
    expect(reporter.warnings.at(-1)).toBe(
      "Timeout from a for http://a.test/x.m4s: retrying elsewhere",
    );
  });

  it("counts a decode error against the appliance that served it", () => {
    const { session, reporter } = setup();
    session.mediaFailed("a", "bufferAppendError");
    expect(session.decide()?.applianceId).toBe("b");
    expect(reporter.warnings.at(-1)).toMatch(/^Undecodable media from a for bufferAppendError/);
    session.mediaFailed(null, "fragParsingError");
    expect(reporter.warnings.at(-1)).toBe("Media error (fragParsingError).");
  });

  it("ignores failures of unrouted requests: the engine retries its own host", () => {
    const { session, reporter } = setup();
    session.requestFailed(null, { kind: "network" });
    expect(reporter.warnings).toEqual([]);
  });
});

describe("EngineSession: a download in flight", () => {
  const flight = {
    renditionId: "h264-1080",
    applianceId: "a",
    segmentKey: "12.0",
    totalBytes: 1_250_000,
    elapsedMs: 1_000,
    firstByteMs: 100,
  };

  it("abandons a download that will not arrive in time, and adopts the abandonment", () => {
    const { session, media } = setup();
    media.buffer = 3;
    const verdict = session.progress({ ...flight, loadedBytes: 100_000 });
    expect(verdict.abandon).toBe(true);
    expect(session.latest()?.kind).toBe("abandon");
  });

  it("declares a download stalled when no byte came for the stall timeout", () => {
    const { session, clock, media } = setup();
    media.buffer = 30;
    expect(session.progress({ ...flight, loadedBytes: 500_000 })).toEqual({ abandon: false });
    clock.advance(STALL_TIMEOUT_MS - 100);
    const early = { ...flight, loadedBytes: 500_000, elapsedMs: STALL_TIMEOUT_MS + 900 };
    expect(session.progress(early)).toEqual({ abandon: false });
    clock.advance(100);
    const late = { ...early, elapsedMs: STALL_TIMEOUT_MS + 1_000 };
    expect(session.progress(late)).toEqual({ abandon: false, stalled: true });
  });

  it("gives a silent download less time when the buffer is short (but never under 1.5 s)", () => {
    const stalled = (verdict: object) => "stalled" in verdict;
    const { session, clock, media } = setup();
    media.buffer = 4.5; // 2.5 s beyond one 2 s segment
    session.progress({ ...flight, loadedBytes: 500_000 });
    clock.advance(2_400);
    const quiet = { ...flight, loadedBytes: 500_000, elapsedMs: 3_400 };
    expect(stalled(session.progress(quiet))).toBe(false);
    clock.advance(100);
    expect(stalled(session.progress({ ...quiet, elapsedMs: 3_500 }))).toBe(true);

    const { session: dry, clock: dryClock, media: dryMedia } = setup();
    dryMedia.buffer = 0.5;
    dry.progress({ ...flight, loadedBytes: 500_000 });
    dryClock.advance(1_400);
    expect(stalled(dry.progress({ ...flight, loadedBytes: 500_000, elapsedMs: 2_400 }))).toBe(
      false,
    );
    dryClock.advance(100);
    expect(stalled(dry.progress({ ...flight, loadedBytes: 500_000, elapsedMs: 2_500 }))).toBe(true);
  });

  it("does not call a slow but moving download stalled", () => {
    const { session, clock, media } = setup();
    media.buffer = 30;
    for (let i = 1; i <= 20; i++) {
      clock.advance(1_000);
      const verdict = session.progress({ ...flight, loadedBytes: i * 1_000, elapsedMs: i * 1_000 });
      expect("stalled" in verdict).toBe(false);
    }
  });

  it("with the engine's own ABR, watches for stalls but never abandons", () => {
    const { session, media } = setup(SOURCE, false);
    media.buffer = 0;
    expect(session.progress({ ...flight, loadedBytes: 20_000, elapsedMs: 3_000 })).toEqual({
      abandon: false,
    });
  });
});

describe("EngineSession: recovering from errors the engine cannot get past", () => {
  it("knows which appliance a routed URL is on", () => {
    const { session } = setup();
    const routed = session.route(`${ORIGIN_BASE}video/x/media.m3u8`);
    expect(session.applianceOfUrl(routed.url)).toBe("a");
    expect(session.applianceOfUrl("http://a.test/titles/t--1/video/x/seg_00001.m4s")).toBe("a");
    expect(session.applianceOfUrl("http://elsewhere.test/x")).toBeNull();
  });

  it("recovers while a source is left: not once every appliance and the origin failed", () => {
    const { session, controller } = setup();
    controller.setSteering(steering(["a"]));
    expect(session.mayRecover()).toBe(true);
    session.mediaFailed("a", "bufferAppendError");
    // "a" is boxed: the origin is what is left, and it has not failed.
    expect(session.mayRecover()).toBe(true);
    session.requestFailed("origin", { kind: "http", status: 500 });
    expect(session.mayRecover()).toBe(false);
  });

  it("gives a stream from elsewhere a few recoveries a minute", () => {
    const { session, clock } = setup(FOREIGN);
    expect([1, 2, 3, 4].map(() => session.mayRecover())).toEqual([true, true, true, false]);
    clock.advance(61_000);
    expect(session.mayRecover()).toBe(true);
  });

  it("names the appliance of a download that went quiet, and none when nothing is in flight", () => {
    const { session, clock, media } = setup();
    media.buffer = 30;
    expect(session.quietDownload()).toBeNull();
    const flight = {
      renditionId: "h264-240",
      applianceId: "b",
      segmentKey: "4.0",
      loadedBytes: 10_000,
      totalBytes: 75_000,
      elapsedMs: 500,
      firstByteMs: 100,
    };
    session.progress(flight);
    clock.advance(1_000);
    expect(session.quietDownload()).toBeNull();
    clock.advance(1_000);
    expect(session.quietDownload()).toBe("b");
    session.downloadEnded("4.0");
    expect(session.quietDownload()).toBeNull();
  });
});
