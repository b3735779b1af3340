/**
 * Quality metrics as the encoder uses them. Each metric has a "linear" form in which equal
 * steps mean roughly equal visible change (VMAF as is, SSIM in decibels, PSNR in decibels):
 * hulls, ladders and BD-rate work in that form. `score` maps it onto 0-100 for the catalog,
 * so the player can compare renditions whatever metric the ffmpeg at hand could compute.
 */
import type { Quality, QualityMetric } from "../../src/schemas/catalog.ts";

/** SSIM of 1 is infinite in dB; cap where differences stop being visible (SSIM 0.99999). */
const MAX_SSIM_DB = 50;

/** The metric's raw value as a linear quality measure. */
export function toLinear(metric: QualityMetric, value: number): number {
  if (metric === "ssim") return Math.min(MAX_SSIM_DB, -10 * Math.log10(Math.max(1e-12, 1 - value)));
  return value;
}

/**
 * Linear ranges mapped onto 0-100. They are not VMAF estimates, only a common scale chosen so
 * that "poor" and "transparent" land near 0 and 100: SSIM 0.5 (3 dB) to 0.997 (25 dB), which
 * brackets 3G-rate 234p and high-rate 1080p on the demo titles; PSNR 25 to 45 dB, the usual
 * span from visibly blocky to transparent for 8-bit video.
 */
const SCORE_RANGE: Record<QualityMetric, [low: number, high: number]> = {
  vmaf: [0, 100],
  ssim: [3, 25],
  psnr: [25, 45],
};

/** The 0-100 score, not clamped: ladder decisions need slopes even outside the range. */
export function toScoreUnclamped(metric: QualityMetric, linear: number): number {
  const [low, high] = SCORE_RANGE[metric];
  return ((linear - low) / (high - low)) * 100;
}

export function toScore(metric: QualityMetric, linear: number): number {
  const score = toScoreUnclamped(metric, linear);
  return Math.round(Math.min(100, Math.max(0, score)) * 10) / 10;
}

/** Inverse of `toLinear`, for reporting a linear value back in the metric's unit. */
export function fromLinear(metric: QualityMetric, linear: number): number {
  if (metric === "ssim") return 1 - 10 ** (-linear / 10);
  return linear;
}

export function qualityOf(metric: QualityMetric, linear: number): Quality {
  const value = fromLinear(metric, linear);
  return { metric, value: Math.round(value * 1e5) / 1e5, score: toScore(metric, linear) };
}

/** The best metric this ffmpeg can compute: VMAF where libvmaf is built in, else SSIM, else PSNR. */
export function chooseMetric(filters: ReadonlySet<string>): QualityMetric | null {
  if (filters.has("libvmaf")) return "vmaf";
  if (filters.has("ssim")) return "ssim";
  if (filters.has("psnr")) return "psnr";
  return null;
}
