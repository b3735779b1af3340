/**
 * Pure helpers for the shaka-player adapter (`shaka.ts`): variant ↔ rendition mapping and
 * readable errors. No shaka import: the shapes below are the few fields of shaka's
 * `Variant`/`Stream` the adapter reads, so this module is testable in Node. What both adapters
 * need is in `engine-session.ts` and `foreign-ladder.ts`.
 */
import type { Rendition, VideoCodec } from "../../../abr/types.ts";
import { codecOf, type ForeignVariant } from "./foreign-ladder.ts";

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

/** shaka's codec prefix for `preferredVideo`, so shaka keeps the codec our controller chose. */
export function shakaCodecPrefix(codec: VideoCodec): string {
  return { av1: "av01", vp9: "vp09", h264: "avc1" }[codec];
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
 * A foreign stream's video streams as the shared foreign-ladder mapping sees them, one per
 * video stream (`variant-<id>`). Bitrates: the video stream's own bandwidth, else the
 * variant's (which includes audio); DASH @bandwidth and HLS BANDWIDTH are peaks. A score the
 * MPD declares (`declared`, by Representation id) is kept as measured.
 */
export function variantsFromShaka(
  variants: readonly VariantLike[],
  declared: ReadonlyMap<string, number> = new Map(),
): ForeignVariant[] {
  return videoStreams(variants).map((video) => {
    const variantBandwidth = variants.find((v) => v.video?.id === video.id)?.bandwidth ?? 0;
    const bitrate = video.bandwidth || variantBandwidth;
    const score = video.originalId ? declared.get(video.originalId) : undefined;
    return {
      id: foreignRenditionId(video),
      playlist: video.originalId ?? foreignRenditionId(video),
      peakBitrateBps: bitrate,
      averageBitrateBps: 0,
      width: video.width ?? 0,
      height: video.height ?? 0,
      frameRate: video.frameRate ?? 0,
      codecs: video.codecs || undefined,
      declaredScore: score ?? null,
    };
  });
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
