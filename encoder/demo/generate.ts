/**
 * Makes the demo's source files: one Matroska file per title with the picture, an English
 * and a Spanish speech track and WebVTT subtitles in both languages, plus the sidecar with
 * its metadata. The encoder then treats them exactly as it treats a user's files.
 * A source is made again only when its recipe changes.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import pLimit from "p-limit";
import type { Capabilities } from "../ffmpeg/capabilities.ts";
import { ffmpeg } from "../ffmpeg/run.ts";
import { sidecarPath } from "../sources/metadata.ts";
import { DEMO_TITLES, type DemoTitle } from "./titles.ts";

/** Bump when the way sources are made changes, so every demo source is made again. */
const GENERATOR_VERSION = 1;

const LANGUAGES = [
  { key: "en", iso: "eng", name: "English", voice: "slt", toneHz: 440 },
  { key: "es", iso: "spa", name: "Español", voice: "kal", toneHz: 330 },
] as const;

const FONT_CANDIDATES = [
  "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
  "/usr/share/fonts/dejavu/DejaVuSans-Bold.ttf",
  "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf",
  "/System/Library/Fonts/Supplemental/Arial Bold.ttf",
];

interface Cue {
  startSec: number;
  endSec: number;
}

/** When each line is spoken: spread over the title, the first after the title card. */
export function cueTimes(lineCount: number, durationSec: number): Cue[] {
  const first = 3;
  const spacing = (durationSec - first - 1) / Math.max(1, lineCount);
  return Array.from({ length: lineCount }, (_, i) => {
    const startSec = first + i * spacing;
    return { startSec, endSec: Math.min(startSec + Math.min(5, spacing - 0.3), durationSec) };
  });
}

function vttTime(sec: number): string {
  const ms = Math.round(sec * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${pad(h)}:${pad(m)}:${pad(s)}.${pad(ms % 1000, 3)}`;
}

export function webvtt(cues: readonly (Cue & { text: string })[]): string {
  const body = cues.map(
    (c, i) => `${i + 1}\n${vttTime(c.startSec)} --> ${vttTime(c.endSec)}\n${c.text}\n`,
  );
  return `WEBVTT\n\n${body.join("\n")}`;
}

function recipeHash(title: DemoTitle, caps: Capabilities): string {
  const recipe = { GENERATOR_VERSION, title, drawtext: caps.drawtext, flite: caps.flite };
  return createHash("sha256").update(JSON.stringify(recipe)).digest("hex").slice(0, 16);
}

/** Escape a value for a filter option inside single quotes. */
function quoteFilterValue(value: string): string {
  return `'${value.replace(/\\/g, "\\\\").replace(/'/g, "'\\''").replace(/:/g, "\\:")}'`;
}

