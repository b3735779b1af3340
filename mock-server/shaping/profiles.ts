/**
 * Named shaping profiles for demos, all generated here (no trace files shipped), plus a loader
 * that turns any folder of Pensieve or mahimahi traces into more profiles.
 */
import { readdir, readFile } from "node:fs/promises";
import { basename, extname, join } from "node:path";
import { HARSH_DEFAULT_SEED, harshTrace } from "./harsh.ts";
import { seededRandom } from "./random.ts";
import { describeRate, type RateSpec, type ShapingSpec } from "./rate.ts";
import { parseTrace, type ThroughputTrace } from "./trace.ts";

export interface Profile {
  description: string;
  spec: ShapingSpec;
}

/** A trace from consecutive steps, each held for `seconds`; loops after the last. */
export function stepTrace(steps: { seconds: number; mbps: number }[]): ThroughputTrace {
  const samples: ThroughputTrace["samples"] = [];
  let atSec = 0;
  for (const step of steps) {
    samples.push({ atSec, mbps: step.mbps });
    atSec += step.seconds;
  }
  return { samples, durationSec: atSec };
}

/** Fluctuating link: a new rate every second, log-uniform in [0.5, 6] Mbit/s, looping after 2 min. */
const FLUCTUATING_SEED = 20_261_123; // any fixed seed; this one is the date the trace was designed
const FLUCTUATING_SECONDS = 120;
const FLUCTUATING_MIN_MBPS = 0.5;
const FLUCTUATING_MAX_MBPS = 6;

export function fluctuatingTrace(seed = FLUCTUATING_SEED): ThroughputTrace {
  const random = seededRandom(seed);
  const ratio = FLUCTUATING_MAX_MBPS / FLUCTUATING_MIN_MBPS;
  const steps = Array.from({ length: FLUCTUATING_SECONDS }, () => ({
    seconds: 1,
    // Log-uniform: as many steps between 0.5 and 1 Mbit/s as between 3 and 6, like real links.
    mbps: Math.round(FLUCTUATING_MIN_MBPS * ratio ** random() * 1000) / 1000,
  }));
  return stepTrace(steps);
}

function constant(mbps: number, latencyMs: number): ShapingSpec {
  return { rate: { kind: "constant", bitsPerSecond: mbps * 1e6 }, latencyMs };
}

function traced(name: string, trace: ThroughputTrace, latencyMs: number): ShapingSpec {
  return { rate: { kind: "trace", trace, name }, latencyMs };
}

/** Rates and latencies are typical figures for each access type, not measurements. */
export const PROFILES: Record<string, Profile> = {
  unlimited: {
    description: "No shaping: as fast as loopback goes",
    spec: { rate: { kind: "unlimited" }, latencyMs: 0 },
  },
  "3g": { description: "3G (HSPA): 1.6 Mbit/s, 150 ms latency", spec: constant(1.6, 150) },
  "4g": { description: "4G (LTE): 12 Mbit/s, 60 ms latency", spec: constant(12, 60) },
  cable: { description: "Cable broadband: 25 Mbit/s, 20 ms latency", spec: constant(25, 20) },
  fibre: { description: "Fibre: 100 Mbit/s, 5 ms latency", spec: constant(100, 5) },
  drop: {
    description:
      "Step down and back: 5 Mbit/s for 20 s, then 0.8 Mbit/s for 20 s, repeating; 40 ms latency",
    spec: traced(
      "drop",
      stepTrace([
        { seconds: 20, mbps: 5 },
        { seconds: 20, mbps: 0.8 },
      ]),
      40,
    ),
  },
  fluctuating: {
    description:
      "Mobile-like: a new rate every second between 0.5 and 6 Mbit/s (seeded, 2 min loop); 80 ms latency",
    spec: traced("fluctuating", fluctuatingTrace(), 80),
  },
  harsh: {
    description:
      "Harsh mobile link: mostly 0.1-1 Mbit/s, dips of several seconds near 0.1-0.2, short recoveries above 1 (seeded Markov chain, 5 min loop); 80 ms latency",
    spec: traced("harsh", harshTrace({ seed: HARSH_DEFAULT_SEED }), 80),
  },
};

/** One-line description of any spec (for profiles loaded from files and explicit requests). */
export function describeSpec(spec: ShapingSpec): string {
  return `${describeRate(spec.rate)}, ${spec.latencyMs} ms latency`;
}

/**
 * Every regular, non-hidden file in `dir` as a profile `<folder>/<file stem>` (no latency).
 * When two files share a stem (mahimahi's `x.up` and `x.down`), both keep their full name.
 * A file that is not a valid trace fails the whole load, naming the file and line.
 */
export async function loadTraceFolder(dir: string): Promise<Record<string, ShapingSpec>> {
  const folder = basename(dir.replace(/[\\/]+$/, ""));
  const entries = await readdir(dir, { withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && !e.name.startsWith("."))
    .map((e) => e.name)
    .sort();
  const stemCount = new Map<string, number>();
  for (const file of files) stemCount.set(stem(file), (stemCount.get(stem(file)) ?? 0) + 1);
  const profiles: Record<string, ShapingSpec> = {};
  for (const file of files) {
    const name = `${folder}/${stemCount.get(stem(file))! > 1 ? file : stem(file)}`;
    const trace = parseTrace(await readFile(join(dir, file), "utf8"), join(dir, file));
    const rate: RateSpec = { kind: "trace", trace, name };
    profiles[name] = { rate, latencyMs: 0 };
  }
  return profiles;
}

function stem(file: string): string {
  return extname(file) ? file.slice(0, -extname(file).length) : file;
}
