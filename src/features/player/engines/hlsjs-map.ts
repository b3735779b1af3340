/**
 * Pure mapping logic for the hls.js adapter: level <-> rendition mapping, levels as foreign
 * variants, readable error messages. No hls.js, no DOM: the adapter passes plain values in, so
 * all of it runs under vitest. What both adapters need is in `engine-session.ts` and
 * `foreign-ladder.ts`.
 */
import type { Rendition } from "../../../abr/types.ts";
import type { ForeignVariant } from "./foreign-ladder.ts";

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
  /** SCORE, or 0 when the playlist declares none. */
  score: number;
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

/**
 * hls.js's levels as the shared foreign-ladder mapping sees them (`level-<index>`): a score
 * the playlist declares (`SCORE`, our encoder writes it) is a measurement and kept.
 */
export function variantsFromLevels(levels: readonly LevelInfo[]): ForeignVariant[] {
  return levels.map((level, index) => ({
    id: `level-${index}`,
    playlist: level.url,
    peakBitrateBps: level.bitrate,
    averageBitrateBps: level.averageBitrate,
    width: level.width,
    height: level.height,
    frameRate: level.frameRate,
    codecs: level.videoCodec,
    declaredScore: level.score > 0 ? level.score : null,
  }));
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
