/**
 * Pictures taken from the video: trick-play sprites with their WebVTT track (the seek bar's
 * previews), and the poster (2:3) and backdrop (16:9) the catalog shows.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { displayFilters, type SourceInfo } from "../ffmpeg/probe.ts";
import { ffmpeg } from "../ffmpeg/run.ts";
import type { ThumbnailFiles } from "../package/tracks.ts";

export const THUMBNAIL_LAYOUT = {
  intervalSec: 2,
  width: 160,
  columns: 5,
  rows: 5,
} as const;

function vttTime(sec: number): string {
  const ms = Math.round(sec * 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor((ms % 3_600_000) / 60_000))}:${pad(Math.floor((ms % 60_000) / 1000))}.${pad(ms % 1000, 3)}`;
}

/** The WebVTT thumbnail track: one cue per interval pointing at its tile with `#xywh=`. */
export function thumbnailVtt(
  files: Omit<ThumbnailFiles, "vtt">,
  durationSec: number,
  vttDir: string,
): string {
  const perSprite = files.columns * files.rows;
  const count = Math.ceil(durationSec / files.intervalSec);
  const cues: string[] = ["WEBVTT", ""];
  for (let i = 0; i < count; i++) {
    const sprite = files.sprites[Math.floor(i / perSprite)];
    if (!sprite) break;
    const tile = i % perSprite;
    const x = (tile % files.columns) * files.width;
    const y = Math.floor(tile / files.columns) * files.height;
    const start = i * files.intervalSec;
    const end = Math.min(durationSec, start + files.intervalSec);
    cues.push(
      `${vttTime(start)} --> ${vttTime(end)}`,
      `${path.posix.relative(vttDir, sprite)}#xywh=${x},${y},${files.width},${files.height}`,
      "",
    );
  }
  return cues.join("\n");
}

export async function makeThumbnails(
  source: SourceInfo,
  titleDir: string,
  signal?: AbortSignal,
): Promise<ThumbnailFiles> {
  const { intervalSec, width, columns, rows } = THUMBNAIL_LAYOUT;
  const height = Math.round((width * source.height) / source.width / 2) * 2;
  await mkdir(path.join(titleDir, "thumbs"), { recursive: true });
  const spriteTemplate = "thumbs/sprite_%03d.jpg";
  // One frame from the middle of each interval, scaled, then laid out in a grid per sprite.
  await ffmpeg(
    [
      "-i",
      source.file,
      "-map",
      "0:v:0",
      "-vf",
      `fps=1/${intervalSec}:start_time=${intervalSec / 2},${displayFilters(source)
        .map((f) => `${f},`)
        .join("")}scale=${width}:${height}:flags=lanczos,tile=${columns}x${rows}`,
      "-q:v",
      "4",
      "-start_number",
      "1",
      path.join(titleDir, spriteTemplate),
    ],
    { signal },
  );
  const spriteCount = Math.ceil(Math.ceil(source.durationSec / intervalSec) / (columns * rows));
  const sprites = Array.from(
    { length: spriteCount },
    (_, i) => `thumbs/sprite_${String(i + 1).padStart(3, "0")}.jpg`,
  );
  const files = { spriteTemplate, sprites, intervalSec, width, height, columns, rows };
  const vtt = "thumbs/thumbnails.vtt";
  await writeFile(path.join(titleDir, vtt), thumbnailVtt(files, source.durationSec, "thumbs"));
  return { ...files, vtt };
}

export interface ArtworkFiles {
  poster: string;
  backdrop: string;
}

/** Poster and backdrop from one frame 40% into the title: past any opening card, before the credits. */
export async function makeArtwork(
  source: SourceInfo,
  titleDir: string,
  signal?: AbortSignal,
): Promise<ArtworkFiles> {
  await mkdir(path.join(titleDir, "art"), { recursive: true });
  const at = String(Math.round(source.durationSec * 0.4 * 100) / 100);
  const poster = "art/poster.jpg";
  const backdrop = "art/backdrop.jpg";
  await ffmpeg(
    [
      "-ss",
      at,
      "-i",
      source.file,
      "-frames:v",
      "1",
      "-filter_complex",
      `[0:v:0]${displayFilters(source)
        .map((f) => `${f},`)
        .join("")}split=2[a][b];` +
        "[a]crop=min(iw\\,ih*2/3):ih,scale=480:720:flags=lanczos[poster];" +
        "[b]scale=1280:720:force_original_aspect_ratio=increase:flags=lanczos,crop=1280:720[backdrop]",
      "-map",
      "[poster]",
      "-q:v",
      "3",
      path.join(titleDir, poster),
      "-map",
      "[backdrop]",
      "-frames:v",
      "1",
      "-q:v",
      "3",
      path.join(titleDir, backdrop),
    ],
    { signal },
  );
  return { poster, backdrop };
}
