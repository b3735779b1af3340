/**
 * Complexity analysis by trial encodes: a few short excerpts of the source, each encoded at
 * every trial resolution (up to the source's) over a range of CRFs, scaled back to the source
 * size and scored against it. The result is the cloud of rate-quality points the hull and
 * ladder are built from.
 *
 * Cost is what limits this step, so each excerpt is decoded once into a lossless reference,
 * each resolution is encoded at all CRFs by one ffmpeg process (one decode and scale, several
 * encoders), and all CRFs of a resolution are scored by one more process.
 */
import { stat } from "node:fs/promises";
import path from "node:path";
import pLimit from "p-limit";
import type { QualityMetric } from "../../src/schemas/catalog.ts";
import { displayFilters, type SourceInfo } from "../ffmpeg/probe.ts";
import { ffmpeg } from "../ffmpeg/run.ts";
import type { RatePoint } from "../ladder/hull.ts";
import { frameSizeFor, TRIAL_HEIGHTS } from "../ladder/reference.ts";
import { h264Args } from "../package/codecs.ts";
import { scoreAgainstReference } from "./score.ts";

export interface TrialOptions {
  /** "auto": one excerpt a minute of the title, 2 to 6 (excerptCountFor). */
  excerptCount: number | "auto";
  excerptSec: number;
  crfs: readonly number[];
  /** Extra CRF for resolutions below 540p, where the cheapest encodes reach 3G rates. */
  lowResolutionExtraCrf: number;
  heights: readonly number[];
  /** ffmpeg processes at once: two keep both cores busy while small resolutions encode. */
  concurrency: number;
}

export const DEFAULT_TRIAL_OPTIONS: TrialOptions = {
  excerptCount: "auto",
  excerptSec: 2,
  // Three CRFs a resolution keep the trials within the time budget; the curves between them
  // are interpolated in log bitrate, where they are close to straight.
  crfs: [21, 29, 37],
  lowResolutionExtraCrf: 45,
  heights: TRIAL_HEIGHTS,
  concurrency: 2,
};

export interface Excerpt {
  startSec: number;
  durationSec: number;
}

/** Excerpts an "auto" setting takes: one a minute, so that a long title's scenes each get one
 * (a 4 min feature of four 1 min scenes gets four, not the two at its ends), never fewer than
 * the two that short titles have always had, never more than six (the trials' time). */
export const AUTO_EXCERPTS = { perSec: 60, min: 2, max: 6 } as const;

export function excerptCountFor(durationSec: number, setting: number | "auto"): number {
  if (setting !== "auto") return setting;
  const perMinute = Math.round(durationSec / AUTO_EXCERPTS.perSec);
  return Math.min(AUTO_EXCERPTS.max, Math.max(AUTO_EXCERPTS.min, perMinute));
}

/**
 * Where to sample: evenly through the middle of the title, away from the opening card and
 * the credits. A title shorter than the excerpts gets one excerpt of all of it.
 */
export function chooseExcerpts(durationSec: number, count: number, lengthSec: number): Excerpt[] {
  if (durationSec <= lengthSec * count + 2) {
    return [{ startSec: 0, durationSec: Math.min(durationSec, lengthSec * count) }];
  }
  const start = durationSec * 0.2;
  const end = durationSec * 0.85 - lengthSec;
  return Array.from({ length: count }, (_, i) => ({
    startSec:
      Math.round((count === 1 ? start : start + ((end - start) * i) / (count - 1)) * 100) / 100,
    durationSec: lengthSec,
  }));
}

/** The trial heights for a source: the standard ones up to its own height, never none. */
export function trialHeights(sourceHeight: number, heights: readonly number[]): number[] {
  const fitting = heights.filter((h) => h <= sourceHeight);
  return fitting.length > 0 ? fitting : [sourceHeight - (sourceHeight % 2)];
}

export interface TrialContext {
  source: SourceInfo;
  metric: QualityMetric;
  workDir: string;
  /** Keyframe spacing and x264 preset of the final encodes, which the trials must predict. */
  segmentSec?: number;
  preset?: string;
  signal?: AbortSignal;
  onStep?: (done: number, total: number) => void;
}

export interface ReferenceExcerpt {
  /** Lossless copy of the excerpt at the source size. */
  file: string;
  excerpt: Excerpt;
}

