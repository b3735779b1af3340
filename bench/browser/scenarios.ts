/**
 * The networks a benchmark plays over, grouped into sets that are reported apart: trace files
 * and folders (a folder of traces is one set, a folder of folders one set each, as in the
 * simulator; files named alone join the set of their folder), generated harsh traces, or a
 * shaping profile. Everything is read and parsed here, before any server starts.
 */
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { seededRandom } from "../../mock-server/shaping/random.ts";
import {
  formatPensieveTrace,
  meanBitsPerSecond,
  parseTrace,
  type ThroughputTrace,
} from "../../mock-server/shaping/trace.ts";
import { loadTraceSets, TraceError } from "../sim/traces.ts";
import { generateTraces } from "../traces/generate.ts";

/** The network every appliance is shaped to for a run: an uploaded trace or a named profile. */
export type Scenario =
  | { kind: "trace"; name: string; source: string; text: string; meanMbps: number }
  | { kind: "profile"; name: string };

export interface ScenarioSet {
  name: string;
  scenarios: Scenario[];
}

/** The admin API's body limit for a trace (src/schemas/admin.ts). */
const MAX_TRACE_CHARS = 5_000_000;

export class ScenarioError extends Error {
  override name = "ScenarioError";
}

function traceScenario(name: string, source: string, text: string, trace: ThroughputTrace) {
  if (text.length > MAX_TRACE_CHARS) {
    throw new ScenarioError(
      `--traces: ${source} is ${text.length} characters, over the admin API's ${MAX_TRACE_CHARS}: cut it shorter`,
    );
  }
  const meanMbps = meanBitsPerSecond(trace) / 1e6;
  return { kind: "trace" as const, name, source, text, meanMbps };
}

const stem = (file: string) => path.basename(file).replace(/\.[^.]+$/, "");

function readTraceFile(file: string, shown: string): Scenario {
  const text = readFileSync(file, "utf8");
  let trace: ThroughputTrace;
  try {
    trace = parseTrace(text);
  } catch (error) {
    throw new ScenarioError(
      `--traces: ${shown} is not a trace: ${(error as Error).message}; fix the file (Pensieve "<seconds> <Mbit/s>" or mahimahi "<ms>" per line) or leave it out`,
    );
  }
  return traceScenario(stem(file), shown, text, trace);
}

/** `--traces` entries as sets, in the order given; entries naming the same set are merged. */
export function traceSets(entries: string[], cwd: string): ScenarioSet[] {
  const sets: ScenarioSet[] = [];
  const add = (name: string, scenarios: Scenario[]) => {
    const existing = sets.find((s) => s.name === name);
    if (existing) existing.scenarios.push(...scenarios);
    else sets.push({ name, scenarios });
  };
  for (const entry of entries) {
    const full = path.resolve(cwd, entry);
    let isDir: boolean;
    try {
      isDir = statSync(full).isDirectory();
    } catch {
      throw new ScenarioError(
        `--traces: no such file or folder "${entry}": give a trace file (Pensieve "<seconds> <Mbit/s>" lines or mahimahi ms lines) or a folder of them`,
      );
    }
    if (!isDir) {
      add(path.basename(path.dirname(full)), [readTraceFile(full, entry)]);
      continue;
    }
    try {
      for (const set of loadTraceSets(full)) {
        const scenarios = set.traces.map((t) =>
          traceScenario(stem(t.name), t.file, readFileSync(t.file, "utf8"), t.trace),
        );
        add(set.name, scenarios);
      }
    } catch (error) {
      if (error instanceof TraceError) throw new ScenarioError(error.message);
      throw error;
    }
  }
  return sets;
}

/** `count` of `items` picked by a seeded shuffle, kept in their original order. */
export function sample<T>(items: readonly T[], count: number, seed: number): T[] {
  if (count >= items.length) return [...items];
  const random = seededRandom(seed);
  const order = items.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order
    .slice(0, count)
    .sort((a, b) => a - b)
    .map((i) => items[i]!);
}

/** `count` harsh traces from consecutive seeds (bench/traces/generate.ts), as one set. */
export function harshSet(count: number, seed: number): ScenarioSet {
  const scenarios = generateTraces("harsh", count, seed).map(({ name, trace }) =>
    traceScenario(name, `generated (${name})`, formatPensieveTrace(trace), trace),
  );
  return { name: "harsh", scenarios };
}
