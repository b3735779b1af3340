/** Fixtures shared by the ABR tests: a ladder, a steering answer, a fake clock, a small simulator. */
import type { AbrController } from "./controller.ts";
import type { Decision, Rendition, SteeringAnswer, VideoCodec } from "./types.ts";

export function rendition(
  id: string,
  codec: VideoCodec,
  height: number,
  averageBitrateBps: number,
  score: number,
): Rendition {
  return {
    id,
    codec,
    codecs: { av1: "av01.0.08M.08", vp9: "vp09.00.40.08", h264: "avc1.64001f" }[codec],
    width: Math.round((height * 16) / 9),
    height,
    frameRate: 24,
    averageBitrateBps,
    peakBitrateBps: Math.round(averageBitrateBps * 1.5),
    targetBitrateBps: averageBitrateBps,
    quality: { metric: "vmaf", value: score, score },
    playlist: `t/${id}.m3u8`,
  };
}

export const H264: Rendition[] = [
  rendition("h264-240", "h264", 240, 300_000, 40),
  rendition("h264-360", "h264", 360, 700_000, 60),
  rendition("h264-480", "h264", 480, 1_200_000, 72),
  rendition("h264-720", "h264", 720, 2_500_000, 84),
  rendition("h264-1080", "h264", 1080, 5_000_000, 93),
];

export const AV1: Rendition[] = [
  rendition("av1-480", "av1", 480, 800_000, 74),
  rendition("av1-720", "av1", 720, 1_600_000, 86),
  rendition("av1-1080", "av1", 1080, 3_000_000, 94),
];

export const VP9: Rendition[] = [
  rendition("vp9-480", "vp9", 480, 900_000, 73),
  rendition("vp9-720", "vp9", 720, 1_900_000, 85),
  rendition("vp9-1080", "vp9", 1080, 3_600_000, 93),
];

export function steering(ids: string[], ttlSec = 30, outOfRotation: string[] = []): SteeringAnswer {
  const reasons = { health: "up", load: "low", content: "all", proximity: "near" };
  const all = [...ids, ...outOfRotation];
  return {
    titleId: "t",
    client: { region: "isp-a", address: null },
    ttlSec,
    generatedAt: "2026-01-01T00:00:00.000Z",
    appliances: all.map((id, i) => ({
      id,
      baseUrl: `http://${id}.test/`,
      rank: i + 1,
      score: ids.includes(id) ? 0.9 - i * 0.1 : -1,
      reasons,
    })),
    origin: { baseUrl: "http://origin.test/" },
  };
}

export class FakeClock {
  ms = 1_000_000;
  readonly now = () => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

export interface Player {
  bufferSec: number;
  linkBitsPerSecond: number;
  maxBufferSec: number;
  ttfbMs: number;
  pictureHeight?: number | null;
  manualRenditionId?: string | null;
}

export const SEGMENT_SEC = 2;

/**
 * Play `count` segments: decide, download at the link rate (the clock and the buffer move),
 * report the download; wait when the buffer is full. Returns the segment decisions.
 */
export function play(
  abr: AbrController,
  clock: FakeClock,
  renditions: readonly Rendition[],
  player: Player,
  count: number,
): Decision[] {
  const out: Decision[] = [];
  for (let n = 0; n < count; n++) {
    const decision = abr.decide({
      bufferSec: player.bufferSec,
      segmentDurationSec: SEGMENT_SEC,
      pictureHeight: player.pictureHeight ?? null,
      manualRenditionId: player.manualRenditionId ?? null,
    });
    out.push(decision);
    const r = renditions.find((x) => x.id === decision.renditionId)!;
    const sizeBytes = (r.averageBitrateBps * SEGMENT_SEC) / 8;
    const durationMs = player.ttfbMs + (sizeBytes * 8 * 1000) / player.linkBitsPerSecond;
    clock.advance(durationMs);
    player.bufferSec = Math.max(0, player.bufferSec - durationMs / 1000) + SEGMENT_SEC;
    abr.onSegmentLoaded({
      applianceId: decision.applianceId ?? "none",
      renditionId: r.id,
      sizeBytes,
      ttfbMs: player.ttfbMs,
      durationMs,
    });
    const excessSec = player.bufferSec - player.maxBufferSec;
    if (excessSec > 0) {
      clock.advance(excessSec * 1000);
      player.bufferSec = player.maxBufferSec;
    }
  }
  return out;
}

export const indexOf = (renditions: readonly Rendition[], id: string) =>
  renditions.findIndex((r) => r.id === id);
