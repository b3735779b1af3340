/**
 * The ladder of a stream from outside our catalog, in the core's terms, one way for both
 * engines: each adapter describes its variants as `ForeignVariant`s and gets the same
 * `Rendition`s back, so one stream gets one ladder (and one decision) in either engine.
 *
 * Quality scores: a score the manifest declares (our own encoder's `SCORE` attribute in HLS or
 * quality-score `SupplementalProperty` in DASH, when a stream of ours is opened by URL) is a
 * measurement and is used as is. Otherwise the score is estimated from resolution, bits per
 * pixel and codec, and the estimates are made to rank the rungs by bitrate: the core keeps a
 * rung only if it scores higher than the rung below (by `minScoreGain` when it costs much
 * more), and that pruning must not drop rungs the stream's author put there on purpose.
 */
import type { Rendition, VideoCodec } from "../../../abr/types.ts";

/** One video variant of a stream, as either engine describes it (0 = not declared). */
export interface ForeignVariant {
  /** Stable within the stream: the engine's own index or stream id, e.g. `level-3`. */
  id: string;
  /** Media playlist URL (HLS) or Representation id (DASH): what the quality menu keys on. */
  playlist: string;
  /** BANDWIDTH / @bandwidth: a peak. */
  peakBitrateBps: number;
  /** AVERAGE-BANDWIDTH, when the manifest gives one. */
  averageBitrateBps: number;
  width: number;
  height: number;
  frameRate: number;
  /** The video codec string, e.g. `avc1.64001f`; undefined when the manifest gives none. */
  codecs: string | undefined;
  /** A measured score (0-100) the manifest declares; null when it declares none. */
  declaredScore: number | null;
}

/** Rungs kept this far apart, above the core's 2-point pruning threshold. */
export const MIN_SCORE_STEP = 2.5;

/** Frame rate assumed when a manifest gives none. */
const DEFAULT_FPS = 30;
/** Bits per pixel at which the picture gets 1 − 1/e (63%) of its resolution's ceiling. */
const BPP_KNEE = 0.05;
/** AV1 needs about 30% fewer bits than H.264 for the same picture, VP9 about 20% (the
 * encoder's own bitrate ratios, `encoder/pipeline.ts`). */
const BIT_GAIN: Record<VideoCodec, number> = { h264: 1, vp9: 1 / 0.8, av1: 1 / 0.7 };
const SMALLEST_PIXELS = 320 * 180;
const LARGEST_PIXELS = 3840 * 2160;

/** The codec family of a codec string: AV1, VP9 or, for anything else, H.264's ladder. */
export function codecOf(codecs: string | undefined): VideoCodec {
  const c = codecs?.trim().toLowerCase() ?? "";
  if (c.startsWith("av01")) return "av1";
  if (c.startsWith("vp09") || c.startsWith("vp9")) return "vp9";
  return "h264";
}

/**
 * Quality score (0-100) estimated for a variant nobody measured:
 *
 *   ceiling = 40 + 60 × log(pixels / 320×180) / log(3840×2160 / 320×180), clamped to 20..100
 *   bpp     = bitrate / (width × height × fps)   (× 1/0.7 for AV1, × 1/0.8 for VP9)
 *   score   = ceiling × (1 − e^(−bpp / 0.05))
 *
 * The ceiling rises with resolution (180p 40, 360p 57, 720p 73, 1080p 83, 2160p 100); bits per
 * pixel fill it with diminishing returns, so the score is strictly increasing in bitrate within
 * a resolution. Without a resolution (audio-only or unknown) it scores bitrate alone against a
 * 720p ceiling at 1280×720×30.
 */
export function estimateQualityScore(
  bitrateBps: number,
  width: number,
  height: number,
  frameRate: number,
  codec: VideoCodec = "h264",
): number {
  const known = width > 0 && height > 0;
  const pixels = known ? width * height : 1280 * 720;
  const fps = frameRate > 0 ? frameRate : DEFAULT_FPS;
  const span = Math.log(LARGEST_PIXELS / SMALLEST_PIXELS);
  const ceiling = Math.min(
    100,
    Math.max(20, 40 + (60 * Math.log(pixels / SMALLEST_PIXELS)) / span),
  );
  const bpp = (bitrateBps / (pixels * fps)) * BIT_GAIN[codec];
  return ceiling * (1 - Math.exp(-Math.max(0, bpp) / BPP_KNEE));
}

/**
 * The codec a variant without a codec string is taken to be: the one codec the stream declares
 * elsewhere, else H.264. So an undeclared variant joins its ladder rather than being dropped
 * by the core's codec choice (which keeps one codec); the engine finds out the real codec from
 * the segments anyway.
 */
