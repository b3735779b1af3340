/**
 * One title, source to packaged folder: trials, ladder, final encodes, manifests, quality of
 * the final renditions, thumbnails, artwork and report. Everything is written into a staging
 * folder; publishing it into the catalog is the store's job (`catalog/store.ts`).
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Title } from "../src/schemas/catalog.ts";
import { qualityOf, toScoreUnclamped } from "./analysis/quality.ts";
import { scoreAgainstReference } from "./analysis/score.ts";
import { runTrials } from "./analysis/trials.ts";
import { makeArtwork, makeThumbnails } from "./artwork/artwork.ts";
import { defaultSettings, type EncoderSettings } from "./config.ts";
import type { Capabilities } from "./ffmpeg/capabilities.ts";
import type { SourceInfo } from "./ffmpeg/probe.ts";
import { convexHull } from "./ladder/hull.ts";
import { type LadderRung, selectLadder } from "./ladder/select.ts";
import { mpd } from "./package/dash.ts";
import { encodeAndSegment, type RenditionPlan } from "./package/encode.ts";
import {
  mediaPlaylist,
  multivariantPlaylist,
  subtitlePlaylist,
  subtitlePlaylistPath,
} from "./package/hls.ts";
import {
  averageBitrateBps,
  INIT_FILE,
  MEDIA_PLAYLIST,
  type PackagedTitle,
  peakBitrateBps,
} from "./package/tracks.ts";
import {
  codecSavings,
  ladderSaving,
  reportMarkdown,
  scoreReferenceLadder,
  type TitleReport,
} from "./report.ts";
import type { SourceMetadata } from "./sources/metadata.ts";

export const STEPS = ["analyse", "encode", "measure", "artwork", "write"] as const;
export type Step = (typeof STEPS)[number];

/**
 * AV1 rungs sit at the H.264 rungs' resolutions with 30% fewer bits, the saving SVT-AV1 at
 * fast presets shows over x264 in published comparisons; their quality is then measured, not
 * assumed. SVT-AV1's CRF scale (0-63) is mapped from x264's (0-51) linearly through the
 * points where the two give similar quality (x264 23 ~ SVT 35, x264 35 ~ SVT 52).
 */
const AV1_BITRATE_RATIO = 0.7;
export function av1CrfFor(x264Crf: number): number {
  return Math.round(Math.min(63, Math.max(10, 35 + ((x264Crf - 23) * 17) / 12)));
}

/**
 * VP9 rungs get 20% fewer bits than H.264's, between x264 and SVT-AV1 as libvpx at speed 6
 * sits in published comparisons; measured afterwards like the others. libvpx's CRF (0-63) is
 * mapped from x264's through x264 23 ~ libvpx 33 and x264 35 ~ libvpx 50, as for AV1.
 */
const VP9_BITRATE_RATIO = 0.8;
export function vp9CrfFor(x264Crf: number): number {
  return Math.round(Math.min(63, Math.max(10, 33 + ((x264Crf - 23) * 17) / 12)));
}

/**
 * AV1 and VP9 cost several times H.264's encode time, so they get the bottom, middle and top
 * rungs only: enough for the ABR to climb and descend, at a third of the cost.
 */
export function extraCodecRungs<T>(ladder: readonly T[]): T[] {
  if (ladder.length <= 3) return [...ladder];
  const picks = new Set([0, Math.floor((ladder.length - 1) / 2), ladder.length - 1]);
  return ladder.filter((_, i) => picks.has(i));
}

/** The codecs beyond H.264 to encode, as the ffmpeg at hand allows. */
export interface ExtraCodecs {
  av1: boolean;
  vp9: boolean;
}

const EXTRA: { codec: "vp9" | "av1"; ratio: number; crf: (x264Crf: number) => number }[] = [
  { codec: "vp9", ratio: VP9_BITRATE_RATIO, crf: vp9CrfFor },
  { codec: "av1", ratio: AV1_BITRATE_RATIO, crf: av1CrfFor },
];

export function planRenditions(ladder: readonly LadderRung[], extra: ExtraCodecs): RenditionPlan[] {
  const plans: RenditionPlan[] = ladder.map((r) => ({
    id: `h264-${r.height}p-${Math.round(r.targetBitrateBps / 1000)}k`,
    codec: "h264",
    width: r.width,
    height: r.height,
    crf: r.crf,
    targetBitrateBps: r.targetBitrateBps,
  }));
  for (const { codec, ratio, crf } of EXTRA) {
    if (!extra[codec]) continue;
    for (const r of extraCodecRungs(ladder)) {
      const target = Math.round((r.targetBitrateBps * ratio) / 1000) * 1000;
      plans.push({
        id: `${codec}-${r.height}p-${target / 1000}k`,
        codec,
        width: r.width,
        height: r.height,
        crf: crf(r.crf),
        targetBitrateBps: target,
      });
    }
  }
  return plans;
}

