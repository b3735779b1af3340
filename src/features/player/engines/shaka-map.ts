/**
 * Pure helpers for the shaka-player adapter (`shaka.ts`): URI routing, variant ↔ rendition
 * mapping, buffer-ahead and a quality estimate for foreign streams. No shaka import: the
 * shapes below are the few fields of shaka's `Variant`/`Stream` the adapter reads, so this
 * module is testable in Node.
 */
import type { Rendition, VideoCodec } from "../../../abr/types.ts";
import { rankScoresByBitrate } from "./foreign-ladder.ts";

/** The fields of shaka's `extern.Stream` (video) the mapping reads. */
export interface VideoStreamLike {
  id: number;
  originalId: string | null;
  codecs: string;
  width?: number;
  height?: number;
  frameRate?: number;
  bandwidth?: number;
}

/** The fields of shaka's `extern.Variant` the mapping reads. */
export interface VariantLike {
  id: number;
  bandwidth: number;
  video: VideoStreamLike | null;
  audio: { id: number } | null;
}

/** Where a request goes: the latest decision's appliance, for this title. */
export interface Route {
  originTitleBase: string | null;
  titlePath: string | null;
  applianceBaseUrl: string | null;
}

/**
 * `uri` on the chosen appliance: `originTitleBase + rest` → `applianceBaseUrl + titlePath +
 * rest`. Anything else (no decision yet, a foreign stream, another host) is left unchanged.
 */
export function rewriteUri(uri: string, route: Route): string {
  const { originTitleBase, titlePath, applianceBaseUrl } = route;
  if (!originTitleBase || titlePath === null || !applianceBaseUrl) return uri;
  if (!uri.startsWith(originTitleBase)) return uri;
  return applianceBaseUrl + titlePath + uri.slice(originTitleBase.length);
}

/** What `rewriteUri` needs to know whether a URI belongs to our title (and so is routed). */
export function isTitleUri(uri: string, originTitleBase: string | null): boolean {
  return originTitleBase !== null && uri.startsWith(originTitleBase);
}

/** Largest useful height for an element `cssHeight` px tall; null (no cap) when not laid out. */
export function maxUsefulHeight(cssHeight: number, devicePixelRatio: number): number | null {
  if (!(cssHeight > 0)) return null;
  return Math.round(cssHeight * (devicePixelRatio > 0 ? devicePixelRatio : 1));
}

export function codecOf(codecs: string): VideoCodec {
  return codecs.trim().toLowerCase().startsWith("av01") ? "av1" : "h264";
}

/** shaka's codec prefix for `preferredVideo`, so shaka keeps the codec our controller chose. */
export function shakaCodecPrefix(codec: VideoCodec): string {
  return codec === "av1" ? "av01" : "avc1";
}

/** Frame rate assumed when a foreign stream does not say. */
const DEFAULT_FRAME_RATE = 30;
/** Bits per pixel at which the bpp factor reaches 1 − 1/e (≈ 63%). H.264-ish scale. */
const BPP_SCALE = 0.05;
/** AV1 needs roughly this many times fewer bits than H.264 for the same picture. */
const AV1_EFFICIENCY = 1.5;
const REFERENCE_HEIGHT = 1080;

/**
 * A 0-100 quality guess for a foreign stream's rendition, which has no measured score:
 * `100 × resolution factor × (1 − e^(−bpp / 0.05))`, where bpp = bits per pixel per frame
 * (AV1 bits counted 1.5×) and the resolution factor is √(height / 1080), capped at 1.
 * Strictly increasing in bitrate at a given resolution, so the controller's quality-per-bit
 * pruning keeps working; across resolutions it is a heuristic, not a measurement.
 */
export function estimateQualityScore(
  bitrateBps: number,
  width: number,
  height: number,
  frameRate: number,
  codec: VideoCodec,
): number {
  if (!(width > 0 && height > 0 && bitrateBps > 0)) return 0;
  const fps = frameRate > 0 ? frameRate : DEFAULT_FRAME_RATE;
  const bpp = (bitrateBps * (codec === "av1" ? AV1_EFFICIENCY : 1)) / (width * height * fps);
  const bppFactor = 1 - Math.exp(-bpp / BPP_SCALE);
  const resolutionFactor = Math.min(1, Math.sqrt(height / REFERENCE_HEIGHT));
  return Math.round(1000 * resolutionFactor * bppFactor) / 10;
}

/** The rendition id we give a foreign stream's video stream (one per video stream). */
export function foreignRenditionId(video: VideoStreamLike): string {
  return `variant-${video.id}`;
}

/** Distinct video streams of `variants`, in first-seen order (audio variants share them). */
export function videoStreams(variants: readonly VariantLike[]): VideoStreamLike[] {
  const seen = new Map<number, VideoStreamLike>();
  for (const v of variants) if (v.video && !seen.has(v.video.id)) seen.set(v.video.id, v.video);
  return [...seen.values()];
}

/**
 * Renditions for a stream not in our catalog, one per video stream, ascending bitrate, scores
 * ranked by bitrate within a codec (`rankScoresByBitrate`).
 * Bitrates: the video stream's own bandwidth, else the variant's (which includes audio);
 * DASH @bandwidth and HLS BANDWIDTH are peaks, so average = peak = target here.
 */
