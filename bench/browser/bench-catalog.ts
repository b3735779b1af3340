/**
 * The benchmark's own catalog: one title long enough to show adaptation (96 s, 48 segments)
 * with a ladder from about 150 kbit/s to several Mbit/s at 1080p. The e2e clip tops out at
 * 360p / 714 kbit/s and the demo titles last 16 s, too short for a minute of playback. Its
 * source is the demo's signal-run recipe (a fast pan over sharp, saturated detail: every rung
 * up to 1080p is worth its bits) made longer; the project's encoder builds it, once, into
 * `.cache/bench-catalog`, and later runs find it there.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { makeDemoSource } from "../../encoder/demo/generate.ts";
import { DEMO_TITLES, type DemoTitle } from "../../encoder/demo/titles.ts";
import { detectCapabilities } from "../../encoder/ffmpeg/capabilities.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
export const BENCH_CATALOG = path.join(ROOT, ".cache/bench-catalog");
const SOURCES = path.join(ROOT, ".cache/bench-sources");
export const BENCH_TITLE_ID = "bench-signal-run";
/** 48 segments of 2 s: a one-minute session plays most of it without reaching the end. */
const DURATION_SEC = 96;

function benchTitle(): DemoTitle {
  const recipe = DEMO_TITLES.find((t) => t.id === "signal-run");
  if (!recipe) throw new Error("encoder/demo/titles.ts has no signal-run title to build on");
  return {
    ...recipe,
    id: BENCH_TITLE_ID,
    durationSec: DURATION_SEC,
    metadata: {
      ...recipe.metadata,
      info: {
        ...recipe.metadata.info,
        name: "Signal Run: Long Lap",
        synopsis: "The signal-run pan held for a minute and a half: the browser benchmark's title.",
      },
    },
  };
}

function hasTitle(catalogDir: string, id: string): boolean {
  const file = path.join(catalogDir, "catalog.json");
  if (!existsSync(file)) return false;
  const catalog = JSON.parse(readFileSync(file, "utf8")) as { titles?: { id: string }[] };
  return catalog.titles?.some((t) => t.id === id) ?? false;
}

function runEncoder(args: string[], log: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", path.join(ROOT, "encoder/cli.ts"), ...args],
      { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], env: { SVT_LOG: "1", ...process.env } },
    );
    for (const stream of [child.stdout, child.stderr]) {
      stream.setEncoding("utf8");
      stream.on("data", (chunk: string) => {
        for (const line of chunk.split(/\r?\n|\r/))
          if (line.trim() !== "") log(`  encode: ${line}`);
      });
    }
    child.once("error", reject);
    child.once("close", (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`the encoder failed (exit ${code}) building ${BENCH_CATALOG}`)),
    );
  });
}

export interface BenchCatalog {
  dir: string;
  titleId: string;
  /** Seconds it took to build now; null when it was already built. */
  builtSec: { sourceSec: number; encodeSec: number } | null;
}

/** The bench catalog, built first when missing (minutes the first time, nothing after). */
export async function ensureBenchCatalog(log: (line: string) => void): Promise<BenchCatalog> {
  if (hasTitle(BENCH_CATALOG, BENCH_TITLE_ID)) {
    return { dir: BENCH_CATALOG, titleId: BENCH_TITLE_ID, builtSec: null };
  }
  log(`bench:browser: building the bench catalog in ${path.relative(ROOT, BENCH_CATALOG)} (once)…`);
  const started = performance.now();
  const caps = await detectCapabilities();
  const source = await makeDemoSource(benchTitle(), caps, SOURCES);
  const sourced = performance.now();
  await runEncoder(["--out", BENCH_CATALOG, source], log);
  const done = performance.now();
  const builtSec = { sourceSec: (sourced - started) / 1000, encodeSec: (done - sourced) / 1000 };
  log(
    `bench:browser: bench catalog built in ${(builtSec.sourceSec + builtSec.encodeSec).toFixed(0)} s (source ${builtSec.sourceSec.toFixed(0)} s, encode ${builtSec.encodeSec.toFixed(0)} s)`,
  );
  return { dir: BENCH_CATALOG, titleId: BENCH_TITLE_ID, builtSec };
}
