/**
 * Sources the encoder must not get wrong, made by ffmpeg here (2 s, tiny): a phone's rotated
 * video, anamorphic pixels, 5.1 audio, 10-bit SDR and HDR. Encoded by the real CLI with a
 * fast config (which also checks the config reaches the encodes), then read back with ffprobe.
 */
import { execFile, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { type Catalog, parseCatalog, type Title } from "../src/schemas/catalog.ts";

const exec = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "..");
const CLI = path.join(ROOT, "encoder/cli.ts");

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", CLI, ...args], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

const ffmpeg = (args: string[]) =>
  exec("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", ...args]);

async function probe(file: string, stream: string, entries: string): Promise<string[]> {
  const { stdout } = await exec("ffprobe", [
    "-v",
    "error",
    "-select_streams",
    stream,
    "-show_entries",
    `stream=${entries}`,
    "-of",
    "csv=p=0",
    file,
  ]);
  return stdout.trim().split("\n")[0]!.split(",");
}

/** Mean luma of a region of the first frame (an ffmpeg crop expression). */
async function meanLuma(file: string, crop: string): Promise<number> {
  const { stderr } = await exec("ffmpeg", [
    "-hide_banner",
    "-i",
    file,
    "-frames:v",
    "1",
    "-vf",
    `crop=${crop},signalstats,metadata=print:key=lavfi.signalstats.YAVG`,
    "-f",
    "null",
    "-",
  ]);
  return Number(/YAVG=([\d.]+)/.exec(stderr)?.[1]);
}

const FAST_CONFIG = {
  ladder: { maxRungs: 2 },
  // 1 s segments: the whole packaging must follow the config, not a 2 s constant.
  segmentSec: 1,
  codecs: { h264: { preset: "ultrafast" } },
  trials: { crfs: [25, 35], excerptCount: 1, excerptSec: 1 },
  jobs: 1,
};

