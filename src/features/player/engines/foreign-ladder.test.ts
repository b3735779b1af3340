import { describe, expect, it } from "vitest";
import { DEFAULT_ABR_CONFIG } from "../../../abr/config.ts";
import { AbrController } from "../../../abr/controller.ts";
import { efficientLadder } from "../../../abr/rules/ladder.ts";
import type { Rendition } from "../../../abr/types.ts";
import {
  codecOf,
  declaredDashScores,
  estimateQualityScore,
  foreignRenditions,
  MIN_SCORE_STEP,
  rankScoresByBitrate,
} from "./foreign-ladder.ts";
import { type LevelInfo, variantsFromLevels } from "./hlsjs-map.ts";
import { type VariantLike, variantsFromShaka } from "./shaka-map.ts";

const renditionsFromLevels = (levels: LevelInfo[]) => foreignRenditions(variantsFromLevels(levels));
const renditionsFromVariants = (variants: VariantLike[]) =>
  foreignRenditions(variantsFromShaka(variants));

function level(partial: Partial<LevelInfo>): LevelInfo {
  return {
    url: "http://cdn.example/x.m3u8",
    bitrate: 1_000_000,
    averageBitrate: 0,
    width: 0,
    height: 0,
    frameRate: 0,
    videoCodec: undefined,
    score: 0,
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

describe("one ladder, whichever engine reads it", () => {
  it("gives a stream the same renditions and scores in hls.js and in shaka", () => {
    const ladder = [
      { bps: 400_000, w: 640, h: 360 },
      { bps: 1_500_000, w: 1280, h: 720 },
      { bps: 5_000_000, w: 1920, h: 1080 },
    ];
    const fromHls = renditionsFromLevels(
      ladder.map((r) =>
        level({
          bitrate: r.bps,
          width: r.w,
          height: r.h,
          frameRate: 25,
          videoCodec: "avc1.64001f",
        }),
      ),
    );
    const fromShaka = renditionsFromVariants(
      ladder.map((r, i) => ({
        id: i,
        bandwidth: r.bps + 128_000,
        audio: { id: 9 },
        video: {
          id: i,
          originalId: String(i),
          codecs: "avc1.64001f",
          width: r.w,
          height: r.h,
          frameRate: 25,
          bandwidth: r.bps,
        },
      })),
    );
    const view = (list: Rendition[]) =>
      [...list]
        .sort((a, b) => a.averageBitrateBps - b.averageBitrateBps)
        .map((r) => [r.height, r.averageBitrateBps, r.quality.score]);
    expect(view(fromHls)).toEqual(view(fromShaka));
    // The 1080p 5 Mbit/s rung scored 66.6 under one adapter and 80.0 under the other before.
    expect(view(fromHls)[2]![2]).toBeCloseTo(estimateQualityScore(5e6, 1920, 1080, 25), 0);
  });

  it("keeps scores the manifest declares as measured, without re-ranking them", () => {
    const renditions = renditionsFromLevels([
      level({ bitrate: 300_000, width: 640, height: 360, score: 40 }),
      level({ bitrate: 900_000, width: 1280, height: 720, score: 41 }),
    ]);
    expect(renditions.map((r) => r.quality.score)).toEqual([40, 41]);
  });
});

describe("estimateQualityScore and codecOf", () => {
  it("reads the codec family from the codec string", () => {
    expect(codecOf("av01.0.08M.08")).toBe("av1");
    expect(codecOf("avc1.64001f")).toBe("h264");
    expect(codecOf("vp09.00.21.08")).toBe("vp9");
    expect(codecOf("vp9")).toBe("vp9");
    expect(codecOf("hvc1.1.6.L93.B0")).toBe("h264");
    expect(codecOf(undefined)).toBe("h264");
  });

  it("scores strictly higher with bitrate within a resolution, and higher resolutions higher", () => {
    const at = (bps: number, h: number) => estimateQualityScore(bps, (h * 16) / 9, h, 30);
    expect(at(2_000_000, 720)).toBeGreaterThan(at(1_000_000, 720));
    expect(at(8_000_000, 720)).toBeGreaterThan(at(6_000_000, 720));
    expect(at(50_000_000, 1080)).toBeGreaterThan(at(50_000_000, 720));
    for (const h of [180, 360, 720, 1080, 2160]) {
      const score = at(1e9, h);
      expect(score).toBeGreaterThan(0);
      expect(score).toBeLessThanOrEqual(100);
    }
    expect(estimateQualityScore(0, 1280, 720, 30)).toBe(0);
  });

  it("gives AV1 more per bit and small pictures less", () => {
    expect(estimateQualityScore(1e6, 1280, 720, 24, "av1")).toBeGreaterThan(
      estimateQualityScore(1e6, 1280, 720, 24, "h264"),
    );
    expect(estimateQualityScore(8e6, 416, 234, 24, "h264")).toBeLessThan(50);
  });
});

describe("declaredDashScores", () => {
  const mpd = `<?xml version="1.0"?>
<MPD><Period><AdaptationSet>
  <Representation id="h264-360p-252k" bandwidth="417387">
    <SupplementalProperty schemeIdUri="urn:streamlab:quality-score:2026" value="56.8"/>
  </Representation>
  <Representation bandwidth="9" id="bare" />
  <Representation id="other" bandwidth="614683">
    <SupplementalProperty value="99" schemeIdUri="urn:example:else"/>
  </Representation>
  <Representation id="h264-360p-424k"><SupplementalProperty value="73.6" schemeIdUri="urn:streamlab:quality-score:2026"/></Representation>
</AdaptationSet></Period></MPD>`;

  it("reads our encoder's score per Representation, attributes in any order", () => {
    expect(declaredDashScores(mpd)).toEqual(
      new Map([
        ["h264-360p-252k", 56.8],
        ["h264-360p-424k", 73.6],
      ]),
    );
  });

  it("finds nothing in an HLS playlist or a broken document", () => {
    expect(declaredDashScores("#EXTM3U\n#EXT-X-VERSION:7\n").size).toBe(0);
    expect(declaredDashScores("<MPD><Representation id=").size).toBe(0);
  });
});
