/**
 * The final encodes, packaged once as CMAF: one ffmpeg process decodes the source once and
 * writes the H.264 and AV1 renditions, every audio language and every subtitle track; VP9's
 * renditions, when there are any, come from ffmpegs of their own run alongside (see
 * `processGroups`). ffmpeg's HLS muxer cuts the fMP4 segments; the playlists and the MPD are
 * then written by `hls.ts` and `dash.ts` from the segments' own boxes.
 */
import { mkdir, readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import type { VideoCodec } from "../../src/schemas/catalog.ts";
import { CancelledError } from "../errors.ts";
import { displayFilters, type SourceInfo } from "../ffmpeg/probe.ts";
import { ffmpeg } from "../ffmpeg/run.ts";
import { av1Args, h264Args, SEGMENT_SEC, type VideoEncodeSettings, vp9Args } from "./codecs.ts";
import { readInit, readSegmentTiming } from "./mp4.ts";
import {
  type AudioTrackFiles,
  INIT_FILE,
  SEGMENT_PATTERN,
  type Segment,
  type TextTrackFiles,
  type VideoTrack,
} from "./tracks.ts";

export interface RenditionPlan {
  id: string;
  codec: VideoCodec;
  width: number;
  height: number;
  crf: number;
  targetBitrateBps: number;
}

/**
 * Capped VBR: the encoder spends what the CRF asks, up to 1.5x the target over a buffer of
 * two seconds at the target rate, so no segment much exceeds its share and BANDWIDTH stays
 * honest (the cap ratio Apple's and Netflix's capped-CRF write-ups use is 1.5 to 2).
 */
export const CAP_RATIO = 1.5;

/** A codec's speed settings from the config (`codecs.<codec>`); each codec's default when absent. */
export type CodecOptions = Pick<VideoEncodeSettings, "preset" | "deadline">;

export function encodeSettings(
  plan: RenditionPlan,
  frameRate: number,
  segmentSec = SEGMENT_SEC,
  options: CodecOptions = {},
): VideoEncodeSettings {
  return {
    crf: plan.crf,
    frameRate,
    maxrateBps: Math.round(plan.targetBitrateBps * CAP_RATIO),
    bufferBits: Math.round(plan.targetBitrateBps * segmentSec),
    segmentSec,
    ...options,
  };
}

/**
 * More than two channels (5.1, 7.1) become stereo through libswresample's matrix with its
 * levels spelt out: centre and surrounds at -3 dB into both sides (ITU-R BS.775, ATSC A/52's
 * Lo/Ro), LFE left out as A/52 does (it only repeats the mains' bass, which small speakers
 * cannot play). Mono and stereo keep `-ac 2` as before.
 */
export const STEREO_DOWNMIX =
  "aresample=clev=0.7071:slev=0.7071:lfe_mix_level=0,aformat=channel_layouts=stereo";

export function audioChannelArgs(channels: number): string[] {
  return channels > 2 ? ["-af", STEREO_DOWNMIX] : ["-ac", "2"];
}

const CODEC_ARGS: Record<VideoCodec, (s: VideoEncodeSettings) => string[]> = {
  h264: h264Args,
  av1: av1Args,
  vp9: vp9Args,
};

const AUDIO_BITRATE = "128k";
const AUDIO_RATE = 48_000;

const LANGUAGE_NAMES: Record<string, string> = {
  en: "English",
  es: "Español",
  fr: "Français",
  de: "Deutsch",
  it: "Italiano",
  pt: "Português",
  ja: "日本語",
  ko: "한국어",
  zh: "中文",
  ru: "Русский",
  nl: "Nederlands",
  und: "Unknown",
};

export function languageName(tag: string, title?: string): string {
  return title?.trim() || LANGUAGE_NAMES[tag] || tag;
}

function hlsOutput(dir: string, segmentSec: number): string[] {
  return [
    "-f",
    "hls",
    "-hls_segment_type",
    "fmp4",
    "-hls_time",
    String(segmentSec),
    "-hls_playlist_type",
    "vod",
    "-hls_fmp4_init_filename",
    INIT_FILE,
    "-hls_segment_filename",
    path.join(dir, SEGMENT_PATTERN),
    path.join(dir, "ffmpeg.m3u8"),
  ];
}

export interface EncodeInput {
  source: SourceInfo;
  renditions: RenditionPlan[];
  /** The title's staging folder; tracks land in `video/<id>`, `audio/<lang>`, `text/<lang>.vtt`. */
  titleDir: string;
  /** Segment length; `SEGMENT_SEC` when absent. */
  segmentSec?: number;
  /** Speed settings per codec (the config's `codecs`); each codec's defaults when absent. */
  codecOptions?: Partial<Record<VideoCodec, CodecOptions>>;
  signal?: AbortSignal;
  onProgress?: (fraction: number) => void;
}

export interface EncodedFiles {
  video: Omit<VideoTrack, "quality">[];
  audio: AudioTrackFiles[];
  text: TextTrackFiles[];
}

/**
 * The renditions each ffmpeg process encodes. ffmpeg 5.1 runs every encoder of a process from
 * one transcoding loop, and libvpx encodes each frame before it returns, so VP9 renditions
 * sharing a process wait on each other and on x264 and SVT-AV1; and one libvpx encode keeps
 * only about 1.5 of the 2 cores busy. Each VP9 rendition gets a process of its own, run beside
 * the others; the cost is a decode of the source per process (5.5 CPU-s for the 240 s feature).
 */
export function processGroups(renditions: readonly RenditionPlan[]): RenditionPlan[][] {
  const vp9 = renditions.filter((r) => r.codec === "vp9");
  const rest = renditions.filter((r) => r.codec !== "vp9");
  return [rest, ...vp9.map((r) => [r])].filter((group) => group.length > 0);
}

/** `-i`, the filter graph that scales the source for each rendition, and their outputs. */
async function videoArgs(
  source: SourceInfo,
  renditions: readonly RenditionPlan[],
  input: EncodeInput,
  segmentSec: number,
): Promise<string[]> {
  const args = ["-i", source.file];
  const splits = renditions.map((_, i) => `[v${i}]`).join("");
  const display = displayFilters(source)
    .map((f) => `${f},`)
    .join("");
  const graph = [`[0:v:0]${display}split=${renditions.length}${splits}`];
  for (const [i, r] of renditions.entries()) {
    graph.push(`[v${i}]scale=${r.width}:${r.height}:flags=lanczos,setsar=1[o${i}]`);
  }
  args.push("-filter_complex", graph.join(";"));

  for (const [i, r] of renditions.entries()) {
    const dir = path.join(input.titleDir, "video", r.id);
    await mkdir(dir, { recursive: true });
    const settings = encodeSettings(r, source.frameRate, segmentSec, input.codecOptions?.[r.codec]);
    args.push("-map", `[o${i}]`, ...CODEC_ARGS[r.codec](settings), ...hlsOutput(dir, segmentSec));
  }
  return args;
}

/**
 * Runs the processes side by side and waits for all of them, so none is still writing into
 * the title's folder when this returns. The first failure stops the others and is the error
 * reported (theirs only say they were stopped); progress is that of the process furthest behind.
 */
async function runAll(
  processes: readonly string[][],
  durationSec: number,
  signal: AbortSignal | undefined,
  onProgress: ((fraction: number) => void) | undefined,
): Promise<void> {
  const stopOthers = new AbortController();
  const stop = signal ? AbortSignal.any([signal, stopOthers.signal]) : stopOthers.signal;
  const done = processes.map(() => 0);
  let firstFailure: { error: unknown } | undefined;
  // Each failure is caught below, so this waits for every process, failed or not.
  await Promise.all(
    processes.map((args, i) =>
      ffmpeg(args, {
        signal: stop,
        onProgress: (sec) => {
          done[i] = Math.min(1, sec / durationSec);
          onProgress?.(Math.min(...done));
        },
      }).catch((error: unknown) => {
        firstFailure ??= { error };
        stopOthers.abort();
      }),
    ),
  );
  if (signal?.aborted) throw new CancelledError();
  if (firstFailure) throw firstFailure.error;
}

export async function encodeAndSegment(input: EncodeInput): Promise<EncodedFiles> {
  const { source, renditions, titleDir, signal } = input;
  const segmentSec = input.segmentSec ?? SEGMENT_SEC;
  const [first = [], ...others] = processGroups(renditions);
  // The first process also carries the audio and the subtitles.
  const args = await videoArgs(source, first, input, segmentSec);
  const audio = source.audio.map((stream, i) => {
    const sameLanguageBefore = source.audio
      .slice(0, i)
      .filter((a) => a.language === stream.language).length;
    const id =
      sameLanguageBefore > 0 ? `${stream.language}-${sameLanguageBefore + 1}` : stream.language;
    return { stream, id: `audio-${id}`, dir: `audio/${id}` };
  });
  for (const a of audio) {
    await mkdir(path.join(titleDir, a.dir), { recursive: true });
    args.push(
      "-map",
      `0:${a.stream.index}`,
      "-c:a",
      "aac",
      "-b:a",
      AUDIO_BITRATE,
      ...audioChannelArgs(a.stream.channels),
      "-ar",
      String(AUDIO_RATE),
    );
    args.push(...hlsOutput(path.join(titleDir, a.dir), segmentSec));
  }

  const text: TextTrackFiles[] = [];
  if (source.subtitles.length > 0) await mkdir(path.join(titleDir, "text"), { recursive: true });
  for (const [i, s] of source.subtitles.entries()) {
    const sameLanguageBefore = source.subtitles
      .slice(0, i)
      .filter((t) => t.language === s.language).length;
    const id = sameLanguageBefore > 0 ? `${s.language}-${sameLanguageBefore + 1}` : s.language;
    const vtt = `text/${id}.vtt`;
    args.push("-map", `0:${s.index}`, "-c:s", "webvtt", "-f", "webvtt", path.join(titleDir, vtt));
    text.push({
      id: `text-${id}`,
      language: s.language,
      name: languageName(s.language, s.title),
      vtt,
      default: false,
    });
  }

  const processes = [args];
  for (const group of others) processes.push(await videoArgs(source, group, input, segmentSec));
  await runAll(processes, source.durationSec, signal, input.onProgress);

  const video = await Promise.all(
    renditions.map(async (r) => {
      const dir = `video/${r.id}`;
      const track = await readTrack(titleDir, dir);
      return {
        kind: "video" as const,
        id: r.id,
        dir,
        codec: r.codec,
        width: r.width,
        height: r.height,
        frameRate: source.frameRate,
        targetBitrateBps: r.targetBitrateBps,
        ...track,
      };
    }),
  );
  const audioTracks = await Promise.all(
    audio.map(async (a, i) => ({
      kind: "audio" as const,
      id: a.id,
      dir: a.dir,
      language: a.stream.language,
      name: languageName(a.stream.language, a.stream.title),
      channels: 2,
      sampleRate: AUDIO_RATE,
      default: i === 0,
      ...(await readTrack(titleDir, a.dir)),
    })),
  );
  return { video, audio: audioTracks, text };
}

/** Codecs, timescale and segment list of a track folder written by the HLS muxer. */
async function readTrack(
  titleDir: string,
  dir: string,
): Promise<{ codecs: string; timescale: number; segments: Segment[] }> {
  const full = path.join(titleDir, dir);
  const init = readInit(await readFile(path.join(full, INIT_FILE)));
  const names = (await readdir(full)).filter((n) => /^seg_\d+\.m4s$/.test(n)).sort();
  if (names.length === 0) throw new Error(`${dir}: ffmpeg wrote no segments`);
  const segments = await Promise.all(
    names.map(async (file) => {
      const bytes = await readFile(path.join(full, file));
      return {
        file,
        sizeBytes: bytes.length,
        ...readSegmentTiming(bytes, init.defaultSampleDuration),
      };
    }),
  );
  // ffmpeg's own playlist is replaced by ours; leaving it would offer two versions of the truth.
  await rm(path.join(full, "ffmpeg.m3u8"), { force: true });
  return { codecs: init.codecs, timescale: init.timescale, segments };
}