describe("awkward sources", () => {
  let work: string;
  let out: string;
  let config: string;
  let first: Awaited<ReturnType<typeof run>>;
  let catalog: Catalog;
  const src = (name: string) => path.join(work, name);
  const title = (id: string): Title => {
    const t = catalog.titles.find((x) => x.id === id);
    if (!t) throw new Error(`${id} not in the catalog: ${first.stdout}${first.stderr}`);
    return t;
  };

  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), "encoder-sources-"));
    out = path.join(work, "catalog");
    config = path.join(work, "fast.json");
    await writeFile(config, JSON.stringify(FAST_CONFIG));
    const sine = ["-f", "lavfi", "-i", "sine=f=440:d=2"];
    await Promise.all([
      // Left half white, right half black, then a 90 degree display rotation set on a stream
      // copy (ffmpeg 5.1's `-metadata:s:v rotate=90` is dropped by an encode; -display_rotation
      // came in 6.0).
      ffmpeg([
        "-f",
        "lavfi",
        "-i",
        "color=black:s=320x180:r=25:d=2,drawbox=x=0:y=0:w=160:h=180:color=white:t=fill",
        ...sine,
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-c:a",
        "aac",
        "-shortest",
        src("upright.mp4"),
      ]).then(() =>
        ffmpeg([
          "-i",
          src("upright.mp4"),
          "-c",
          "copy",
          "-metadata:s:v:0",
          "rotate=90",
          src("phone.mp4"),
        ]),
      ),
      // PAL-ish 352x288 with 16:11 pixels: 16:9 on screen.
      ffmpeg([
        "-f",
        "lavfi",
        "-i",
        "testsrc2=s=352x288:r=25:d=2,setsar=16/11",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        src("anamorphic.mp4"),
      ]),
      // 5.1 with the tone only in the centre (and LFE): a downmix that loses the centre is silent.
      ffmpeg([
        "-f",
        "lavfi",
        "-i",
        "testsrc2=s=320x180:r=25:d=2",
        ...sine,
        "-af",
        "pan=5.1|FC=c0|LFE=c0",
        "-c:v",
        "libx264",
        "-preset",
        "ultrafast",
        "-c:a",
        "aac",
        "-shortest",
        src("surround.mp4"),
      ]),
      ...(
        [
          ["hdr.mp4", "smpte2084", "bt2020", "bt2020nc"],
          ["sdr10.mp4", "bt709", "bt709", "bt709"],
        ] as const
      ).map(([name, trc, primaries, space]) =>
        ffmpeg([
          "-f",
          "lavfi",
          "-i",
          "testsrc2=s=320x180:r=25:d=2",
          "-c:v",
          "libx264",
          "-preset",
          "ultrafast",
          "-pix_fmt",
          "yuv420p10le",
          "-color_trc",
          trc,
          "-color_primaries",
          primaries,
          "-colorspace",
          space,
          src(name),
        ]),
      ),
    ]);
    first = await run([
      "--config",
      config,
      "--out",
      out,
      ...["phone", "anamorphic", "surround", "sdr10", "hdr"].map((n) => src(`${n}.mp4`)),
    ]);
    catalog = parseCatalog(JSON.parse(await readFile(path.join(out, "catalog.json"), "utf8")));
  }, 120_000);

  it("refuses the HDR source in one line naming the cause and the fix, and encodes the rest", () => {
    expect(first.code, first.stderr).toBe(1);
    // Said on stderr, as every title's error.
    const refusal = first.stderr.split("\n").filter((l) => l.includes("hdr.mp4: is HDR"));
    expect(refusal[0]).toMatch(
      /^error: .*hdr\.mp4: is HDR \(PQ \(smpte2084\) transfer, BT\.2020 primaries\) and would look washed out as SDR: tone-map it with --tone-map/,
    );
    expect(catalog.titles.map((t) => t.id).sort()).toEqual([
      "anamorphic",
      "phone",
      "sdr10",
      "surround",
    ]);
  });

  it("makes a portrait ladder of a rotated phone video, upright", async () => {
    const t = title("phone");
    for (const r of t.renditions) expect(r.height).toBeGreaterThan(r.width);
    const top = path.join(out, t.renditions.at(-1)!.playlist);
    // Upright, the white half is the top or the bottom; squashed unrotated, both halves are grey.
    const diff = Math.abs(
      (await meanLuma(top, "iw:ih/2:0:0")) - (await meanLuma(top, "iw:ih/2:0:ih/2")),
    );
    expect(diff).toBeGreaterThan(100);
    expect(await probe(path.join(out, t.artwork.poster), "v:0", "width,height")).toEqual([
      "480",
      "720",
    ]);
    expect(t.thumbnails.height).toBeGreaterThan(t.thumbnails.width);
    expect(first.stdout).toContain(
      "phone: video rotated 90 degrees for display: encoded upright at 180x320",
    );
  });

  it("encodes anamorphic pixels square at the display aspect ratio", async () => {
    const t = title("anamorphic");
    for (const r of t.renditions) expect(r.width / r.height).toBeCloseTo(16 / 9, 1);
    const [w, h, sar] = await probe(
      path.join(out, t.renditions[0]!.playlist),
      "v:0",
      "width,height,sample_aspect_ratio",
    );
    expect(Number(w) / Number(h)).toBeCloseTo(16 / 9, 1);
    expect(sar).toBe("1:1");
  });

  it("downmixes 5.1 to stereo keeping the centre, and says so", async () => {
    const t = title("surround");
    expect(t.audio[0]!.channels).toBe(2);
    const playlist = path.join(out, t.audio[0]!.playlist);
    expect(await probe(playlist, "a:0", "channels")).toEqual(["2"]);
    const { stderr } = await exec("ffmpeg", [
      "-hide_banner",
      "-i",
      playlist,
      "-af",
      "pan=mono|c0=c0,volumedetect",
      "-f",
      "null",
      "-",
    ]);
    // The sine alone is -21 dB; the centre comes through both sides at -3 dB.
    expect(Number(/mean_volume: (-?[\d.]+) dB/.exec(stderr)?.[1])).toBeGreaterThan(-30);
    const line = "audio 1 (und): 6 channels (5.1) downmixed to stereo";
    expect(first.stdout).toContain(`surround: ${line}`);
    expect(await readFile(path.join(out, t.encoding.report), "utf8")).toContain(line);
  });

  it("converts 10-bit SDR to 8-bit rather than refusing it", async () => {
    const t = title("sdr10");
    const [pixFmt] = await probe(path.join(out, t.renditions[0]!.playlist), "v:0", "pix_fmt");
    expect(pixFmt).toBe("yuv420p");
  });

  it("cuts segments at the config's length", async () => {
    const playlist = await readFile(path.join(out, title("sdr10").renditions[0]!.playlist), "utf8");
    expect(playlist).toContain("#EXT-X-TARGETDURATION:1\n");
    expect(playlist.match(/#EXTINF:1\.0+,/g)?.length).toBe(2);
  });

  it("tone-maps the HDR source when asked, where this ffmpeg can", async () => {
    const { stdout: filters } = await exec("ffmpeg", ["-hide_banner", "-filters"]);
    if (!/ zscale /.test(filters) || !/ tonemap /.test(filters)) return;
    const result = await run(["--config", config, "--out", out, "--tone-map", src("hdr.mp4")]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain(
      "hdr: HDR (PQ (smpte2084) transfer, BT.2020 primaries): tone-mapped to SDR BT.709 (hable)",
    );
    const after = parseCatalog(JSON.parse(await readFile(path.join(out, "catalog.json"), "utf8")));
    const t = after.titles.find((x) => x.id === "hdr")!;
    const [pixFmt] = await probe(path.join(out, t.renditions[0]!.playlist), "v:0", "pix_fmt");
    expect(pixFmt).toBe("yuv420p");
  }, 60_000);

  it("skips an unchanged source, and encodes it again when a setting changes", async () => {
    const same = await run(["--config", config, "--out", out, src("sdr10.mp4")]);
    expect(same.stdout).toMatch(/0 encoded, 1 unchanged/);
    const changed = path.join(work, "changed.json");
    await writeFile(
      changed,
      JSON.stringify({ ...FAST_CONFIG, codecs: { h264: { preset: "superfast" } } }),
    );
    const again = await run(["--config", changed, "--out", out, src("sdr10.mp4")]);
    expect(again.stdout).toMatch(/1 encoded, 0 unchanged/);
  }, 60_000);

  it("encodes nothing on a bad config, in one line naming the field and the fix", async () => {
    const bad = path.join(work, "bad.json");
    await writeFile(bad, JSON.stringify({ ladder: { maxRungs: 40 } }));
    const fresh = path.join(work, "untouched");
    const result = await run(["--config", bad, "--out", fresh, src("sdr10.mp4")]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(
      "encode: bad.json: ladder.maxRungs must be a whole number from 2 to 12, got 40: lower it",
    );
    expect(existsSync(fresh)).toBe(false);
  });
});
