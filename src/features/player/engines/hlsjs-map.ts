/**
 * Pure mapping logic for the hls.js adapter: URL routing, level <-> rendition mapping, buffer
 * ahead of the playhead, quality estimates for foreign streams, readable error messages. No
 * hls.js, no DOM: the adapter passes plain values in, so all of it runs under vitest.
 */
import type { Rendition, VideoCodec } from "../../../abr/types.ts";
import { rankScoresByBitrate } from "./foreign-ladder.ts";

/** The parts of an hls.js `Level` the mapping needs. */
export interface LevelInfo {
  /** Media playlist URL (absolute, as hls.js resolved it from the multivariant playlist). */
  url: string;
  /** BANDWIDTH (peak). */
  bitrate: number;
  /** AVERAGE-BANDWIDTH, or 0 when the playlist has none. */
  averageBitrate: number;
  /** 0 when RESOLUTION is absent (e.g. audio-only variants). */
  width: number;
  height: number;
  /** 0 when FRAME-RATE is absent. */
  frameRate: number;
  /** e.g. `avc1.64001f`; undefined when CODECS is absent (common in MPEG-TS streams). */
  videoCodec: string | undefined;
}

/**
 * Where a request goes. A URL under any known title base (the origin's, or an appliance's the
 * player used before: a media playlist loaded from an appliance resolves its segments there)
 * moves to `targetBase` + the same rest; any other URL is left alone (null: not ours).
 */
export function rewriteUrl(
  url: string,
  knownTitleBases: readonly string[],
  targetTitleBase: string | null,
): string | null {
  const base = knownTitleBases.find((b) => url.startsWith(b));
  if (base === undefined) return null;
  if (targetTitleBase === null) return url;
  return targetTitleBase + url.slice(base.length);
}

