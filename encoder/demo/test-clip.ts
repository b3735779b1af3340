/**
 * A tiny source for tests and the e2e demo: a lavfi picture, English and Spanish tones and an
 * English subtitle, in Matroska. Seconds to make and to encode.
 */
import { writeFile } from "node:fs/promises";
import { ffmpeg } from "../ffmpeg/run.ts";

export interface TestClipOptions {
  /** lavfi video source name: testsrc2, mandelbrot, smptebars… */
  pattern?: string;
  durationSec?: number;
  width?: number;
  height?: number;
}

export async function makeTestClip(file: string, options: TestClipOptions = {}): Promise<void> {
  const { pattern = "testsrc2", durationSec = 6, width = 640, height = 360 } = options;
  const vtt = `${file}.vtt`;
  await writeFile(vtt, "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\nHello there.\n");
  await ffmpeg([
    "-f",
    "lavfi",
    "-i",
    `${pattern}=s=${width}x${height}:r=24`,
    "-f",
    "lavfi",
    "-i",
    "sine=frequency=440",
    "-f",
    "lavfi",
    "-i",
    "sine=frequency=330",
    "-i",
    vtt,
    "-map",
    "0:v",
    "-map",
    "1:a",
    "-map",
    "2:a",
    "-map",
    "3:s",
    "-t",
    String(durationSec),
    "-c:v",
    "libx264",
    "-preset",
    "ultrafast",
    "-crf",
    "18",
    "-pix_fmt",
    "yuv420p",
    "-c:a",
    "flac",
    "-c:s",
    "webvtt",
    "-metadata:s:a:0",
    "language=eng",
    "-metadata:s:a:0",
    "title=English",
    "-metadata:s:a:1",
    "language=spa",
    "-metadata:s:a:1",
    "title=Español",
    "-metadata:s:s:0",
    "language=eng",
    "-f",
    "matroska",
    file,
  ]);
}
