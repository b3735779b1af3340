import { describe, expect, it } from "vitest";
import type { Decision, Rendition } from "../../abr/types.ts";
import { createSessionStore } from "./session-store.ts";

const rendition = (id: string, bitrate: number, score: number) =>
  ({
    id,
    averageBitrateBps: bitrate,
    quality: { metric: "ssim", value: 0.9, score },
  }) as unknown as Rendition;

const decision = (renditionId: string, applianceId: string): Decision =>
  ({
    kind: "segment",
    renditionId,
    applianceId,
    applianceBaseUrl: `http://${applianceId}/`,
    probe: false,
    reason: "test",
    inputs: { estimateBitsPerSecond: 2_000_000 },
    atMs: 0,
  }) as unknown as Decision;

describe("session store", () => {
  it("follows decisions, segments and the rendition playing", () => {
    const store = createSessionStore();
    const s = store.getState();
    s.begin("hlsjs", "ours", 0);
    s.setRenditions([rendition("low", 500_000, 40), rendition("high", 2_000_000, 80)]);
    s.decision(decision("high", "isp-a-1"));
    s.segmentLoaded({
      renditionId: "high",
      applianceId: "isp-a-1",
      url: "u",
      sizeBytes: 1,
      ttfbMs: 1,
      durationMs: 2,
    });
    s.firstFrame(100);
    s.renditionPlaying("high", 100);
    const state = store.getState();
    expect(state.estimateBps).toBe(2_000_000);
    expect(state.applianceId).toBe("isp-a-1");
    expect(state.applianceBaseUrl).toBe("http://isp-a-1/");
    expect(state.rendition?.id).toBe("high");
    expect(state.status).toBe("playing");
    expect(state.qoeFigures(100).timeToFirstFrameMs).toBe(100);
  });

  it("counts a stall and an appliance change", () => {
    const store = createSessionStore();
    const s = store.getState();
    s.begin("shaka", "ours", 0);
    s.firstFrame(0);
    s.segmentLoaded({
      renditionId: "a",
      applianceId: "isp-a-1",
      url: "u",
      sizeBytes: 1,
      ttfbMs: 1,
      durationMs: 2,
    });
    s.waiting(1000);
    expect(store.getState().status).toBe("stalled");
    s.playing(1600);
    s.segmentLoaded({
      renditionId: "a",
      applianceId: "exchange-1",
      url: "u",
      sizeBytes: 1,
      ttfbMs: 1,
      durationMs: 2,
    });
    expect(store.getState().qoeFigures(2000)).toMatchObject({
      stallCount: 1,
      stallMs: 600,
      applianceChanges: 1,
    });
  });

  it("keeps the timeline and the decision log bounded", () => {
    const store = createSessionStore();
    const s = store.getState();
    s.begin("hlsjs", "ours", 0);
    for (let i = 0; i < 700; i++) {
      s.sample({ atMs: i * 500, bufferSec: 10, estimateBps: 1e6 }, 0);
      s.decision(decision("a", "isp-a-1"));
    }
    expect(store.getState().timeline).toHaveLength(500);
    expect(store.getState().decisions).toHaveLength(200);
  });
});