export interface TrialResult {
  points: RatePoint[];
  /** Kept for scoring the final encodes on the same frames. */
  references: ReferenceExcerpt[];
}

export async function runTrials(
  context: TrialContext,
  options = DEFAULT_TRIAL_OPTIONS,
): Promise<TrialResult> {
  const { source, metric, workDir, signal } = context;
  const excerpts = chooseExcerpts(
    source.durationSec,
    excerptCountFor(source.durationSec, options.excerptCount),
    options.excerptSec,
  );
  const heights = trialHeights(source.height, options.heights);
  const limit = pLimit(options.concurrency);
  const display = displayFilters(source);
  const total = excerpts.length + excerpts.length * heights.length;
  let done = 0;
  const tick = () => context.onStep?.(++done, total);

  // Lossless references at the source size; every trial is scored against these frames.
  const references = await Promise.all(
    excerpts.map((excerpt, e) =>
      limit(async () => {
        const file = path.join(workDir, `ref-${e}.mkv`);
        await ffmpeg(
          [
            "-ss",
            String(excerpt.startSec),
            "-t",
            String(excerpt.durationSec),
            "-i",
            source.file,
            "-map",
            "0:v:0",
            // Rotation is applied by ffmpeg itself; non-square pixels and HDR need filters.
            ...(display.length > 0 ? ["-vf", display.join(",")] : []),
            "-an",
            "-sn",
            "-c:v",
            "libx264",
            "-preset",
            "ultrafast",
            "-qp",
            "0",
            "-pix_fmt",
            "yuv420p",
            file,
          ],
          { signal },
        );
        tick();
        return { file, excerpt };
      }),
    ),
  );

  const jobs = references.flatMap((ref, e) =>
    heights.map((height) =>
      limit(async (): Promise<RatePoint[]> => {
        const { width } = frameSizeFor(height, source.width, source.height);
        const stem = path.join(workDir, `trial-${e}-${height}`);
        const crfs = height < 540 ? [...options.crfs, options.lowResolutionExtraCrf] : options.crfs;
        const outputs = crfs.map((crf) => ({ crf, file: `${stem}-crf${crf}.mp4` }));

        const split = outputs.map((_, i) => `[s${i}]`).join("");
        const encodeArgs = [
          "-i",
          ref.file,
          "-filter_complex",
          `[0:v]scale=${width}:${height}:flags=lanczos,split=${outputs.length}${split}`,
        ];
        outputs.forEach((o, i) => {
          encodeArgs.push(
            "-map",
            `[s${i}]`,
            ...h264Args({
              crf: o.crf,
              frameRate: source.frameRate,
              ...(context.segmentSec !== undefined ? { segmentSec: context.segmentSec } : {}),
              ...(context.preset !== undefined ? { preset: context.preset } : {}),
            }),
            "-an",
            o.file,
          );
        });
        await ffmpeg(encodeArgs, { signal });

        const scores = await scoreAgainstReference({
          referenceFile: ref.file,
          distorted: outputs.map((o) => ["-i", o.file]),
          width: source.width,
          height: source.height,
          metric,
          logStem: stem,
          signal,
        });

        const points = await Promise.all(
          outputs.map(async (o, i) => {
            const { size } = await stat(o.file);
            return {
              width,
              height,
              crf: o.crf,
              bitrateBps: Math.round((size * 8) / ref.excerpt.durationSec),
              quality: scores[i]!,
            };
          }),
        );
        tick();
        return points;
      }),
    ),
  );
  return { points: averageOverExcerpts((await Promise.all(jobs)).flat()), references };
}

/** One point per resolution and CRF: bitrate and quality averaged over the excerpts. */
export function averageOverExcerpts(points: readonly RatePoint[]): RatePoint[] {
  const groups = new Map<string, RatePoint[]>();
  for (const p of points) {
    const key = `${p.width}x${p.height}@${p.crf}`;
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  return [...groups.values()].map((group) => {
    const mean = (f: (p: RatePoint) => number) =>
      group.reduce((sum, p) => sum + f(p), 0) / group.length;
    return {
      ...group[0]!,
      bitrateBps: Math.round(mean((p) => p.bitrateBps)),
      quality: mean((p) => p.quality),
    };
  });
}