export function renditionsFromVariants(variants: readonly VariantLike[]): Rendition[] {
  const out: Rendition[] = [];
  for (const video of videoStreams(variants)) {
    const variantBandwidth = variants.find((v) => v.video?.id === video.id)?.bandwidth ?? 0;
    const bitrate = Math.max(1, Math.round(video.bandwidth || variantBandwidth || 1));
    const width = Math.max(1, Math.round(video.width ?? 1));
    const height = Math.max(1, Math.round(video.height ?? 1));
    const frameRate = video.frameRate && video.frameRate > 0 ? video.frameRate : DEFAULT_FRAME_RATE;
    const codec = codecOf(video.codecs);
    const score = estimateQualityScore(bitrate, width, height, frameRate, codec);
    out.push({
      id: foreignRenditionId(video),
      codec,
      codecs: video.codecs || (codec === "av1" ? "av01" : "avc1"),
      width,
      height,
      frameRate,
      averageBitrateBps: bitrate,
      peakBitrateBps: bitrate,
      targetBitrateBps: bitrate,
      // The schema has no "estimated" metric: the score is on VMAF's 0-100 scale, so say vmaf.
      quality: { metric: "vmaf", value: score, score },
      playlist: video.originalId ?? foreignRenditionId(video),
    });
  }
  return rankScoresByBitrate(out).sort((a, b) => a.averageBitrateBps - b.averageBitrateBps);
}

/**
 * Our catalog rendition for a video stream: by id (a DASH Representation@id is the rendition
 * id), else by codec + height + the nearest peak bitrate within 15% of the stream's bandwidth.
 */
export function matchRendition(
  renditions: readonly Rendition[],
  video: VideoStreamLike,
): Rendition | null {
  const byId = renditions.find((r) => r.id === video.originalId);
  if (byId) return byId;
  const codec = codecOf(video.codecs);
  const bandwidth = video.bandwidth ?? 0;
  let best: Rendition | null = null;
  let bestGap = Number.POSITIVE_INFINITY;
  for (const r of renditions) {
    if (r.codec !== codec || r.height !== video.height || bandwidth <= 0) continue;
    const gap = Math.abs(r.peakBitrateBps - bandwidth) / r.peakBitrateBps;
    if (gap <= 0.15 && gap < bestGap) {
      best = r;
      bestGap = gap;
    }
  }
  return best;
}

/** Video stream id → rendition id, for every video stream of `variants` that maps. */
export function renditionIdsByVideo(
  variants: readonly VariantLike[],
  renditions: readonly Rendition[] | null,
): Map<number, string> {
  const map = new Map<number, string>();
  for (const video of videoStreams(variants)) {
    const id = renditions ? matchRendition(renditions, video)?.id : foreignRenditionId(video);
    if (id) map.set(video.id, id);
  }
  return map;
}

/**
 * The variant carrying `renditionId` among those shaka currently offers (its audio choice
 * already applied), preferring `currentAudioId` when several audio streams go with it. When
 * shaka does not offer that rendition (filtered out by codec or restrictions), the offered
 * variant with the highest bandwidth not above the rendition's, else the lowest: so a policy
 * answer always becomes something playable.
 */
export function pickVariant<V extends VariantLike>(
  variants: readonly V[],
  renditionId: string,
  byVideo: ReadonlyMap<number, string>,
  renditionBitrateBps: number | null,
  currentAudioId: number | null,
): V | null {
  const carrying = variants.filter((v) => v.video && byVideo.get(v.video.id) === renditionId);
  const sameAudio = carrying.find((v) => v.audio?.id === currentAudioId);
  if (sameAudio) return sameAudio;
  if (carrying[0]) return carrying[0];
  const sorted = [...variants].sort((a, b) => a.bandwidth - b.bandwidth);
  if (renditionBitrateBps !== null) {
    const below = sorted.filter((v) => (v.video?.bandwidth ?? v.bandwidth) <= renditionBitrateBps);
    const top = below[below.length - 1];
    if (top) return top;
  }
  return sorted[0] ?? null;
}

/** The shaka `Error` fields the adapter reads. */
export interface ShakaErrorLike {
  severity: number;
  category: number;
  code: number;
  data?: unknown[];
}

/** Reverse lookup in a shaka enum object (`{ NAME: number }`), for readable messages. */
export function enumName(table: Readonly<Record<string, unknown>>, value: number): string | null {
  for (const [name, v] of Object.entries(table)) if (v === value) return name;
  return null;
}

/** "shaka error 1001 BAD_HTTP_STATUS (NETWORK) on http://…": code, names, and the URI if any. */
export function describeShakaError(
  error: ShakaErrorLike,
  codeNames: Readonly<Record<string, unknown>>,
  categoryNames: Readonly<Record<string, unknown>>,
): string {
  const code = enumName(codeNames, error.code);
  const category = enumName(categoryNames, error.category) ?? `category ${error.category}`;
  const uri = error.data?.find((d): d is string => typeof d === "string" && /^https?:/.test(d));
  const status = error.data?.[1];
  const http = code === "BAD_HTTP_STATUS" && typeof status === "number" ? ` HTTP ${status}` : "";
  return `shaka error ${error.code}${code ? ` ${code}` : ""} (${category})${http}${uri ? ` on ${uri}` : ""}`;
}