async function buildSource(
  title: DemoTitle,
  caps: Capabilities,
  file: string,
  scratch: string,
  signal?: AbortSignal,
) {
  await mkdir(scratch, { recursive: true });
  const cues = cueTimes(title.lines.length, title.durationSec);
  const inputs: string[] = [];
  const audioFilters: string[] = [];
  let inputIndex = 1;

  let video = title.video;
  const font = FONT_CANDIDATES.find((f) => existsSync(f));
  if (caps.drawtext) {
    const cardFile = path.join(scratch, "card.txt");
    await writeFile(cardFile, title.metadata.info.name);
    const fontOption = font ? `fontfile=${quoteFilterValue(font)}` : "font=Sans";
    video +=
      `,drawtext=${fontOption}:textfile=${quoteFilterValue(cardFile)}:fontsize=h/11:fontcolor=white` +
      ":x=(w-tw)/2:y=(h-th)/2:box=1:boxcolor=black@0.65:boxborderw=40:enable='lt(t,2.5)'";
  }
  inputs.push("-f", "lavfi", "-i", video);

  for (const lang of LANGUAGES) {
    const voiced: string[] = [];
    for (const [i, line] of title.lines.entries()) {
      const delayMs = Math.round(cues[i]!.startSec * 1000);
      if (caps.flite) {
        const textFile = path.join(scratch, `${lang.key}-${i}.txt`);
        await writeFile(textFile, line[lang.key]);
        inputs.push(
          "-f",
          "lavfi",
          "-i",
          `flite=textfile=${quoteFilterValue(textFile)}:voice=${lang.voice}`,
        );
      } else {
        // No speech synthesiser in this ffmpeg: a short tone per line keeps the tracks apart by ear.
        inputs.push("-f", "lavfi", "-i", `sine=frequency=${lang.toneHz}:duration=1.5`);
      }
      audioFilters.push(
        `[${inputIndex}:a]aresample=48000,aformat=channel_layouts=mono,adelay=${delayMs}[${lang.key}${i}]`,
      );
      voiced.push(`[${lang.key}${i}]`);
      inputIndex++;
    }
    audioFilters.push(
      `${voiced.join("")}amix=inputs=${voiced.length}:normalize=0:duration=longest,` +
        `apad,atrim=0:${title.durationSec},aformat=sample_rates=48000:channel_layouts=stereo[${lang.key}]`,
    );
  }

  const subtitleInputs: number[] = [];
  for (const lang of LANGUAGES) {
    const vttFile = path.join(scratch, `${lang.key}.vtt`);
    await writeFile(
      vttFile,
      webvtt(title.lines.map((line, i) => ({ ...cues[i]!, text: line[lang.key] }))),
    );
    inputs.push("-i", vttFile);
    subtitleInputs.push(inputIndex++);
  }

  const args = [...inputs, "-filter_complex", audioFilters.join(";"), "-map", "0:v"];
  for (const lang of LANGUAGES) args.push("-map", `[${lang.key}]`);
  for (const index of subtitleInputs) args.push("-map", `${index}:s`);
  args.push(
    "-t",
    String(title.durationSec),
    "-c:v",
    "libx264",
    "-preset",
    "ultrafast",
    "-crf",
    "16",
  );
  args.push("-pix_fmt", "yuv420p", "-c:a", "flac", "-c:s", "webvtt");
  for (const [i, lang] of LANGUAGES.entries()) {
    args.push(
      `-metadata:s:a:${i}`,
      `language=${lang.iso}`,
      `-metadata:s:a:${i}`,
      `title=${lang.name}`,
    );
    args.push(
      `-metadata:s:s:${i}`,
      `language=${lang.iso}`,
      `-metadata:s:s:${i}`,
      `title=${lang.name}`,
    );
  }
  args.push("-metadata", `title=${title.metadata.info.name}`, "-f", "matroska", file);
  await ffmpeg(args, { signal });
}

export type DemoProgress = (done: number, total: number, titleId: string) => void;

/**
 * Make (or reuse) one title's source in `dir`, with its sidecar; returns the source file. The
 * file is written under a temporary name and renamed, so a cancelled run leaves no half-made
 * source behind. Any recipe works (the browser benchmark makes a longer demo title this way).
 */
export async function makeDemoSource(
  title: DemoTitle,
  caps: Capabilities,
  dir: string,
  signal?: AbortSignal,
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${title.id}.mkv`);
  const hashFile = path.join(dir, `${title.id}.recipe`);
  const hash = recipeHash(title, caps);
  const known = await readFile(hashFile, "utf8").catch(() => "");
  if (known !== hash || !existsSync(file)) {
    const partial = `${file}.partial`;
    const scratch = path.join(dir, `.scratch-${title.id}`);
    try {
      await buildSource(title, caps, partial, scratch, signal);
      await rename(partial, file);
    } finally {
      await rm(partial, { force: true });
      await rm(scratch, { recursive: true, force: true });
    }
    await writeFile(hashFile, hash);
  }
  const metadata = { id: title.id, ...title.metadata };
  await writeFile(sidecarPath(file), `${JSON.stringify(metadata, null, 2)}\n`);
  return file;
}

/**
 * Make (or reuse) every demo source under `dir`, two at a time. One promise per title, in
 * catalog order, so the encoder can start on a title as soon as its source is ready while the
 * rest are still being made. Each promise is marked handled here: a failure surfaces when the
 * caller awaits that title, not as an unhandled rejection before it gets there.
 */
export function startDemoSources(
  dir: string,
  caps: Capabilities,
  options: { signal?: AbortSignal; onProgress?: DemoProgress; titles?: readonly DemoTitle[] } = {},
): Promise<string>[] {
  const titles = options.titles ?? DEMO_TITLES;
  // Two at a time: making a source is mostly single-threaded filtering, so two keep both cores busy.
  const limit = pLimit(2);
  let done = 0;
  return titles.map((title) => {
    const file = limit(async () => {
      const made = await makeDemoSource(title, caps, dir, options.signal);
      options.onProgress?.(++done, titles.length, title.id);
      return made;
    });
    file.catch(() => undefined);
    return file;
  });
}
