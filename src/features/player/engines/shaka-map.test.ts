import { describe, expect, it } from "vitest";
import type { Rendition } from "../../../abr/types.ts";
import { foreignRenditions } from "./foreign-ladder.ts";
import {
  describeShakaError,
  matchRendition,
  pickVariant,
  renditionIdsByVideo,
  type VariantLike,
  variantsFromShaka,
} from "./shaka-map.ts";

function rendition(id: string, codec: "h264" | "av1", height: number, peak: number): Rendition {
  return {
    id,
    codec,
    codecs: codec === "av1" ? "av01.0.00M.08" : "avc1.64001e",
    width: Math.round((height * 16) / 9),
    height,
    frameRate: 24,
    averageBitrateBps: Math.round(peak * 0.7),
    peakBitrateBps: peak,
    targetBitrateBps: Math.round(peak * 0.6),
    quality: { metric: "ssim", value: 0.9, score: 50 },
    playlist: `titles/t/video/${id}/media.m3u8`,
  };
}

function variant(id: number, videoId: number, bw: number, height: number, extra = {}): VariantLike {
  return {
    id,
    bandwidth: bw + 128_000,
    audio: { id: 100 },
    video: {
      id: videoId,
      originalId: null,
      codecs: "avc1.64001f",
      width: 0,
      height,
      bandwidth: bw,
      ...extra,
    },
  };
}

describe("variantsFromShaka", () => {
  it("makes one rendition per video stream", () => {
    const variants = [
      variant(1, 11, 2_000_000, 720, { width: 1280, frameRate: 25 }),
      variant(2, 10, 500_000, 360, { width: 640, codecs: "av01.0.04M.08" }),
      { ...variant(3, 11, 2_000_000, 720, { width: 1280 }), audio: { id: 101 } },
    ];
    const out = foreignRenditions(variantsFromShaka(variants));
    expect(out.map((r) => r.id)).toEqual(["variant-11", "variant-10"]);
    expect(out[1]).toMatchObject({
      codec: "av1",
      height: 360,
      averageBitrateBps: 500_000,
      frameRate: 30,
    });
    expect(out[0]).toMatchObject({ codec: "h264", width: 1280, peakBitrateBps: 2_000_000 });
    expect(out[0]!.quality.score).toBeGreaterThan(0);
  });
  it("falls back to the variant bandwidth when the stream has none", () => {
    const v = variant(1, 10, 0, 360, { width: 640, bandwidth: undefined });
    expect(foreignRenditions(variantsFromShaka([v]))[0]!.averageBitrateBps).toBe(128_000);
  });
  it("keeps the scores the MPD declares, by Representation id", () => {
    const v = variant(1, 10, 500_000, 360, { width: 640, originalId: "h264-360p-471k" });
    expect(variantsFromShaka([v], new Map([["h264-360p-471k", 73.6]]))[0]!.declaredScore).toBe(
      73.6,
    );
    expect(variantsFromShaka([v])[0]!.declaredScore).toBeNull();
  });
});

describe("matchRendition / renditionIdsByVideo", () => {
  const catalog = [
    rendition("h264-360p-266k", "h264", 360, 470_320),
    rendition("h264-360p-471k", "h264", 360, 834_888),
    rendition("av1-360p-330k", "av1", 360, 600_000),
  ];
  it("matches the Representation id first", () => {
    const video = { id: 1, originalId: "h264-360p-471k", codecs: "avc1", height: 999 };
    expect(matchRendition(catalog, video)?.id).toBe("h264-360p-471k");
  });
  it("else codec + height + nearest peak bitrate within 15%", () => {
    const video = {
      id: 1,
      originalId: "x",
      codecs: "avc1.64001e",
      height: 360,
      bandwidth: 480_000,
    };
    expect(matchRendition(catalog, video)?.id).toBe("h264-360p-266k");
    expect(matchRendition(catalog, { ...video, bandwidth: 2_000_000 })).toBeNull();
    expect(
      matchRendition(catalog, { ...video, codecs: "av01.0.00M.08", bandwidth: 610_000 })?.id,
    ).toBe("av1-360p-330k");
  });
  it("maps foreign streams by their own id", () => {
    const map = renditionIdsByVideo([variant(1, 7, 1e6, 720)], null);
    expect(map.get(7)).toBe("variant-7");
  });
});

describe("pickVariant", () => {
  const byVideo = new Map([
    [10, "low"],
    [11, "high"],
  ]);
  const low = variant(1, 10, 500_000, 360);
  const highA = variant(2, 11, 2_000_000, 720);
  const highB = { ...variant(3, 11, 2_000_000, 720), audio: { id: 200 } };
  it("picks the variant carrying the rendition, keeping the current audio", () => {
    expect(pickVariant([low, highA, highB], "high", byVideo, null, 200)).toBe(highB);
    expect(pickVariant([low, highA, highB], "high", byVideo, null, 999)).toBe(highA);
  });
  it("falls back to the best offered variant not above the rendition's bitrate", () => {
    expect(pickVariant([low, highA], "missing", byVideo, 1_000_000, null)).toBe(low);
    expect(pickVariant([highA, low], "missing", byVideo, 100, null)).toBe(low);
    expect(pickVariant([], "high", byVideo, null, null)).toBeNull();
  });
});

describe("describeShakaError", () => {
  it("names code, category, status and URI", () => {
    const message = describeShakaError(
      { severity: 2, category: 1, code: 1001, data: ["http://a/x.m4s", 503, "", {}, 1] },
      { BAD_HTTP_STATUS: 1001, TIMEOUT: 1003 },
      { NETWORK: 1, MEDIA: 3 },
    );
    expect(message).toBe("shaka error 1001 BAD_HTTP_STATUS (NETWORK) HTTP 503 on http://a/x.m4s");
    expect(describeShakaError({ severity: 1, category: 9, code: 5 }, {}, {})).toBe(
      "shaka error 5 (category 9)",
    );
  });
});
