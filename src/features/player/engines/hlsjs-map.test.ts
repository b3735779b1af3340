import { describe, expect, it } from "vitest";
import type { Rendition } from "../../../abr/types.ts";
import {
  codecOf,
  describeFailure,
  estimateQualityScore,
  type LevelInfo,
  levelIndexFor,
  MIN_SCORE_STEP,
  matchLevels,
  renditionsFromLevels,
  rewriteUrl,
  titleBaseOn,
  usefulHeight,
} from "./hlsjs-map.ts";

const ORIGIN = "http://127.0.0.1:8080/titles/grain--86aa04f59e83/";
const A = "http://127.0.0.1:9001/titles/grain--86aa04f59e83/";
const B = "http://127.0.0.1:9002/titles/grain--86aa04f59e83/";

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
    ...partial,
  };
}

describe("rewriteUrl", () => {
  it("moves a URL under the origin's title base onto the target appliance", () => {
    expect(rewriteUrl(`${ORIGIN}video/h264-720p/seg_00001.m4s`, [ORIGIN], A)).toBe(
      `${A}video/h264-720p/seg_00001.m4s`,
    );
  });
  it("moves a URL already on another appliance too (segments resolve against their playlist)", () => {
    expect(rewriteUrl(`${A}video/x/init.mp4`, [ORIGIN, A], B)).toBe(`${B}video/x/init.mp4`);
  });
  it("leaves an ours URL alone without a target, and says null for a foreign URL", () => {
    expect(rewriteUrl(`${ORIGIN}master.m3u8`, [ORIGIN], null)).toBe(`${ORIGIN}master.m3u8`);
    expect(rewriteUrl("https://cdn.example.com/a.ts", [ORIGIN], A)).toBeNull();
  });
  it("joins an appliance base and a title path", () => {
    expect(titleBaseOn("http://127.0.0.1:9001/", "titles/grain--86aa04f59e83/")).toBe(A);
  });
});

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

describe("foreign streams", () => {
  it("reads the codec from the level's video codec", () => {
    expect(codecOf("av01.0.08M.08")).toBe("av1");
    expect(codecOf("avc1.64001f")).toBe("h264");
    expect(codecOf("hvc1.1.6.L93.B0")).toBe("h264");
    expect(codecOf(undefined)).toBe("h264");
  });

  it("scores strictly higher with bitrate within a resolution, and higher resolutions higher", () => {
    const at = (bps: number, h: number) => estimateQualityScore(bps, (h * 16) / 9, h, 30);
    expect(at(2_000_000, 720)).toBeGreaterThan(at(1_000_000, 720));
    expect(at(8_000_000, 720)).toBeGreaterThan(at(6_000_000, 720));
    expect(at(50_000_000, 1080)).toBeGreaterThan(at(50_000_000, 720));
    for (const h of [180, 360, 720, 1080, 2160]) {
      const s = at(1e9, h);
      expect(s).toBeGreaterThan(0);
      expect(s).toBeLessThanOrEqual(100);
    }
    expect(estimateQualityScore(0, 1280, 720, 30)).toBe(0);
  });

  it("builds renditions from a CODECS-less TS ladder, rising with bitrate", () => {
    const levels = [
      level({ url: "https://cdn/3.m3u8", bitrate: 4_000_000, width: 1280, height: 720 }),
      level({ url: "https://cdn/1.m3u8", bitrate: 800_000, width: 640, height: 360 }),
      level({ url: "https://cdn/2.m3u8", bitrate: 1_400_000, width: 1280, height: 720 }),
      level({ url: "https://cdn/0.m3u8", bitrate: 300_000, averageBitrate: 250_000 }),
    ];
    const renditions = renditionsFromLevels(levels);
    expect(renditions.map((r) => r.id)).toEqual(["level-0", "level-1", "level-2", "level-3"]);
    const first = renditions[0]!;
    expect(first.codec).toBe("h264");
    expect(first.peakBitrateBps).toBe(4_000_000);
    expect(renditions[3]!.averageBitrateBps).toBe(250_000);
    expect(renditions[3]!.peakBitrateBps).toBe(300_000);
    const sorted = [...renditions].sort((a, b) => a.averageBitrateBps - b.averageBitrateBps);
    for (let i = 1; i < sorted.length; i++) {
      expect(sorted[i]!.quality.score - sorted[i - 1]!.quality.score).toBeGreaterThanOrEqual(
        MIN_SCORE_STEP - 0.1,
      );
    }
    for (const r of renditions) expect(r.quality.score).toBeLessThanOrEqual(100);
  });

  it("keeps a long ladder inside 0-100", () => {
    const levels = Array.from({ length: 60 }, (_, i) =>
      level({ bitrate: 100_000 * (i + 1), width: 320, height: 180 }),
    );
    const scores = renditionsFromLevels(levels).map((r) => r.quality.score);
    expect(Math.max(...scores)).toBeLessThanOrEqual(100);
    expect(scores).toEqual([...scores].sort((a, b) => a - b));
  });
});

describe("usefulHeight", () => {
  it("is the picture height in device pixels, letterboxed to the aspect", () => {
    expect(usefulHeight(1280, 720, 1, 16 / 9)).toBe(735);
    expect(usefulHeight(1280, 1000, 2, 16 / 9)).toBe(1469);
    expect(usefulHeight(640, 360, 1, null)).toBe(368);
  });
  it("is null before layout", () => {
    expect(usefulHeight(0, 0, 1, 16 / 9)).toBeNull();
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
