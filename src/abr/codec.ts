/**
 * Codec choice among H.264, VP9 and AV1. A codec is playable when the decoder says it is
 * supported and smooth at the codec's top resolution; H.264, which every browser decodes, needs
 * no answer. Among the playable codecs the one whose ladder scores highest for the same bits
 * wins: AV1 and VP9 usually beat H.264 on picture per bit, but not always (a fast encoder
 * preset on a short clip can lose to x264), so the encoder's scores decide, not the codec's
 * reputation. When scores cannot be compared (different metrics) or tie, the newer codec wins
 * (AV1, then VP9). `powerEfficient` is recorded by the adapter but not required: a smooth
 * software decode still plays well.
 */
import type { CapabilityResult, Rendition, VideoCodec } from "./types.ts";

export interface CodecChoice {
  codec: VideoCodec;
  reason: string;
}

/** Newest first: the order that settles ties and incomparable scores. */
const BY_PREFERENCE: readonly VideoCodec[] = ["av1", "vp9", "h264"];
/** Widest support first: the order of last resort when no codec is known to play. */
const BY_SUPPORT: readonly VideoCodec[] = ["h264", "vp9", "av1"];

export const CODEC_NAMES: Record<VideoCodec, string> = { h264: "H.264", vp9: "VP9", av1: "AV1" };

/**
 * `asked`: a codec the viewer asked for (a link's `?codec=`), taken when the title has it and
 * the decoder has not said it cannot play it; otherwise the choice above.
 */
export function chooseCodec(
  renditions: readonly Rendition[],
  capabilities: readonly CapabilityResult[],
  asked: VideoCodec | null = null,
): CodecChoice {
  const ladders = new Map<VideoCodec, Rendition[]>();
  for (const codec of BY_PREFERENCE) {
    const ladder = renditions.filter((r) => r.codec === codec);
    if (ladder.length > 0) ladders.set(codec, ladder);
  }
  const present = [...ladders.keys()];
  if (present.length === 0) return { codec: "h264", reason: "no renditions" };
  if (present.length === 1)
    return { codec: present[0]!, reason: `only ${CODEC_NAMES[present[0]!]} renditions` };
  if (asked && ladders.has(asked)) {
    const unsupported = capabilities.some((c) => c.codec === asked && !c.supported);
    if (!unsupported) return { codec: asked, reason: `${CODEC_NAMES[asked]} asked for` };
  }

  const refusals: string[] = [];
  const playable = present.filter((codec) => {
    const refusal = codec === "h264" ? null : refusalOf(codec, ladders.get(codec)!, capabilities);
    if (refusal) refusals.push(refusal);
    return refusal === null;
  });
  const why = (text: string) => [text, ...refusals].join("; ");
  if (playable.length === 0) {
    const codec = BY_SUPPORT.find((c) => ladders.has(c))!;
    return { codec, reason: why(`${CODEC_NAMES[codec]}, as none is known to play`) };
  }
  if (playable.length === 1) {
    const codec = playable[0]!;
    return { codec, reason: why(`${CODEC_NAMES[codec]}, the only one known to play`) };
  }

  const scores = qualityAtSameBits(playable.map((c) => ladders.get(c)!));
  if (!scores) return { codec: playable[0]!, reason: why(`${CODEC_NAMES[playable[0]!]} smooth`) };
  // Highest score wins; `playable` is in preference order and the sort is stable, so ties
  // go to the newer codec.
  const ranked = playable
    .map((codec, i) => ({ codec, score: scores[i]! }))
    .sort((a, b) => b.score - a.score);
  const listed = ranked.map((r) => `${CODEC_NAMES[r.codec]} ${r.score.toFixed(1)}`).join(", ");
  return {
    codec: ranked[0]!.codec,
    reason: why(`${CODEC_NAMES[ranked[0]!.codec]} scores highest for the same bits (${listed})`),
  };
}

/** Why a codec cannot be used here, or null when the decoder says it plays smoothly. */
function refusalOf(
  codec: VideoCodec,
  ladder: readonly Rendition[],
  capabilities: readonly CapabilityResult[],
): string | null {
  const name = CODEC_NAMES[codec];
  const topHeight = Math.max(...ladder.map((r) => r.height));
  const result = capabilities.find(
    (c) => c.codec === codec && (c.height === undefined || c.height >= topHeight),
  );
  if (!result) return `${name} at ${topHeight}p not queried`;
  if (!result.supported) return `${name} not supported`;
  if (!result.smooth) return `${name} at ${topHeight}p not smooth`;
  return null;
}

/** The best score a ladder reaches within a bitrate budget (0 below its lowest rendition). */
function scoreWithin(ladder: readonly Rendition[], budgetBps: number): number {
  let best = 0;
  for (const r of ladder) {
    if (r.averageBitrateBps <= budgetBps) best = Math.max(best, r.quality.score);
  }
  return best;
}

/**
 * Mean score each ladder reaches at the same budgets: every rendition's bitrate, from the
 * highest of the lowest rungs up (where all can play). Null when the scores come from
 * different metrics and so cannot be compared.
 */
function qualityAtSameBits(ladders: readonly (readonly Rendition[])[]): number[] | null {
  const all = ladders.flat();
  const metrics = new Set(all.map((r) => r.quality.metric));
  if (metrics.size !== 1) return null;
  const floor = Math.max(...ladders.map((l) => Math.min(...l.map((r) => r.averageBitrateBps))));
  const budgets = [...new Set(all.map((r) => r.averageBitrateBps))].filter((b) => b >= floor);
  return ladders.map(
    (ladder) => budgets.reduce((sum, b) => sum + scoreWithin(ladder, b), 0) / budgets.length,
  );
}
