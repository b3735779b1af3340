/**
 * Source validation: everything that can be wrong with an input file is found here, before
 * any work starts, and reported as one line naming the file and the cause.
 */
import { stat } from "node:fs/promises";
import { z } from "zod";
import { InputError, ToolError } from "../errors.ts";
import { ffmpeg, ffprobe, ProcessError } from "./run.ts";

export interface SourceStream {
  /** Index of the stream in the source file (ffmpeg's `-map 0:N`). */
  index: number;
  codec: string;
  language: string;
  title: string | undefined;
}

export interface AudioStream extends SourceStream {
  channels: number;
}

export interface SourceInfo {
  file: string;
  sizeBytes: number;
  durationSec: number;
  /** The displayed picture: after rotation metadata and non-square pixels are applied. */
  width: number;
  height: number;
  /** What must happen to the decoded frames to give that picture (see `displayFilters`). */
  picture: PictureFix;
  /** What the encoder does differently for this source, one line each, for the log and the report. */
  notes: string[];
  frameRate: number;
  videoCodec: string;
  audio: AudioStream[];
  subtitles: SourceStream[];
}

/**
 * How the decoded frames differ from the displayed picture. ffmpeg turns rotated frames upright
 * by itself (`-autorotate`, on by default), so only the rest needs filters.
 */
export interface PictureFix {
  /** Degrees the display matrix turns the stored frames (a quarter turn swaps width and height). */
  rotation: 0 | 90 | 180 | 270;
  /** Sample (pixel) aspect ratio of the stored frames, width over height; 1 for square. */
  sampleAspect: number;
  /** Curve to tone-map an HDR source to SDR with, or null for an SDR source. */
  toneMap: ToneMapCurve | null;
}

export type ToneMapCurve = "hable" | "mobius" | "reinhard";

export interface ProbeOptions {
  /** What to do with an HDR source: refuse it ("off"), or tone-map it with that curve. */
  toneMap?: "off" | ToneMapCurve;
  /** Whether this ffmpeg has the filters to tone-map (`Capabilities.toneMap`). */
  canToneMap?: boolean;
}

const ProbeStream = z.object({
  index: z.number(),
  codec_type: z.string().optional(),
  codec_name: z.string().optional(),
  width: z.number().optional(),
  height: z.number().optional(),
  avg_frame_rate: z.string().optional(),
  r_frame_rate: z.string().optional(),
  channels: z.number().optional(),
  channel_layout: z.string().optional(),
  pix_fmt: z.string().optional(),
  sample_aspect_ratio: z.string().optional(),
  color_transfer: z.string().optional(),
  color_primaries: z.string().optional(),
  side_data_list: z.array(z.object({ rotation: z.number().optional() }).loose()).optional(),
  duration: z.string().optional(),
  disposition: z.object({ attached_pic: z.number().optional() }).partial().optional(),
  tags: z.record(z.string(), z.string()).optional(),
});

const ProbeOutput = z.object({
  streams: z.array(ProbeStream).default([]),
  format: z
    .object({ duration: z.string().optional(), format_name: z.string().optional() })
    .optional(),
});

/** Text subtitle codecs ffmpeg can turn into WebVTT. Bitmap subtitles (PGS, DVB) cannot be. */
const TEXT_SUBTITLE_CODECS = new Set(["webvtt", "subrip", "srt", "ass", "ssa", "mov_text", "text"]);

function parseRate(rate: string | undefined): number {
  if (!rate) return 0;
  const [num, den] = rate.split("/").map(Number);
  if (!num || !den) return 0;
  return num / den;
}

/** ISO 639-2 codes as containers store them, mapped to the BCP 47 tags manifests carry. */
const ISO639_2_TO_1: Record<string, string> = {
  eng: "en",
  spa: "es",
  fra: "fr",
  fre: "fr",
  deu: "de",
  ger: "de",
  ita: "it",
  por: "pt",
  jpn: "ja",
  kor: "ko",
  zho: "zh",
  chi: "zh",
  rus: "ru",
  nld: "nl",
  dut: "nl",
  swe: "sv",
  nor: "no",
  dan: "da",
  fin: "fi",
  pol: "pl",
  tur: "tr",
  ara: "ar",
  hin: "hi",
};

