/**
 * Codec choice: AV1 when the decoder says it is supported and smooth at the top AV1
 * resolution and its ladder gives at least H.264's quality for the same bits, else H.264,
 * which every browser decodes. AV1 usually wins on picture per bit, but not always (a fast
 * encoder preset on a short clip can lose to x264), so the encoder's scores decide, not the
 * codec's reputation. `powerEfficient` is recorded by the adapter but not required: a smooth
 * software decode still plays well.
 */
import type { CapabilityResult, Rendition, VideoCodec } from "./types.ts";

export interface CodecChoice {
  codec: VideoCodec;
  reason: string;
}

export function chooseCodec(
  renditions: readonly Rendition[],
  capabilities: readonly CapabilityResult[],
): CodecChoice {
  const av1 = renditions.filter((r) => r.codec === "av1");
  const hasH264 = renditions.some((r) => r.codec === "h264");
  if (av1.length === 0) return { codec: "h264", reason: "no AV1 renditions" };
  if (!hasH264) return { codec: "av1", reason: "only AV1 renditions" };

  const topHeight = Math.max(...av1.map((r) => r.height));
  const result = capabilities.find(
    (c) => c.codec === "av1" && (c.height === undefined || c.height >= topHeight),
  );
  if (!result) return { codec: "h264", reason: `AV1 at ${topHeight}p not queried` };
  if (!result.supported) return { codec: "h264", reason: "AV1 not supported" };
  if (!result.smooth) return { codec: "h264", reason: `AV1 at ${topHeight}p not smooth` };
  const h264 = renditions.filter((r) => r.codec === "h264");
  const compared = qualityAtSameBits(av1, h264);
  if (compared && compared.av1 < compared.h264) {
    return {
      codec: "h264",
      reason: `AV1 smooth at ${topHeight}p but H.264 scores higher for the same bits (${compared.h264.toFixed(1)} vs ${compared.av1.toFixed(1)})`,
    };
  }
  const scored = compared
    ? ` and scores ${compared.av1.toFixed(1)} vs ${compared.h264.toFixed(1)}`
    : "";
  return { codec: "av1", reason: `AV1 smooth at ${topHeight}p${scored}` };
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
 * higher of the two lowest rungs up (where both can play). Null when the scores come from
 * different metrics and so cannot be compared.
 */
function qualityAtSameBits(
  av1: readonly Rendition[],
  h264: readonly Rendition[],
): { av1: number; h264: number } | null {
  const metrics = new Set([...av1, ...h264].map((r) => r.quality.metric));
  if (metrics.size !== 1) return null;
  const floor = Math.max(
    Math.min(...av1.map((r) => r.averageBitrateBps)),
    Math.min(...h264.map((r) => r.averageBitrateBps)),
  );
  const budgets = [...new Set([...av1, ...h264].map((r) => r.averageBitrateBps))].filter(
    (b) => b >= floor,
  );
  const mean = (ladder: readonly Rendition[]) =>
    budgets.reduce((sum, b) => sum + scoreWithin(ladder, b), 0) / budgets.length;
  return { av1: mean(av1), h264: mean(h264) };
}
