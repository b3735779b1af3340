import { describe, expect, it } from "vitest";
import { DEFAULT_ABR_CONFIG } from "../../../abr/config.ts";
import { AbrController } from "../../../abr/controller.ts";
import { efficientLadder } from "../../../abr/rules/ladder.ts";
import type { Rendition } from "../../../abr/types.ts";
import { MIN_SCORE_STEP, rankScoresByBitrate } from "./foreign-ladder.ts";
import { type LevelInfo, renditionsFromLevels } from "./hlsjs-map.ts";
import { renditionsFromVariants, type VariantLike } from "./shaka-map.ts";

function level(partial: Partial<LevelInfo>): LevelInfo {
  return {
    url: "http://cdn.example/x.m3u8",
    bitrate: 1_000_000,
    averageBitrate: 0,
    width: 0,
    height: 0,
    frameRate: 0,
    videoCodec: undefined,
    ...partial,
  };
}

function rung(id: string, bps: number, score: number, codec: "h264" | "av1" = "h264"): Rendition {
  return {
    id,
    codec,
    codecs: codec === "av1" ? "av01" : "avc1",
    width: 640,
    height: 360,
    frameRate: 30,
    averageBitrateBps: bps,
    peakBitrateBps: bps,
    targetBitrateBps: bps,
    quality: { metric: "vmaf", value: score, score },
    playlist: id,
  };
}

const scores = (list: readonly Rendition[]) =>
  [...list].sort((a, b) => a.averageBitrateBps - b.averageBitrateBps).map((r) => r.quality.score);

describe("rankScoresByBitrate", () => {
  it("makes scores rise with bitrate by at least the step, per codec", () => {
    const list = rankScoresByBitrate([
      rung("c", 3_000_000, 50),
      rung("a", 500_000, 60),
      rung("b", 1_000_000, 40),
      rung("x", 800_000, 90, "av1"),
    ]);
    expect(scores(list.filter((r) => r.codec === "h264"))).toEqual([60, 62.5, 65]);
    expect(list.find((r) => r.id === "x")!.quality.score).toBe(90);
  });

  it("spreads a ladder evenly over 0-100 when the steps overflow", () => {
    const list = rankScoresByBitrate(
      Array.from({ length: 20 }, (_, i) => rung(`r${i}`, 100_000 * (i + 1), 95)),
    );
    const s = scores(list);
    expect(s[0]).toBe(5);
    expect(s.at(-1)).toBe(100);
    for (let i = 1; i < s.length; i++) expect(s[i]! - s[i - 1]!).toBeCloseTo(5, 5);
  });

  it("keeps every rung through the core's quality-per-bit pruning", () => {
    // Close bitrates, same resolution: estimates alone would differ by under 2 points.
    const list = rankScoresByBitrate(
      [1_000_000, 1_300_000, 1_700_000, 2_200_000].map((bps, i) => rung(`r${i}`, bps, 80)),
    );
    expect(efficientLadder(list, DEFAULT_ABR_CONFIG.rules)).toHaveLength(4);
  });
});

describe("foreign ladders through the controller, without a steering answer", () => {
  const decide = (renditions: Rendition[]) => {
    const controller = new AbrController(DEFAULT_ABR_CONFIG, () => 1000);
    controller.setRenditions(renditions);
    return controller.decide({ bufferSec: 0, segmentDurationSec: 6 });
  };

  it("plays a CODECS-less ladder from the stream's own host, every rung a candidate", () => {
    const decision = decide(
      renditionsFromLevels([
        level({ bitrate: 345_400, width: 426, height: 240 }),
        level({ bitrate: 730_400, width: 640, height: 360 }),
      ]),
    );
    expect(decision.applianceId).toBeNull();
    expect(decision.applianceBaseUrl).toBeNull();
    expect(decision.reason).toMatch(/no steering/);
    expect(decision.inputs.ladder).toEqual(["level-0", "level-1"]);
  });

  it("does not drop variants without CODECS next to declared ones", () => {
    const renditions = renditionsFromLevels([
      level({ bitrate: 300_000, width: 426, height: 240 }),
      level({ bitrate: 900_000, width: 1280, height: 720, videoCodec: "av01.0.05M.08" }),
      level({ bitrate: 2_000_000, width: 1920, height: 1080, videoCodec: "av01.0.08M.08" }),
    ]);
    expect(renditions.map((r) => r.codec)).toEqual(["av1", "av1", "av1"]);
    expect(decide(renditions).inputs.ladder).toHaveLength(3);
    // Mixed declared codecs: the undeclared one joins H.264, which every browser decodes.
    const mixed = renditionsFromLevels([
      level({ bitrate: 300_000 }),
      level({ bitrate: 900_000, videoCodec: "avc1.4d401f" }),
      level({ bitrate: 800_000, videoCodec: "av01.0.05M.08" }),
    ]);
    expect(mixed.map((r) => r.codec)).toEqual(["h264", "h264", "av1"]);
  });

  it("ranks an audio-only ladder by bitrate", () => {
    const renditions = renditionsFromLevels([
      level({ bitrate: 128_000 }),
      level({ bitrate: 64_000 }),
      level({ bitrate: 256_000 }),
    ]);
    expect(renditions.every((r) => r.width === 1 && r.height === 1)).toBe(true);
    expect(scores(renditions)).toEqual([...scores(renditions)].sort((a, b) => a - b));
    expect(decide(renditions).inputs.ladder).toEqual(["level-1", "level-0", "level-2"]);
  });

  it("plays a media playlist opened directly (one level, no BANDWIDTH)", () => {
    const renditions = renditionsFromLevels([level({ bitrate: 0, url: "http://c/x/index.m3u8" })]);
    expect(renditions).toHaveLength(1);
    expect(renditions[0]!.averageBitrateBps).toBe(1);
    expect(Number.isFinite(renditions[0]!.quality.score)).toBe(true);
    expect(decide(renditions).renditionId).toBe("level-0");
  });

  it("maps a DASH video ladder the same way (shaka side)", () => {
    const variants: VariantLike[] = [250_000, 600_000].map((bw, i) => ({
      id: i,
      bandwidth: bw + 64_000,
      audio: { id: 9 },
      video: {
        id: i,
        originalId: String(i),
        codecs: "avc1.42c01e",
        width: i === 0 ? 426 : 640,
        height: i === 0 ? 240 : 360,
        bandwidth: bw,
      },
    }));
    const renditions = renditionsFromVariants(variants);
    expect(renditions.map((r) => r.id)).toEqual(["variant-0", "variant-1"]);
    const [low, high] = scores(renditions);
    expect(high! - low!).toBeGreaterThanOrEqual(MIN_SCORE_STEP);
    const decision = decide(renditions);
    expect(decision.applianceId).toBeNull();
    expect(decision.inputs.ladder).toEqual(["variant-0", "variant-1"]);
  });
});