export function languageTag(raw: string | undefined): string {
  const lang = (raw ?? "").trim().toLowerCase();
  if (/^[a-z]{2}$/.test(lang)) return lang;
  if (/^[a-z]{3}$/.test(lang)) return ISO639_2_TO_1[lang] ?? lang;
  return "und";
}

/** Stored dimensions to displayed ones: non-square pixels stretch the width, then rotation. */
export function displaySize(
  width: number,
  height: number,
  fix: Pick<PictureFix, "rotation" | "sampleAspect">,
): { width: number; height: number } {
  const even = (n: number) => Math.max(2, Math.round(n / 2) * 2);
  const w = even(width * fix.sampleAspect);
  const h = even(height);
  return fix.rotation % 180 === 90 ? { width: h, height: w } : { width: w, height: h };
}

/**
 * Filters that turn the decoded frames into the displayed SDR picture at `source.width` x
 * `source.height` with square pixels, for every ffmpeg run that reads the source's video.
 * Empty for an upright, square-pixel SDR source, so such sources encode exactly as before.
 */
export function displayFilters(source: Pick<SourceInfo, "picture" | "width" | "height">): string[] {
  const filters: string[] = [];
  if (source.picture.toneMap) {
    // Linear light in float, BT.709 primaries, then the curve, then BT.709 transfer and 8 bits:
    // the order zscale's and tonemap's documentation give; npl=100 nits is SDR's reference white.
    filters.push(
      "zscale=t=linear:npl=100",
      "format=gbrpf32le",
      "zscale=p=bt709",
      `tonemap=tonemap=${source.picture.toneMap}:desat=0`,
      "zscale=t=bt709:m=bt709:r=tv",
      "format=yuv420p",
    );
  }
  if (source.picture.sampleAspect !== 1) {
    filters.push(`scale=${source.width}:${source.height}:flags=lanczos`, "setsar=1");
  }
  return filters;
}

function parseRatio(ratio: string | undefined): number {
  const [num, den] = (ratio ?? "").split(":").map(Number);
  // "0:1" and "N/A" mean unknown, which players show as square.
  if (!num || !den) return 1;
  return num / den;
}

/** Clockwise quarter turns from the display matrix (ffprobe's `rotation`) or a legacy `rotate` tag. */
function rotationOf(stream: z.infer<typeof ProbeStream>): number {
  const fromMatrix = stream.side_data_list?.find((d) => d.rotation !== undefined)?.rotation;
  const raw = fromMatrix ?? Number(stream.tags?.rotate ?? 0);
  return (((Math.round(raw) % 360) + 360) % 360) as number;
}

const HDR_TRANSFERS: Record<string, string> = {
  smpte2084: "PQ (smpte2084) transfer",
  "arib-std-b67": "HLG (arib-std-b67) transfer",
};

/** Why a stream is HDR or wide-gamut, or null when it is plain BT.709-like SDR. */
function hdrCause(stream: z.infer<typeof ProbeStream>): string | null {
  const causes: string[] = [];
  const transfer = HDR_TRANSFERS[stream.color_transfer ?? ""];
  if (transfer) causes.push(transfer);
  if (stream.color_primaries === "bt2020") causes.push("BT.2020 primaries");
  return causes.length > 0 ? causes.join(", ") : null;
}