function undeclaredCodec(variants: readonly ForeignVariant[]): VideoCodec {
  const declared = new Set(
    variants.filter((v) => v.codecs !== undefined).map((v) => codecOf(v.codecs)),
  );
  return declared.size === 1 ? [...declared][0]! : "h264";
}

/**
 * `Rendition`s for a stream outside our catalog, one per variant, in the order given. A
 * variant without any bitrate (a media playlist opened directly) gets 1 bit/s: a ladder of
 * one, played as is. `quality.metric` is "vmaf" only because the schema has no "estimate";
 * `value` = the score.
 */
export function foreignRenditions(variants: readonly ForeignVariant[]): Rendition[] {
  const fallback = undeclaredCodec(variants);
  const allDeclared = variants.length > 0 && variants.every((v) => v.declaredScore !== null);
  const renditions: Rendition[] = variants.map((v) => {
    const codec = v.codecs === undefined ? fallback : codecOf(v.codecs);
    const average = v.averageBitrateBps || v.peakBitrateBps;
    const score =
      v.declaredScore ?? estimateQualityScore(average, v.width, v.height, v.frameRate, codec);
    return {
      id: v.id,
      codec,
      codecs: v.codecs ?? { av1: "av01", vp9: "vp09", h264: "avc1" }[codec],
      width: Math.max(1, Math.round(v.width)),
      height: Math.max(1, Math.round(v.height)),
      frameRate: v.frameRate > 0 ? v.frameRate : DEFAULT_FPS,
      averageBitrateBps: Math.max(1, Math.round(average)),
      peakBitrateBps: Math.max(1, Math.round(v.peakBitrateBps || average)),
      targetBitrateBps: Math.max(1, Math.round(average)),
      quality: { metric: "vmaf", value: score, score },
      playlist: v.playlist,
    };
  });
  // Measured scores are kept as they are: the core's pruning is right to act on them.
  return allDeclared ? renditions : rankScoresByBitrate(renditions);
}

/**
 * In place, per codec: ascending bitrate gets strictly rising scores, at least
 * `MIN_SCORE_STEP` apart, starting from the estimates. When that overflows 100 the rungs are
 * spread evenly over 0-100 instead (rescaling would squeeze the steps under the threshold).
 * Rungs of equal bitrate keep their order by estimate. Scores rounded to 0.1.
 */
export function rankScoresByBitrate(renditions: Rendition[]): Rendition[] {
  const codecs = new Set(renditions.map((r) => r.codec));
  for (const codec of codecs) {
    const ladder = renditions
      .filter((r) => r.codec === codec)
      .sort(
        (a, b) => a.averageBitrateBps - b.averageBitrateBps || a.quality.score - b.quality.score,
      );
    let previous: number | null = null;
    const scores = ladder.map((r) => {
      const score: number =
        previous === null
          ? Math.max(0, r.quality.score)
          : Math.max(r.quality.score, previous + MIN_SCORE_STEP);
      previous = score;
      return score;
    });
    const overflow = (scores.at(-1) ?? 0) > 100;
    ladder.forEach((r, i) => {
      const score = overflow ? (100 * (i + 1)) / ladder.length : (scores[i] ?? 0);
      r.quality.score = Math.round(score * 10) / 10;
      r.quality.value = r.quality.score;
    });
  }
  return renditions;
}

/** The scheme our encoder writes a rendition's measured score under in a DASH MPD. */
export const QUALITY_SCORE_SCHEME = "urn:streamlab:quality-score:2026";

/**
 * The quality scores a DASH MPD declares per Representation id (our encoder's
 * `SupplementalProperty`), read from the manifest's text: shaka-player does not expose
 * supplemental properties. Empty for any other manifest.
 */
export function declaredDashScores(mpd: string): Map<string, number> {
  const scores = new Map<string, number>();
  // Each piece runs from one <Representation to the next: its attributes, then its children
  // (a self-closing Representation has none, and the next piece is the next one's).
  for (const piece of mpd.split(/<Representation\b/).slice(1)) {
    const close = piece.indexOf(">");
    if (close < 0) continue;
    const id = attributeOf(piece.slice(0, close), "id");
    if (id === null || piece[close - 1] === "/") continue;
    const body = piece.slice(close + 1).split("</Representation>")[0] ?? "";
    for (const [, property = ""] of body.matchAll(/<SupplementalProperty\b([^>]*)>/g)) {
      const score = Number(attributeOf(property, "value"));
      if (attributeOf(property, "schemeIdUri") !== QUALITY_SCORE_SCHEME) continue;
      if (Number.isFinite(score) && score >= 0 && score <= 100) scores.set(id, score);
    }
  }
  return scores;
}

/** An XML attribute's value from a tag's attribute text, or null. */
function attributeOf(attributes: string, name: string): string | null {
  return new RegExp(`(?:^|\\s)${name}="([^"]*)"`).exec(attributes)?.[1] ?? null;
}
