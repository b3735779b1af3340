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
import { type Catalog, parseCatalog } from "../src/schemas/catalog.ts";
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
      // Codecs strings read from the init segments: H.264 High profile, AV1 Main 8-bit.
      expect(r.codecs).toMatch(
        r.codec === "h264" ? /^avc1\.64[0-9a-f]{4}$/ : /^av01\.0\.\d{2}M\.08$/,
      );
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
    const output = result.stdout + result.stderr;
    expect(result.code).toBe(1);
    expect(output).toContain(`${missing}: file not found`);
    expect(output).toContain(`${empty}: file is empty (0 bytes)`);
    expect(output).toMatch(
      new RegExp(
        `${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: not a media file ffmpeg can read`,
      ),
    );
    expect(output).toMatch(
      /alien\.mp4: (video stream uses a codec this ffmpeg does not know|cannot decode)/,
    );
    expect(output).toMatch(/0 encoded, 1 unchanged, 4 failed/);
    expect(output).not.toMatch(/\n\s+at /); // no stack trace
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
