import { describe, expect, it } from "vitest";
import type { Decision } from "../../abr/types.ts";
import { DEFAULT_ABR_TUNABLES } from "../../schemas/abr-tunables.ts";
import { SessionExport, segmentsCsv } from "../../schemas/session-export.ts";
import { buildSessionExport, exportBaseName } from "./session-export.ts";
import { createSessionStore } from "./session-store.ts";

const decision: Decision = {
  kind: "segment",
  renditionId: "h264-360p",
  applianceId: "isp-a-1",
  applianceBaseUrl: "http://127.0.0.1:8101/",
  probe: false,
  reason: "throughput: 2.1 Mbit/s",
  inputs: {
    bufferSec: 4,
    playbackRate: 1,
    segmentDurationSec: 2,
    estimateBitsPerSecond: 2_100_000,
    estimateSource: "appliance",
    ttfbMs: 30,
    codec: "h264",
    codecReason: "only H.264 renditions",
    ladder: ["h264-234p", "h264-360p"],
    previousRenditionId: null,
    rules: [{ rule: "throughput", kind: "proposal", index: 1, reason: "fits" }],
  },
  atMs: 1_500,
};

const environment = {
  pageUrl: "http://127.0.0.1:5173/watch/e2e-clip",
  userAgent: "test",
  stream: { titleId: "e2e-clip", url: null },
  engineVersion: "1.7.4",
  window: { width: 1280, height: 720, devicePixelRatio: 1 },
};

function playedSession() {
  const store = createSessionStore();
  const s = store.getState();
  s.begin("hlsjs", "ours", 1_000);
  s.decision(decision);
  s.segmentLoaded(
    {
      renditionId: "h264-360p",
      applianceId: "isp-a-1",
      url: "http://127.0.0.1:8101/titles/t/video/h264-360p/seg_00000.m4s",
      sizeBytes: 120_000,
      ttfbMs: 40,
      durationMs: 440,
      cacheStatus: "MISS",
    },
    2_000,
  );
  s.requestFailed(
    {
      url: "http://127.0.0.1:8101/titles/t/video/h264-360p/seg_00001.m4s",
      applianceId: "isp-a-1",
      reason: "HTTP 503",
    },
    2_600,
  );
  s.firstFrame(1_800);
  s.sample({ atMs: 2_500, bufferSec: 3.5, estimateBps: 2_100_000 }, 0);
  return store;
}

describe("session export", () => {
  it("holds every decision, segment request and timeline point, times from the session's start", () => {
    const store = playedSession();
    const exported = buildSessionExport(
      store.getState(),
      store.getState().qoeFigures(3_000),
      environment,
      new Date("2026-11-30T12:00:00Z"),
    );
    expect(SessionExport.parse(exported)).toEqual(exported);
    expect(exported.decisions).toHaveLength(1);
    expect(exported.decisions[0]?.atMs).toBe(500);
    expect(exported.segments).toEqual([
      expect.objectContaining({
        atMs: 1_000,
        sizeBytes: 120_000,
        transferMs: 400,
        cacheStatus: "MISS",
        aborted: null,
      }),
      expect.objectContaining({ atMs: 1_600, sizeBytes: 0, aborted: "HTTP 503" }),
    ]);
    expect(exported.timeline[0]?.atMs).toBe(1_500);
    expect(exported.qoe.timeToFirstFrameMs).toBe(800);
    expect(exportBaseName(exported)).toBe("streamlab-e2e-clip-2026-11-30T12-00-00-000Z");
  });

  it("carries our ABR's tunables as the session ran with them", () => {
    const store = playedSession();
    const tunables = { ...DEFAULT_ABR_TUNABLES, horizonSegments: 3, switchPenalty: 2 };
    store.getState().setAbrTunables(tunables);
    const exported = buildSessionExport(
      store.getState(),
      store.getState().qoeFigures(3_000),
      environment,
      new Date("2026-11-30T12:00:00Z"),
    );
    expect(SessionExport.parse(exported).environment.abrTunables).toEqual(tunables);
  });

  it("keeps a long session bounded", () => {
    const store = createSessionStore();
    const s = store.getState();
    s.begin("shaka", "ours", 0);
    for (let i = 0; i < 4_000; i++) {
      s.segmentLoaded(
        {
          renditionId: "r",
          applianceId: "a",
          url: `u${i}`,
          sizeBytes: 1,
          ttfbMs: 1,
          durationMs: 2,
        },
        i,
      );
    }
    const { segments } = store.getState();
    expect(segments).toHaveLength(3_600);
    expect(segments.at(-1)?.url).toBe("u3999");
  });

  it("writes the segments as RFC 4180 CSV", () => {
    const csv = segmentsCsv([
      {
        atMs: 1,
        url: "http://h/a,b.m4s",
        applianceId: null,
        renditionId: 'say "hi"',
        sizeBytes: 2,
        ttfbMs: 3,
        transferMs: 4,
        cacheStatus: null,
        aborted: null,
      },
    ]);
    expect(csv).toBe(
      'atMs,url,applianceId,renditionId,sizeBytes,ttfbMs,transferMs,cacheStatus,aborted\r\n1,"http://h/a,b.m4s",,"say ""hi""",2,3,4,,\r\n',
    );
  });
});