/** An appliance's base URL joined with the title path (both end in "/"). */
export function titleBaseOn(applianceBaseUrl: string, titlePath: string): string {
  return applianceBaseUrl + titlePath.replace(/^\/+/, "");
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.split(/[?#]/)[0] ?? url;
  }
}

/** The last `n` segments of a path, e.g. `video/h264-720p-1009k/media.m3u8` for n = 3. */
function tail(path: string, n: number): string {
  return path.split("/").slice(-n).join("/");
}

/** Relative difference, 0 when equal. */
function off(a: number, b: number): number {
  return Math.abs(a - b) / Math.max(1, Math.max(a, b));
}

/**
 * Our catalog's rendition for each level (same order as `levels`; null when none matches):
 * first by the media playlist path (the level URL ends with the rendition's playlist tail,
 * `video/<id>/media.m3u8`), else by resolution and BANDWIDTH = peak bitrate within 5%.
 */
export function matchLevels(
  levels: readonly LevelInfo[],
  renditions: readonly Rendition[],
): (string | null)[] {
  return levels.map((level) => {
    const path = pathOf(level.url);
    const byUrl = renditions.find(
      (r) => path.endsWith(`/${r.playlist}`) || path.endsWith(`/${tail(r.playlist, 3)}`),
    );
    if (byUrl) return byUrl.id;
    const candidates = renditions
      .filter((r) => r.width === level.width && r.height === level.height)
      .filter((r) => off(r.peakBitrateBps, level.bitrate) <= 0.05)
      .sort((a, b) => off(a.peakBitrateBps, level.bitrate) - off(b.peakBitrateBps, level.bitrate));
    return candidates[0]?.id ?? null;
  });
}

/**
 * The level to load for a rendition: the level mapped to it, else (a rendition hls.js dropped,
 * e.g. an unsupported codec) the mapped level of the closest bitrate not above it, else the
 * lowest. -1 only when there are no levels.
 */
export function levelIndexFor(
  renditionId: string,
  levelRenditionIds: readonly (string | null)[],
  renditions: readonly Rendition[],
): number {
  const exact = levelRenditionIds.indexOf(renditionId);
  if (exact >= 0 || levelRenditionIds.length === 0) return exact;
  const byId = new Map(renditions.map((r) => [r.id, r]));
  const wanted = byId.get(renditionId)?.averageBitrateBps ?? 0;
  let best = -1;
  let bestBitrate = -1;
  let lowest = 0;
  let lowestBitrate = Number.POSITIVE_INFINITY;
  levelRenditionIds.forEach((id, i) => {
    const bitrate = id === null ? undefined : byId.get(id)?.averageBitrateBps;
    if (bitrate === undefined) return;
    if (bitrate <= wanted && bitrate > bestBitrate) {
      best = i;
      bestBitrate = bitrate;
    }
    if (bitrate < lowestBitrate) {
      lowest = i;
      lowestBitrate = bitrate;
    }
  });
  return best >= 0 ? best : lowest;
}

export function codecOf(videoCodec: string | undefined): VideoCodec {
  return videoCodec?.toLowerCase().startsWith("av01") ? "av1" : "h264";
}

/** Frame rate assumed when a playlist gives none. */
const DEFAULT_FPS = 30;
/** Bits per pixel at which the picture gets 1 − 1/e (63%) of its resolution's ceiling. */
const BPP_KNEE = 0.05;
/** AV1 needs about 30% fewer bits than H.264 for the same picture. */
const AV1_BIT_GAIN = 1 / 0.7;
const SMALLEST_PIXELS = 320 * 180;
const LARGEST_PIXELS = 3840 * 2160;

/**
 * Quality score (0-100) estimated for a variant nobody measured:
 *
 *   ceiling = 40 + 60 × log(pixels / 320×180) / log(3840×2160 / 320×180), clamped to 20..100
 *   bpp     = bitrate / (width × height × fps)   (× 1/0.7 for AV1)
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
  const bpp = (bitrateBps / (pixels * fps)) * (codec === "av1" ? AV1_BIT_GAIN : 1);
  return ceiling * (1 - Math.exp(-Math.max(0, bpp) / BPP_KNEE));
}

export { MIN_SCORE_STEP } from "./foreign-ladder.ts";

/**
 * The codec a level without CODECS is taken to be: the one codec the stream declares
 * elsewhere, else H.264. So an undeclared level joins its ladder rather than being dropped
 * by the core's codec choice (which keeps one codec), and hls.js finds out the real codec from
 * the segments anyway.
 */
function undeclaredCodec(levels: readonly LevelInfo[]): VideoCodec {
  const declared = new Set(
    levels.filter((l) => l.videoCodec !== undefined).map((l) => codecOf(l.videoCodec)),
  );
  return declared.size === 1 && declared.has("av1") ? "av1" : "h264";
}

/**
 * `Rendition`s for a stream outside our catalog, one per level (id `level-<index>`), with
 * estimated scores ranked by bitrate within a codec (`rankScoresByBitrate`): the stream's
 * author ordered its ladder, and a crude estimate must not make the core prune a rung as
 * "more bits, no better picture". A level without BANDWIDTH (a media playlist opened
 * directly) gets 1 bit/s: a ladder of one, played as is.
 * `quality.metric` is "vmaf" only because the schema has no "estimate"; `value` = the score.
 */
export function renditionsFromLevels(levels: readonly LevelInfo[]): Rendition[] {
  const fallback = undeclaredCodec(levels);
  const renditions: Rendition[] = levels.map((level, index) => {
    const codec = level.videoCodec === undefined ? fallback : codecOf(level.videoCodec);
    const average = level.averageBitrate || level.bitrate;
    const score = estimateQualityScore(average, level.width, level.height, level.frameRate, codec);
    return {
      id: `level-${index}`,
      codec,
      codecs: level.videoCodec ?? (codec === "av1" ? "av01" : "avc1"),
      width: Math.max(1, level.width),
      height: Math.max(1, level.height),
      frameRate: level.frameRate > 0 ? level.frameRate : DEFAULT_FPS,
      averageBitrateBps: Math.max(1, Math.round(average)),
      peakBitrateBps: Math.max(1, Math.round(level.bitrate || average)),
      targetBitrateBps: Math.max(1, Math.round(average)),
      quality: { metric: "vmaf", value: score, score },
      playlist: level.url,
    };
  });
  return rankScoresByBitrate(renditions);
}

/** Screen pixels above the picture's height still count (2%): rounding, not a smaller screen. */
const HEIGHT_SLACK = 1.02;

/**
 * Tallest useful rendition height for a video element of `clientWidth` × `clientHeight` CSS
 * pixels: the height of the picture it shows (letterboxed to `aspect` = width / height) in
 * device pixels. Null (no cap) before layout, when the element has no size.
 */
export function usefulHeight(
  clientWidth: number,
  clientHeight: number,
  devicePixelRatio: number,
  aspect: number | null,
): number | null {
  if (clientWidth <= 0 || clientHeight <= 0) return null;
  const pictureHeight =
    aspect && aspect > 0 ? Math.min(clientHeight, clientWidth / aspect) : clientHeight;
  return Math.ceil(pictureHeight * Math.max(1, devicePixelRatio || 1) * HEIGHT_SLACK);
}

/** What failed, as the error screen says it. */
export interface FailureInfo {
  /** hls.js ErrorTypes value: "networkError", "mediaError", "muxError", "keySystemError", ... */
  type: string;
  /** hls.js ErrorDetails value, e.g. "manifestLoadError". */
  details: string;
  url: string | null;
  status: number | null;
  reason: string | null;
  /** A stream from outside our catalog: the hints name its server, not our network. */
  foreign?: boolean;
}

function whatRequest(details: string): string {
  if (details.startsWith("manifest")) return "the manifest";
  if (details.startsWith("level")) return "a variant playlist";
  if (details.startsWith("audioTrack")) return "an audio playlist";
  if (details.startsWith("subtitle")) return "a subtitle playlist";
  if (details.startsWith("frag")) return "a media segment";
  if (details.startsWith("key")) return "a decryption key";
  return "a request";
}

/** One readable sentence: which request failed, and what to try. */
export function describeFailure(info: FailureInfo): string {
  const status =
    info.status === null
      ? ""
      : info.status === 0
        ? " (no answer: server down, unreachable or CORS refused)"
        : ` (HTTP ${info.status})`;
  const where = info.url ? ` ${info.url}` : "";
  if (info.type === "networkError") {
    const timeout = /timeout$/i.test(info.details) ? " timed out" : " failed";
    const manifest = info.details.startsWith("manifest");
    const hint = info.foreign
      ? manifest
        ? "Check the stream URL, and that its server is up and allows cross-origin requests (CORS)."
        : "Check that the stream's server is up, then retry."
      : manifest
        ? "Check the stream URL, and that the origin is running (npm start)."
        : "Check that the origin and the cache appliances are running, then retry.";
    return `Loading ${whatRequest(info.details)}${where}${timeout}${status}. ${hint}`;
  }
  if (info.type === "mediaError") {
    const reason = info.reason ? `: ${info.reason}` : "";
    return `The browser could not decode the stream (${info.details}${reason}), even after one recovery. Try another browser or the other engine.`;
  }
  if (info.type === "keySystemError") {
    return `The stream is encrypted and this browser could not get a key (${info.details}).`;
  }
  const reason = info.reason ? `: ${info.reason}` : "";
  return `Playback failed (${info.type}, ${info.details}${reason}). Retry, or try the other engine.`;
}
