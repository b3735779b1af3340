import { describe, expect, it } from "vitest";
import type { Rendition } from "../../../abr/types.ts";
import {
  describeFailure,
  type LevelInfo,
  levelIndexFor,
  matchLevels,
  variantsFromLevels,
} from "./hlsjs-map.ts";

const ORIGIN = "http://127.0.0.1:8080/titles/grain--86aa04f59e83/";
const A = "http://127.0.0.1:9001/titles/grain--86aa04f59e83/";

function rendition(id: string, height: number, average: number, peak: number): Rendition {
  return {
    id,
    codec: id.startsWith("av1") ? "av1" : "h264",
    codecs: "avc1.64001f",
    width: Math.round((height * 16) / 9),
    height,
    frameRate: 24,
    averageBitrateBps: average,
    peakBitrateBps: peak,
    targetBitrateBps: average,
    quality: { metric: "ssim", value: 0.9, score: height / 20 },
    playlist: `titles/grain--86aa04f59e83/video/${id}/media.m3u8`,
  };
}

function level(partial: Partial<LevelInfo>): LevelInfo {
  return {
    url: "http://example.com/x.m3u8",
    bitrate: 1_000_000,
    averageBitrate: 0,
    width: 1280,
    height: 720,
    frameRate: 0,
    videoCodec: undefined,
    score: 0,
    ...partial,
  };
}

describe("matchLevels / levelIndexFor", () => {
  const catalog = [
    rendition("h264-360p-400k", 360, 400_000, 600_000),
    rendition("h264-720p-1009k", 720, 1_009_000, 1_500_000),
    rendition("h264-1080p-2600k", 1080, 2_600_000, 3_300_000),
  ];

  it("matches by media playlist path, on the origin or an appliance", () => {
    const levels = [
      level({ url: `${ORIGIN}video/h264-720p-1009k/media.m3u8?x=1` }),
      level({ url: `${A}video/h264-360p-400k/media.m3u8` }),
    ];
    expect(matchLevels(levels, catalog)).toEqual(["h264-720p-1009k", "h264-360p-400k"]);
  });

  it("falls back to resolution + peak bitrate within 5%, else null", () => {
    const levels = [
      level({ url: "http://x/1.m3u8", width: 1920, height: 1080, bitrate: 3_250_000 }),
      level({ url: "http://x/2.m3u8", width: 1920, height: 1080, bitrate: 5_000_000 }),
    ];
    expect(matchLevels(levels, catalog)).toEqual(["h264-1080p-2600k", null]);
  });

  it("finds the level of a rendition, or the closest lower mapped one", () => {
    const ids = ["h264-360p-400k", null, "h264-1080p-2600k"];
    expect(levelIndexFor("h264-1080p-2600k", ids, catalog)).toBe(2);
    expect(levelIndexFor("h264-720p-1009k", ids, catalog)).toBe(0);
    expect(levelIndexFor("unknown", ["h264-1080p-2600k", "h264-360p-400k"], catalog)).toBe(1);
    expect(levelIndexFor("h264-360p-400k", [], catalog)).toBe(-1);
  });
});

describe("variantsFromLevels", () => {
  it("describes each level for the shared mapping, keeping a declared SCORE", () => {
    const variants = variantsFromLevels([
      level({ url: "http://c/a.m3u8", bitrate: 800_000, averageBitrate: 700_000, score: 61.5 }),
      level({ url: "http://c/b.m3u8", videoCodec: "avc1.64001f" }),
    ]);
    expect(variants[0]).toMatchObject({
      id: "level-0",
      playlist: "http://c/a.m3u8",
      peakBitrateBps: 800_000,
      averageBitrateBps: 700_000,
      declaredScore: 61.5,
      codecs: undefined,
    });
    expect(variants[1]).toMatchObject({
      id: "level-1",
      declaredScore: null,
      codecs: "avc1.64001f",
    });
  });
});

describe("describeFailure", () => {
  it("names the request, the status and what to try", () => {
    const message = describeFailure({
      type: "networkError",
      details: "manifestLoadError",
      url: "http://127.0.0.1:8080/titles/x/master.m3u8",
      status: 404,
      reason: null,
    });
    expect(message).toContain("the manifest http://127.0.0.1:8080/titles/x/master.m3u8 failed");
    expect(message).toContain("HTTP 404");
    expect(message).toContain("origin is running");
  });
  it("says a timeout and an unreachable server apart", () => {
    expect(
      describeFailure({
        type: "networkError",
        details: "fragLoadTimeOut",
        url: null,
        status: null,
        reason: null,
      }),
    ).toContain("a media segment timed out");
    expect(
      describeFailure({
        type: "networkError",
        details: "levelLoadError",
        url: null,
        status: 0,
        reason: null,
      }),
    ).toContain("no answer");
  });
});
