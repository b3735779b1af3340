/**
 * Scoring encodes against a lossless reference excerpt: each distorted input is scaled back to
 * the reference size and compared frame by frame, frames paired by their number (not their
 * timestamp, which encoders and muxers may shift). All inputs are scored in one ffmpeg run.
 */
import { readFile } from "node:fs/promises";
import type { QualityMetric } from "../../src/schemas/catalog.ts";
import { ffmpeg } from "../ffmpeg/run.ts";
import { toLinear } from "./quality.ts";

/** Mean of the per-frame stats lines written by ffmpeg's ssim or psnr filter, or libvmaf's JSON log. */
export function parseMetricLog(metric: QualityMetric, text: string): number {
  if (metric === "vmaf") {
    const json = JSON.parse(text) as { pooled_metrics?: { vmaf?: { mean?: number } } };
    const mean = json.pooled_metrics?.vmaf?.mean;
    if (mean === undefined) throw new Error("libvmaf log has no pooled mean");
    return mean;
  }
  const key = metric === "ssim" ? /All:([\d.]+)/ : /psnr_avg:([\d.]+|inf)/;
  const values = text
    .split("\n")
    .map((line) => key.exec(line)?.[1])
    .filter((v): v is string => v !== undefined)
    .map((v) => (v === "inf" ? 100 : Number(v)));
  if (values.length === 0) throw new Error(`no ${metric} values in the stats file`);
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** The filter comparing `[dist]` with `[ref]` and logging per-frame scores to `logFile`. */
function metricFilter(metric: QualityMetric, logFile: string): string {
  const escaped = logFile.replace(/\\/g, "/").replace(/:/g, "\\:");
  if (metric === "vmaf") return `libvmaf=log_fmt=json:log_path=${escaped}`;
  return `${metric}=stats_file=${escaped}`;
}

export interface ScoreRequest {
  referenceFile: string;
  /** ffmpeg input arguments for each encode, e.g. `["-ss", "4", "-t", "2", "-i", "media.m3u8"]`. */
  distorted: string[][];
  width: number;
  height: number;
  metric: QualityMetric;
  /** Prefix for the per-frame log files. */
  logStem: string;
  signal?: AbortSignal;
}

/** Quality of each distorted input, in the metric's linear form. */
export async function scoreAgainstReference(request: ScoreRequest): Promise<number[]> {
  const { distorted, metric } = request;
  const args = ["-i", request.referenceFile];
  for (const input of distorted) args.push(...input);
  const refs = distorted.map((_, i) => `[r${i}]`).join("");
  const graph = [`[0:v]split=${distorted.length}${refs}`];
  const logs = distorted.map((_, i) => `${request.logStem}-score${i}.log`);
  distorted.forEach((_, i) => {
    graph.push(`[r${i}]settb=AVTB,setpts=N/FRAME_RATE/TB[ref${i}]`);
    graph.push(
      `[${i + 1}:v]scale=${request.width}:${request.height}:flags=bicubic,settb=AVTB,setpts=N/FRAME_RATE/TB[dist${i}]`,
      `[dist${i}][ref${i}]${metricFilter(metric, logs[i]!)}`,
    );
  });
  await ffmpeg([...args, "-filter_complex", graph.join(";"), "-f", "null", "-"], {
    signal: request.signal,
  });
  return Promise.all(
    logs.map(async (log) => toLinear(metric, parseMetricLog(metric, await readFile(log, "utf8")))),
  );
}
