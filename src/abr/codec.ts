/**
 * Codec choice: AV1 when the decoder says it is supported and smooth at the top AV1
 * resolution (AV1 gives the same score for fewer bits), else H.264, which every browser
 * decodes. `powerEfficient` is recorded by the adapter but not required: a smooth software
 * decode still plays well, and the choice is about picture per bit.
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
  return { codec: "av1", reason: `AV1 smooth at ${topHeight}p` };
}
