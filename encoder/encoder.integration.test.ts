/**
 * The encoder end to end, as a user runs it: the real CLI, the real ffmpeg, a tiny generated
 * clip with two audio languages and subtitles. Checks what players will rely on: both
 * manifests open and decode, keyframes line up, and bad input or Ctrl-C never harm the catalog.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { type Catalog, parseCatalog, type VideoCodec } from "../src/schemas/catalog.ts";
import { makeTestClip } from "./demo/test-clip.ts";

const exec = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "..");
const CLI = path.join(ROOT, "encoder/cli.ts");

interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
  seconds: number;
}

function encoder(
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { child: ChildProcess; done: Promise<RunResult> } {
  const started = Date.now();
  const child = spawn(process.execPath, ["--import", "tsx", CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, SVT_LOG: "1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  const done = new Promise<RunResult>((resolve) => {
    child.on("close", (code) =>
      resolve({ code, stdout, stderr, seconds: (Date.now() - started) / 1000 }),
    );
  });
  return { child, done };
}

const run = (args: string[], env?: NodeJS.ProcessEnv) => encoder(args, env).done;

async function keyframeTimes(playlist: string): Promise<number[]> {
  const { stdout } = await exec("ffprobe", [
    "-v",
    "error",
    "-select_streams",
    "v:0",
    "-show_entries",
    "packet=pts_time,flags",
    "-of",
    "csv=p=0",
    playlist,
  ]);
  return stdout
    .split("\n")
    .filter((line) => line.includes("K"))
    .map((line) => Math.round(Number(line.split(",")[0]) * 1000) / 1000);
}

const CODECS_PATTERN: Record<VideoCodec, RegExp> = {
  h264: /^avc1\.64[0-9a-f]{4}$/,
  vp9: /^vp09\.00\.\d{2}\.08$/,
  av1: /^av01\.0\.\d{2}M\.08$/,
};

/** ffprobe's video streams of a manifest: index and codec name, in order. */
async function videoStreams(input: string[]): Promise<{ index: number; codec: string }[]> {
  const { stdout } = await exec("ffprobe", [
    "-v",
    "error",
    "-select_streams",
    "v",
    "-show_entries",
    "stream=index,codec_name",
    "-of",
    "csv=p=0",
    ...input,
  ]);
  // The HLS demuxer lists each stream again under each program (variant): keep one of each.
  const byIndex = new Map<number, string>();
  for (const line of stdout.trim().split("\n")) {
    const [index, codec] = line.split(",");
    byIndex.set(Number(index), codec ?? "");
  }
  return [...byIndex].map(([index, codec]) => ({ index, codec }));
}

