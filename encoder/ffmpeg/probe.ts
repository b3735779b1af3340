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
  width: number;
  height: number;
  frameRate: number;
  videoCodec: string;
  audio: AudioStream[];
  subtitles: SourceStream[];
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

export async function probeSource(file: string, signal?: AbortSignal): Promise<SourceInfo> {
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

  const streamsOf = (type: string) => probe.streams.filter((s) => s.codec_type === type);
  return {
    file,
    sizeBytes,
    durationSec,
    width: video.width,
    height: video.height,
    frameRate,
    videoCodec: video.codec_name,
    audio: streamsOf("audio").map((s) => ({
      index: s.index,
      codec: s.codec_name ?? "unknown",
      language: languageTag(s.tags?.language),
      title: s.tags?.title,
      channels: s.channels ?? 2,
    })),
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