export async function probeSource(
  file: string,
  signal?: AbortSignal,
  options: ProbeOptions = {},
): Promise<SourceInfo> {
  let sizeBytes: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new InputError(file, "is not a regular file");
    sizeBytes = info.size;
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(file, "file not found");
  }
  if (sizeBytes === 0) throw new InputError(file, "file is empty (0 bytes)");

  let json: unknown;
  try {
    const { stdout } = await ffprobe(
      ["-print_format", "json", "-show_format", "-show_streams", file],
      { signal },
    );
    json = JSON.parse(stdout);
  } catch (error) {
    if (error instanceof ProcessError) {
      throw new InputError(
        file,
        `not a media file ffmpeg can read (${error.message.replace(/^.*?: /, "")})`,
      );
    }
    throw error;
  }
  const probe = ProbeOutput.parse(json);
  const video = probe.streams.find((s) => s.codec_type === "video" && !s.disposition?.attached_pic);
  if (!video) throw new InputError(file, "has no video stream");
  if (!video.codec_name || video.codec_name === "none" || !video.width || !video.height) {
    throw new InputError(file, "video stream uses a codec this ffmpeg does not know");
  }
  const durationSec = Number(probe.format?.duration ?? video.duration ?? 0);
  if (!(durationSec > 0))
    throw new InputError(file, "has no duration (is it a still image or a live stream?)");
  const frameRate = parseRate(video.avg_frame_rate) || parseRate(video.r_frame_rate);
  if (!(frameRate > 0 && frameRate <= 240))
    throw new InputError(file, "video has no usable frame rate");

  // The decoder is the final judge: a known codec id with no decoder in this build fails here.
  try {
    await ffmpeg(["-i", file, "-map", `0:${video.index}`, "-frames:v", "1", "-f", "null", "-"], {
      signal,
    });
  } catch (error) {
    if (error instanceof ToolError) throw error;
    if (error instanceof ProcessError) {
      throw new InputError(
        file,
        `cannot decode its ${video.codec_name} video (${error.message.replace(/^.*?: /, "")})`,
      );
    }
    throw error;
  }

  const rotation = rotationOf(video);
  if (rotation % 90 !== 0) {
    throw new InputError(
      file,
      `is rotated by ${rotation} degrees, which only quarter turns can honour: rotate it upright first`,
    );
  }
  const sampleAspect = parseRatio(video.sample_aspect_ratio);
  const hdr = hdrCause(video);
  const toneMap = options.toneMap ?? "off";
  if (hdr && toneMap === "off") {
    throw new InputError(
      file,
      options.canToneMap
        ? `is HDR (${hdr}) and would look washed out as SDR: tone-map it with --tone-map or "toneMap": "hable" in the config`
        : `is HDR (${hdr}) and this ffmpeg has no tone-mapping filters (zscale + tonemap): convert it to SDR first, or use an ffmpeg built with libzimg`,
    );
  }
  const picture: PictureFix = {
    rotation: rotation as PictureFix["rotation"],
    sampleAspect,
    toneMap: hdr && toneMap !== "off" ? toneMap : null,
  };
  const shown = displaySize(video.width, video.height, picture);
  const notes: string[] = [];
  if (rotation !== 0)
    notes.push(
      `video rotated ${rotation} degrees for display: encoded upright at ${shown.width}x${shown.height}`,
    );
  if (sampleAspect !== 1)
    notes.push(
      `non-square pixels (${video.width}x${video.height}, SAR ${video.sample_aspect_ratio}): encoded square-pixel at ${shown.width}x${shown.height}`,
    );
  if (picture.toneMap) notes.push(`HDR (${hdr}): tone-mapped to SDR BT.709 (${picture.toneMap})`);

  const streamsOf = (type: string) => probe.streams.filter((s) => s.codec_type === type);
  const audio = streamsOf("audio").map((s) => ({
    index: s.index,
    codec: s.codec_name ?? "unknown",
    language: languageTag(s.tags?.language),
    title: s.tags?.title,
    channels: s.channels ?? 2,
  }));
  for (const [i, s] of streamsOf("audio").entries()) {
    const a = audio[i]!;
    if (a.channels > 2)
      notes.push(
        `audio ${i + 1} (${a.language}): ${a.channels} channels${s.channel_layout ? ` (${s.channel_layout})` : ""} downmixed to stereo`,
      );
  }
  return {
    file,
    sizeBytes,
    durationSec,
    ...shown,
    picture,
    notes,
    frameRate,
    videoCodec: video.codec_name,
    audio,
    subtitles: streamsOf("subtitle")
      .filter((s) => TEXT_SUBTITLE_CODECS.has(s.codec_name ?? ""))
      .map((s) => ({
        index: s.index,
        codec: s.codec_name ?? "unknown",
        language: languageTag(s.tags?.language),
        title: s.tags?.title,
      })),
  };
}