export interface TitleJob {
  id: string;
  source: SourceInfo;
  metadata: SourceMetadata;
  inputHash: string;
  /** Folder the title is built in, and its final path relative to the catalog root. */
  stagingDir: string;
  catalogPath: string;
}

export interface PipelineContext {
  caps: Capabilities;
  /** The run's settings (`config.ts`); the defaults for this ffmpeg when absent. */
  settings?: EncoderSettings;
  signal?: AbortSignal;
  onStep?: (step: Step, fraction: number) => void;
  now?: () => Date;
}

export interface BuiltTitle {
  title: Title;
  report: TitleReport;
}

export async function buildTitle(job: TitleJob, context: PipelineContext): Promise<BuiltTitle> {
  const { caps, signal } = context;
  const settings = context.settings ?? defaultSettings(caps);
  const { source, stagingDir } = job;
  const metric = settings.metric;
  const timings: Record<string, number> = {};
  const scratch = await mkdtemp(path.join(os.tmpdir(), `streamlab-${job.id}-`));
  let clock = Date.now();
  const lap = (name: string) => {
    timings[name] = (Date.now() - clock) / 1000;
    clock = Date.now();
  };
  try {
    context.onStep?.("analyse", 0);
    const trials = await runTrials(
      {
        source,
        metric,
        workDir: scratch,
        segmentSec: settings.segmentSec,
        preset: settings.codecs.h264.preset,
        signal,
        onStep: (done, total) => context.onStep?.("analyse", done / total),
      },
      settings.trials,
    );
    const ladder = selectLadder(trials.points, (q) => toScoreUnclamped(metric, q), settings.ladder);
    lap("analyse");

    context.onStep?.("encode", 0);
    // Only codecs the config kept (and the ffmpeg at hand has) are planned.
    const plans = planRenditions(ladder, {
      av1: settings.codecs.av1 !== undefined,
      vp9: settings.codecs.vp9 !== undefined,
    });
    const encoded = await encodeAndSegment({
      source,
      renditions: plans,
      titleDir: stagingDir,
      segmentSec: settings.segmentSec,
      codecOptions: settings.codecs,
      signal,
      onProgress: (f) => context.onStep?.("encode", f),
    });
    for (const track of [...encoded.video, ...encoded.audio]) {
      await writeFile(
        path.join(stagingDir, track.dir, MEDIA_PLAYLIST),
        mediaPlaylist(track.segments, track.timescale),
      );
    }
    lap("encode");

    context.onStep?.("measure", 0);
    const measured = await measureRenditions(
      await Promise.all(encoded.video.map((v) => joinSegments(stagingDir, v, scratch))),
      trials.references,
      source,
      metric,
      scratch,
      signal,
      (fraction) => context.onStep?.("measure", fraction),
    );
    lap("measure");

    context.onStep?.("artwork", 0);
    const thumbnails = await makeThumbnails(source, stagingDir, signal);
    context.onStep?.("artwork", 0.5);
    const artwork = await makeArtwork(source, stagingDir, signal);
    lap("artwork");

    context.onStep?.("write", 0);
    const packaged: PackagedTitle = {
      durationSec: source.durationSec,
      video: encoded.video.map((v, i) => ({ ...v, quality: qualityOf(metric, measured[i]!) })),
      audio: encoded.audio,
      text: encoded.text,
      thumbnails,
    };
    for (const t of packaged.text) {
      await writeFile(
        path.join(stagingDir, subtitlePlaylistPath(t)),
        subtitlePlaylist(path.basename(t.vtt), source.durationSec),
      );
    }
    await writeFile(path.join(stagingDir, "master.m3u8"), multivariantPlaylist(packaged));
    await writeFile(path.join(stagingDir, "manifest.mpd"), mpd(packaged));

    const reference = scoreReferenceLadder(trials.points, source.height);
    const bdRate = ladderSaving(ladder, reference);
    const codecBdRate = codecSavings(
      packaged.video.map((v, i) => ({
        codec: v.codec,
        bitrateBps: averageBitrateBps(v),
        quality: measured[i]!,
      })),
    );
    lap("write");
    const report: TitleReport = {
      titleId: job.id,
      metric,
      source: {
        width: source.width,
        height: source.height,
        frameRate: source.frameRate,
        durationSec: source.durationSec,
      },
      trials: trials.points,
      hull: convexHull(trials.points),
      ladder,
      reference,
      bdRatePercent: bdRate,
      codecBdRatePercent: codecBdRate,
      renditions: packaged.video.map((v, i) => ({
        id: v.id,
        codec: v.codec,
        width: v.width,
        height: v.height,
        targetBitrateBps: v.targetBitrateBps,
        averageBitrateBps: averageBitrateBps(v),
        peakBitrateBps: peakBitrateBps(v),
        predictedQuality: v.codec === "h264" ? (ladder[i]?.expectedQuality ?? null) : null,
        measuredQuality: measured[i]!,
      })),
      notes: source.notes,
      timings,
    };
    await writeFile(path.join(stagingDir, "report.json"), `${JSON.stringify(report, null, 2)}\n`);
    await writeFile(path.join(stagingDir, "report.md"), reportMarkdown(report));

    const at = (p: string) => `${job.catalogPath}/${p}`;
    const now = context.now?.() ?? new Date();
    const title: Title = {
      id: job.id,
      kind: job.metadata.episode ? "episode" : "movie",
      ...(job.metadata.episode ? { episode: job.metadata.episode } : {}),
      ...job.metadata.info,
      durationSec: Math.round(source.durationSec * 1000) / 1000,
      path: job.catalogPath,
      manifests: { hls: at("master.m3u8"), dash: at("manifest.mpd") },
      artwork: { poster: at(artwork.poster), backdrop: at(artwork.backdrop) },
      thumbnails: {
        vtt: at(thumbnails.vtt),
        intervalSec: thumbnails.intervalSec,
        width: thumbnails.width,
        height: thumbnails.height,
        columns: thumbnails.columns,
        rows: thumbnails.rows,
        sprites: thumbnails.sprites.map(at),
      },
      renditions: packaged.video.map((v) => ({
        id: v.id,
        codec: v.codec,
        codecs: v.codecs,
        width: v.width,
        height: v.height,
        frameRate: v.frameRate,
        averageBitrateBps: averageBitrateBps(v),
        peakBitrateBps: peakBitrateBps(v),
        targetBitrateBps: v.targetBitrateBps,
        quality: v.quality,
        playlist: at(`${v.dir}/${MEDIA_PLAYLIST}`),
      })),
      audio: packaged.audio.map((a) => ({
        id: a.id,
        language: a.language,
        name: a.name,
        codecs: a.codecs,
        channels: a.channels,
        averageBitrateBps: averageBitrateBps(a),
        default: a.default,
        playlist: at(`${a.dir}/${MEDIA_PLAYLIST}`),
      })),
      subtitles: packaged.text.map((t) => ({
        id: t.id,
        language: t.language,
        name: t.name,
        vtt: at(t.vtt),
        playlist: at(subtitlePlaylistPath(t)),
        default: t.default,
      })),
      encoding: {
        metric,
        bdRatePercent: bdRate,
        codecBdRatePercent: codecBdRate,
        report: at("report.md"),
        inputHash: job.inputHash,
        encodedAt: now.toISOString(),
      },
    };
    return { title, report };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * A rendition's init and media segments joined into one fragmented MP4, which ffmpeg can seek
 * in (its HLS demuxer loses the init segment when seeking in fMP4 playlists).
 */
async function joinSegments(
  titleDir: string,
  track: { id: string; dir: string; segments: { file: string }[] },
  scratch: string,
) {
  const out = path.join(scratch, `${track.id}.mp4`);
  const parts = [INIT_FILE, ...track.segments.map((s) => s.file)];
  const buffers = await Promise.all(parts.map((f) => readFile(path.join(titleDir, track.dir, f))));
  await writeFile(out, Buffer.concat(buffers));
  return out;
}

/** Quality of each final rendition, measured on the trial excerpts (mean over excerpts, linear form). */
async function measureRenditions(
  playlists: string[],
  references: { file: string; excerpt: { startSec: number; durationSec: number } }[],
  source: SourceInfo,
  metric: Capabilities["metric"],
  scratch: string,
  signal?: AbortSignal,
  onFraction?: (fraction: number) => void,
): Promise<number[]> {
  const sums = playlists.map(() => 0);
  for (const [e, ref] of references.entries()) {
    const scores = await scoreAgainstReference({
      referenceFile: ref.file,
      distorted: playlists.map((p) => [
        "-ss",
        String(ref.excerpt.startSec),
        "-t",
        String(ref.excerpt.durationSec),
        "-i",
        p,
      ]),
      width: source.width,
      height: source.height,
      metric,
      logStem: path.join(scratch, `final-${e}`),
      signal,
    });
    scores.forEach((s, i) => {
      sums[i]! += s;
    });
    onFraction?.((e + 1) / references.length);
  }
  return sums.map((s) => s / references.length);
}
