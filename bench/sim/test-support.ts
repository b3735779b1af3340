/** Small ladders, traces and a seeded generator for the simulator's tests. */
import { parsePensieveTrace, type ThroughputTrace } from "../../mock-server/shaping/trace.ts";
import type { Rendition } from "../../src/schemas/catalog.ts";
import type { SimLadder } from "./ladder.ts";

export function rendition(id: string, bitrateBps: number, score: number): Rendition {
  return {
    id,
    codec: "h264",
    codecs: "avc1.64001f",
    width: 1280,
    height: 720,
    frameRate: 24,
    averageBitrateBps: bitrateBps,
    peakBitrateBps: bitrateBps,
    targetBitrateBps: bitrateBps,
    quality: { metric: "vmaf", value: score, score },
    playlist: `t/${id}.m3u8`,
  };
}

/** Constant-size segments: bitrate x duration / 8 bytes. */
export function ladder(kbps: number[], scores: number[], segmentSec: number, segments: number) {
  const renditions = kbps.map((k, i) => rendition(`r${i}`, k * 1000, scores[i]!));
  const out: SimLadder = {
    source: "test",
    renditions,
    durationsSec: new Array<number>(segments).fill(segmentSec),
    sizesBytes: renditions.map((r) =>
      new Array<number>(segments).fill((r.averageBitrateBps * segmentSec) / 8),
    ),
  };
  return out;
}

/** A Pensieve trace from `[seconds, Mbit/s]` pairs. */
export const trace = (points: [number, number][]): ThroughputTrace =>
  parsePensieveTrace(points.map(([t, r]) => `${t} ${r}`).join("\n"));

/** Deterministic pseudo-random numbers in [0, 1): the shaping's seeded generator. */
export { seededRandom as seeded } from "../../mock-server/shaping/random.ts";