describe("npm run encode", () => {
  let work: string;
  let out: string;
  let clip: string;
  let catalog: Catalog;
  let first: RunResult;

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), "encoder-it-"));
    out = path.join(work, "catalog");
    clip = path.join(work, "Test Clip.mkv");
    await makeTestClip(clip);
    await writeFile(
      path.join(work, "Test Clip.title.json"),
      JSON.stringify({
        id: "test-clip",
        info: {
          name: "Test Clip",
          synopsis: "Bars.",
          year: 2026,
          genres: ["Test"],
          tags: { mood: ["calm"], pace: "slow", themes: [] },
        },
      }),
    );
    first = await run(["--out", out, clip]);
    catalog = parseCatalog(JSON.parse(await readFile(path.join(out, "catalog.json"), "utf8")));
  }, 240_000);

  it("publishes the title with its ladder, two audio languages and subtitles", () => {
    expect(first.code, first.stderr + first.stdout).toBe(0);
    const title = catalog.titles.find((t) => t.id === "test-clip")!;
    expect(title.name).toBe("Test Clip");
    expect(title.renditions.filter((r) => r.codec === "h264").length).toBeGreaterThanOrEqual(2);
    expect(title.audio.map((a) => a.language)).toEqual(["en", "es"]);
    expect(title.audio.map((a) => a.codecs)).toEqual(["mp4a.40.2", "mp4a.40.2"]);
    expect(title.subtitles.map((s) => s.language)).toEqual(["en"]);
    for (const r of title.renditions) {
      // Codecs strings read from the init segments: H.264 High profile, VP9 profile 0 and AV1
      // Main, both 8-bit.
      expect(r.codecs).toMatch(CODECS_PATTERN[r.codec]);
      expect(r.peakBitrateBps).toBeGreaterThanOrEqual(r.averageBitrateBps);
      expect(r.quality.metric).toBe(title.encoding.metric);
    }
    expect(first.stdout).toMatch(/1 encoded, 0 unchanged, 0 failed/);
  });

  it("writes every file the catalog names", () => {
    const title = catalog.titles[0]!;
    const paths = [
      title.manifests.hls,
      title.manifests.dash,
      title.artwork.poster,
      title.artwork.backdrop,
      title.thumbnails.vtt,
      ...title.thumbnails.sprites,
      ...title.renditions.map((r) => r.playlist),
      ...title.audio.map((a) => a.playlist),
      ...title.subtitles.flatMap((s) => [s.vtt, s.playlist]),
      title.encoding.report,
    ];
    for (const p of paths) expect(existsSync(path.join(out, p)), p).toBe(true);
  });

  it("writes HLS and DASH manifests that ffmpeg opens and decodes", async () => {
    const title = catalog.titles[0]!;
    for (const manifest of [title.manifests.hls, title.manifests.dash]) {
      // ffmpeg's DASH demuxer refuses a .vtt sidecar unless told that other extensions are fine.
      const input = ["-allowed_extensions", "ALL", "-i", path.join(out, manifest)];
      const { stdout } = await exec("ffprobe", [
        "-v",
        "error",
        "-show_entries",
        "stream=codec_type,codec_name",
        "-of",
        "csv=p=0",
        ...input.filter((a) => a !== "-i"),
      ]);
      expect(stdout, manifest).toMatch(/h264,video/);
      expect(stdout, manifest).toMatch(/aac,audio/);
      // ffmpeg's HLS demuxer does not read subtitle renditions; its DASH demuxer does.
      if (manifest.endsWith(".mpd")) expect(stdout, manifest).toMatch(/webvtt,subtitle/);
      // Decode from the manifest: the first video and audio streams.
      await exec("ffmpeg", [
        "-v",
        "error",
        ...input,
        "-map",
        "0:v:0",
        "-map",
        "0:a:0",
        "-t",
        "3",
        "-f",
        "null",
        "-",
      ]);
    }
  });

  it("adds VP9 rungs whose CODECS both manifests carry and ffmpeg decodes through either", async () => {
    const title = catalog.titles[0]!;
    const vp9 = title.renditions.filter((r) => r.codec === "vp9");
    // The clip's ladder has 2 or 3 H.264 rungs: VP9 gets each (bottom, middle, top).
    expect(vp9.length).toBe(Math.min(3, title.renditions.filter((r) => r.codec === "h264").length));
    const hls = await readFile(path.join(out, title.manifests.hls), "utf8");
    const dash = await readFile(path.join(out, title.manifests.dash), "utf8");
    for (const r of vp9) {
      const uri = path.posix.relative(title.path, r.playlist);
      const inf = hls.split("\n")[hls.split("\n").indexOf(uri) - 1] ?? "";
      expect(inf).toContain(`CODECS="${r.codecs},mp4a.40.2"`);
      expect(dash).toContain(`<Representation id="${r.id}" codecs="${r.codecs}"`);
    }
    // VP9 and H.264 in separate adaptation sets (a set may not mix codecs).
    expect(dash.match(/<AdaptationSet[^>]*contentType="video"/g)?.length).toBe(
      new Set(title.renditions.map((r) => r.codec)).size,
    );
    for (const manifest of [title.manifests.hls, title.manifests.dash]) {
      const input = ["-allowed_extensions", "ALL", "-i", path.join(out, manifest)];
      const streams = await videoStreams(input.filter((a) => a !== "-i"));
      const vp9Streams = streams.filter((s) => s.codec === "vp9");
      expect(vp9Streams.length, manifest).toBe(vp9.length);
      // Decode the top VP9 rendition (the last one listed) through the manifest, all of it.
      const { stderr } = await exec("ffmpeg", [
        "-v",
        "error",
        ...input,
        "-map",
        `0:${vp9Streams[vp9Streams.length - 1]!.index}`,
        "-f",
        "null",
        "-",
      ]);
      expect(stderr, manifest).toBe("");
    }
    expect(Object.keys(title.encoding.codecBdRatePercent ?? {}).sort()).toEqual(["av1", "vp9"]);
  }, 60_000);

  it("aligns keyframes across all renditions, at every segment boundary", async () => {
    const title = catalog.titles[0]!;
    const times = await Promise.all(
      title.renditions.map((r) => keyframeTimes(path.join(out, r.playlist))),
    );
    // H.264 with B-frames presents its first frame a frame or two after AV1 does (composition
    // offset); the keyframes themselves sit on the same 2 s grid in every rendition.
    for (const t of times) {
      expect(t[0]!).toBeLessThan(0.1);
      expect(t.map((x) => Math.round((x - t[0]!) * 1000) / 1000)).toEqual([0, 2, 4]);
    }
  });

  it("skips an unchanged source on the next run, in seconds", async () => {
    const again = await run(["--out", out, clip]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/0 encoded, 1 unchanged, 0 failed/);
    expect(again.seconds).toBeLessThan(15);
    const after = parseCatalog(JSON.parse(await readFile(path.join(out, "catalog.json"), "utf8")));
    expect(after.titles[0]!.encoding.encodedAt).toBe(catalog.titles[0]!.encoding.encodedAt);
  }, 30_000);

  it("reports each bad input in one line naming the file, and leaves the catalog as it was", async () => {
    const before = await readFile(path.join(out, "catalog.json"), "utf8");
    const empty = path.join(work, "empty.mp4");
    const text = path.join(work, "notes.mp4");
    const unknownCodec = path.join(work, "alien.mp4");
    await writeFile(empty, "");
    await writeFile(text, "this is not a video\n".repeat(50));
    await exec("ffmpeg", [
      "-v",
      "error",
      "-f",
      "lavfi",
      "-i",
      "testsrc2=s=160x90:r=10",
      "-t",
      "1",
      "-c:v",
      "libx264",
      unknownCodec,
    ]);
    // Rename the sample entry so no decoder claims it: a file in a codec this ffmpeg lacks.
    const bytes = await readFile(unknownCodec);
    await writeFile(
      unknownCodec,
      Buffer.from(
        bytes.toString("latin1").replaceAll("avc1", "zzzz").replaceAll("avcC", "zzzC"),
        "latin1",
      ),
    );
    const missing = path.join(work, "missing.mp4");

    const result = await run(["--out", out, missing, empty, text, unknownCodec, clip]);
    expect(result.code).toBe(1);
    // Each title's error on stderr, one line each; the progress and the summary on stdout.
    const errors = result.stderr.trim().split("\n");
    expect(errors).toHaveLength(4);
    expect(errors[0]).toBe(`error: ${missing}: file not found`);
    expect(errors[1]).toBe(`error: ${empty}: file is empty (0 bytes)`);
    expect(errors[2]).toMatch(
      new RegExp(
        `^error: ${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: not a media file ffmpeg can read`,
      ),
    );
    expect(errors[3]).toMatch(
      /alien\.mp4: (video stream uses a codec this ffmpeg does not know|cannot decode)/,
    );
    expect(result.stdout).not.toMatch(/^error:/m);
    expect(result.stdout).toMatch(/0 encoded, 1 unchanged, 4 failed/);
    expect(result.stdout + result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(await readFile(path.join(out, "catalog.json"), "utf8")).toBe(before);
  }, 60_000);

  it("says how to get ffmpeg when it is missing, without a stack trace", async () => {
    const result = await run(["--out", out, clip], { FFMPEG_PATH: "/nonexistent/ffmpeg" });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(
      /ffmpeg not found: install it \(Debian\/Ubuntu: `sudo apt-get install ffmpeg`\)/,
    );
  }, 30_000);

  it("leaves no half title behind when interrupted", async () => {
    const before = await readFile(path.join(out, "catalog.json"), "utf8");
    const other = path.join(work, "other.mkv");
    await makeTestClip(other, { pattern: "mandelbrot" });
    const { child, done } = encoder(["--out", out, other]);
    // Interrupt once the title is being built (its staging folder exists).
    for (let i = 0; i < 200 && !existsSync(path.join(out, ".staging")); i++)
      await new Promise((r) => setTimeout(r, 100));
    expect(existsSync(path.join(out, ".staging"))).toBe(true);
    child.kill("SIGINT");
    const result = await done;
    expect(result.code).toBe(130);
    // No ffmpeg is left working on the interrupted title.
    await expect(exec("pgrep", ["-f", other])).rejects.toMatchObject({ code: 1 });
    expect(await readFile(path.join(out, "catalog.json"), "utf8")).toBe(before);
    expect(existsSync(path.join(out, ".staging"))).toBe(false);
    expect(await readdir(path.join(out, "titles"))).toEqual([
      path.basename(catalog.titles[0]!.path),
    ]);
  }, 60_000);
});
