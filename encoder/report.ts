/**
 * The per-title encoding report: trial points, the hull, the ladder chosen from it, the fixed
 * reference ladder scored on the same trials, and the BD-rate between the two, so that the
 * claim "per-title encoding saves bits" is a measurement of this title.
 */
import type { CodecBdRates, QualityMetric, VideoCodec } from "../src/schemas/catalog.ts";
import { toScore } from "./analysis/quality.ts";
import { bdRatePercent } from "./ladder/bdrate.ts";
import { curvesByResolution, qualityAt, type RatePoint } from "./ladder/hull.ts";
import { REFERENCE_LADDER } from "./ladder/reference.ts";
import type { LadderRung } from "./ladder/select.ts";

export interface RenditionOutcome {
  id: string;
  codec: string;
  width: number;
  height: number;
  targetBitrateBps: number;
  averageBitrateBps: number;
  peakBitrateBps: number;
  /** Predicted by the trials (H.264 rungs only) and measured on the final encode, linear form. */
  predictedQuality: number | null;
  measuredQuality: number;
}

export interface TitleReport {
  titleId: string;
  metric: QualityMetric;
  source: { width: number; height: number; frameRate: number; durationSec: number };
  trials: RatePoint[];
  hull: RatePoint[];
  ladder: LadderRung[];
  reference: { width: number; height: number; bitrateBps: number; quality: number }[];
  /** Per-title ladder against the reference ladder at equal quality; negative = fewer bits. */
  bdRatePercent: number | null;
  /** Each other codec's final renditions against H.264's, measured; negative = fewer bits. */
  codecBdRatePercent: CodecBdRates;
  renditions: RenditionOutcome[];
  /** What was done differently for this source (rotation, downmix, tone-mapping...), one line each. */
  notes: string[];
  timings: Record<string, number>;
}

/** The reference ladder's rungs that fit the source, each scored on this title's trial curves. */
export function scoreReferenceLadder(
  trials: readonly RatePoint[],
  sourceHeight: number,
): TitleReport["reference"] {
  const curves = curvesByResolution(trials);
  return REFERENCE_LADDER.filter((r) => r.height <= sourceHeight).flatMap((r) => {
    const curve = [...curves.values()].find((c) => c[0]!.height === r.height);
    return curve ? [{ ...r, quality: qualityAt(curve, r.bitrateBps) }] : [];
  });
}

export function ladderSaving(
  ladder: readonly LadderRung[],
  reference: TitleReport["reference"],
): number | null {
  return bdRatePercent(
    reference.map((r) => ({ bitrateBps: r.bitrateBps, quality: r.quality })),
    ladder.map((r) => ({ bitrateBps: r.targetBitrateBps, quality: r.expectedQuality })),
  );
}

/**
 * BD-rate of each codec's final renditions against H.264's, at equal measured quality (the
 * metric's linear form, as for the ladder) over the range both cover: what the codec saves on
 * this title. Null when the two share no quality range (e.g. a single rung).
 */
export function codecSavings(
  renditions: readonly { codec: VideoCodec; bitrateBps: number; quality: number }[],
): CodecBdRates {
  const curve = (codec: VideoCodec) =>
    renditions
      .filter((r) => r.codec === codec)
      .map((r) => ({ bitrateBps: r.bitrateBps, quality: r.quality }));
  const h264 = curve("h264");
  const out: CodecBdRates = {};
  for (const codec of ["vp9", "av1"] as const) {
    const points = curve(codec);
    if (points.length > 0 && h264.length > 0) out[codec] = bdRatePercent(h264, points);
  }
  return out;
}

const signed = (percent: number | null | undefined) =>
  percent === null || percent === undefined ? "n/a" : `${percent > 0 ? "+" : ""}${percent}%`;

const CODEC_NAMES: Record<VideoCodec, string> = { h264: "H.264", vp9: "VP9", av1: "AV1" };

const kbps = (bps: number) => `${Math.round(bps / 1000)}`;

export function reportMarkdown(report: TitleReport): string {
  const q = (linear: number) =>
    `${linear.toFixed(2)} (${toScore(report.metric, linear).toFixed(0)})`;
  const unit = report.metric === "vmaf" ? "VMAF" : report.metric === "ssim" ? "SSIM dB" : "PSNR dB";
  const lines = [
    `# Encoding report: ${report.titleId}`,
    "",
    `Source ${report.source.width}x${report.source.height} at ${report.source.frameRate.toFixed(3)} fps, ${report.source.durationSec.toFixed(1)} s. Quality metric: ${unit} (score 0-100 in brackets).`,
    "",
    ...(report.notes.length > 0 ? [...report.notes.map((n) => `- ${n}`), ""] : []),
    `**BD-rate against the fixed reference ladder: ${report.bdRatePercent === null ? "n/a (no common quality range)" : `${report.bdRatePercent > 0 ? "+" : ""}${report.bdRatePercent}%`}** (negative: the per-title ladder needs that many fewer bits for the same quality).`,
    "",
    ...(Object.keys(report.codecBdRatePercent).length > 0
      ? [
          "## Codecs against H.264",
          "",
          "BD-rate of each codec's final renditions against H.264's at equal measured quality (negative: fewer bits).",
          "",
          ...Object.entries(report.codecBdRatePercent).map(
            ([codec, percent]) => `- ${CODEC_NAMES[codec as VideoCodec]}: ${signed(percent)}`,
          ),
          "",
        ]
      : []),
    "## Ladder",
    "",
    "| rendition | resolution | target kbit/s | average kbit/s | peak kbit/s | predicted | measured |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ...report.renditions.map(
      (r) =>
        `| ${r.id} | ${r.width}x${r.height} | ${kbps(r.targetBitrateBps)} | ${kbps(r.averageBitrateBps)} | ${kbps(r.peakBitrateBps)} | ${r.predictedQuality === null ? "-" : q(r.predictedQuality)} | ${q(r.measuredQuality)} |`,
    ),
    "",
    "## Convex hull",
    "",
    "| resolution | CRF | kbit/s | quality |",
    "| --- | ---: | ---: | ---: |",
    ...report.hull.map(
      (p) => `| ${p.width}x${p.height} | ${p.crf} | ${kbps(p.bitrateBps)} | ${q(p.quality)} |`,
    ),
    "",
    "## Reference ladder on this title",
    "",
    "| resolution | kbit/s | quality |",
    "| --- | ---: | ---: |",
    ...report.reference.map(
      (r) => `| ${r.width}x${r.height} | ${kbps(r.bitrateBps)} | ${q(r.quality)} |`,
    ),
    "",
    "## Trial encodes",
    "",
    "| resolution | CRF | kbit/s | quality |",
    "| --- | ---: | ---: | ---: |",
    ...[...report.trials]
      .sort((a, b) => a.height - b.height || a.crf - b.crf)
      .map(
        (p) => `| ${p.width}x${p.height} | ${p.crf} | ${kbps(p.bitrateBps)} | ${q(p.quality)} |`,
      ),
    "",
    "## Time per step (s)",
    "",
    ...Object.entries(report.timings).map(([step, sec]) => `- ${step}: ${sec.toFixed(1)}`),
    "",
  ];
  return lines.join("\n");
}
