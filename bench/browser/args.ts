/**
 * The browser benchmark's command line: parsed and checked in full before anything starts, so
 * a typo costs a second, not a server start-up. Every error names the cause and the fix.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { PROFILES } from "../../mock-server/shaping/profiles.ts";
import { parseTrace } from "../../mock-server/shaping/trace.ts";

export const PLAYERS = ["ours-hlsjs", "engine-hlsjs", "ours-shaka", "engine-shaka"] as const;
export type PlayerName = (typeof PLAYERS)[number];
export type EngineName = "hlsjs" | "shaka";
export type AbrMode = "ours" | "engine";

export function playerParts(name: PlayerName): { engine: EngineName; abr: AbrMode } {
  const [abr, engine] = name.split("-") as [AbrMode, EngineName];
  return { engine, abr };
}

/** The network every appliance is shaped to for a run: a named profile or an uploaded trace. */
export type Scenario =
  | { kind: "profile"; name: string }
  | { kind: "trace"; name: string; file: string; text: string; meanMbps: number };

export interface BenchOptions {
  scenarios: Scenario[];
  /** null: the catalog's longest title. */
  title: string | null;
  /** Media seconds to play per run; null: the title's length, at most 50 s. */
  durationSec: number | null;
  players: PlayerName[];
  repeat: number;
  /** Added time to first byte on every appliance; null: the profile's own (0 for traces). */
  latencyMs: number | null;
  out: string;
  /** null: the e2e catalog, built by `scripts/demo.ts --e2e` if missing. */
  catalog: string | null;
  help: boolean;
}

/** Used when neither --traces nor --profile is given: generated, so it works on any clone. */
export const DEFAULT_PROFILE = "fluctuating";
/** The admin API's body limit for a trace (src/schemas/admin.ts). */
const MAX_TRACE_CHARS = 5_000_000;

export class BenchArgError extends Error {
  override name = "BenchArgError";
}

export const USAGE = `npm run bench:browser -- [options]

Plays one title in the system Chromium once per player, every appliance shaped alike, and
compares QoE side by side (ratios: our controller / the engine's own ABR).

  --traces <file|folder>[,...]  Pensieve ("<seconds> <Mbit/s>") or mahimahi traces; repeatable
  --profile <name>              a shaping profile instead: ${Object.keys(PROFILES).join(", ")}
                                (default without either: ${DEFAULT_PROFILE})
  --title <id>                  title id (default: the catalog's longest)
  --duration <s>                media seconds per run (default: the title's length, at most 50)
  --players <list>              comma-separated, default ${PLAYERS.join(",")}
  --repeat <n>                  runs per player and network (default 1)
  --latency <ms>                added time to first byte on every appliance
  --catalog <dir>               serve this catalog (e.g. ./catalog, the demo's) instead of the e2e one
  --out <file.json>             default .cache/bench/browser-<timestamp>.json
  --help`;

function splitList(values: string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter((v) => v !== "");
}

function positiveNumber(raw: string | undefined, option: string, integer: boolean): number | null {
  if (raw === undefined) return null;
  const value = Number(raw);
  const ok = raw.trim() !== "" && Number.isFinite(value) && value > 0;
  if (!ok || (integer && !Number.isInteger(value))) {
    const kind = integer ? "a whole number of at least 1" : "a number greater than 0";
    throw new BenchArgError(`${option} must be ${kind}, got "${raw}"`);
  }
  return value;
}

/** Trace files named on the command line: a folder gives its regular, non-hidden files, sorted. */
export function traceFiles(entries: string[], cwd: string): string[] {
  const files: string[] = [];
  for (const entry of entries) {
    const full = path.resolve(cwd, entry);
    if (!existsSync(full)) {
      throw new BenchArgError(
        `--traces: no such file or folder "${entry}": give a trace file (Pensieve "<seconds> <Mbit/s>" lines or mahimahi ms lines) or a folder of them`,
      );
    }
    if (statSync(full).isDirectory()) {
      const inside = readdirSync(full, { withFileTypes: true })
        .filter((e) => e.isFile() && !e.name.startsWith("."))
        .map((e) => path.join(full, e.name))
        .sort();
      if (inside.length === 0)
        throw new BenchArgError(
          `--traces: folder "${entry}" holds no trace files: put traces in it or name files`,
        );
      files.push(...inside);
    } else files.push(full);
  }
  return files;
}

/** Reads and parses one trace here, so a bad line is reported before any server starts. */
export function loadTraceScenario(file: string, cwd: string): Scenario {
  const text = readFileSync(file, "utf8");
  const shown = path.relative(cwd, file) || file;
  if (text.length > MAX_TRACE_CHARS) {
    throw new BenchArgError(
      `--traces: ${shown} is ${text.length} characters, over the admin API's ${MAX_TRACE_CHARS}: cut it shorter`,
    );
  }
  try {
    const trace = parseTrace(text);
    const bits = trace.samples.reduce((sum, s, i) => {
      const end = trace.samples[i + 1]?.atSec ?? trace.durationSec;
      return sum + s.mbps * (end - s.atSec);
    }, 0);
    // Folder and file name: "fcc/trace_1" reads better in a table than a full path.
    const name = `${path.basename(path.dirname(file))}/${path.basename(file).replace(/\.[^.]+$/, "")}`;
    return { kind: "trace", name, file, text, meanMbps: bits / trace.durationSec };
  } catch (error) {
    throw new BenchArgError(
      `--traces: ${shown} is not a trace: ${(error as Error).message}; fix the file (Pensieve "<seconds> <Mbit/s>" or mahimahi "<ms>" per line) or leave it out`,
    );
  }
}

export function timestampName(now: Date): string {
  return now.toISOString().replace(/\..*$/, "").replace(/:/g, "-");
}

export function parseBenchArgs(argv: string[], cwd: string, now = new Date()): BenchOptions {
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse(argv).values;
  } catch (error) {
    throw new BenchArgError(`${(error as Error).message} (see --help)`);
  }
  const out = path.resolve(cwd, values.out ?? `.cache/bench/browser-${timestampName(now)}.json`);
  if (values.help) {
    return {
      scenarios: [],
      title: null,
      durationSec: null,
      players: [...PLAYERS],
      repeat: 1,
      latencyMs: null,
      out,
      catalog: null,
      help: true,
    };
  }

  const players = splitList(values.players);
  for (const p of players) {
    if (!(PLAYERS as readonly string[]).includes(p)) {
      throw new BenchArgError(
        `--players: unknown player "${p}": choose from ${PLAYERS.join(", ")} (comma-separated)`,
      );
    }
  }
  const chosen = (players.length > 0 ? [...new Set(players)] : [...PLAYERS]) as PlayerName[];

  const traceEntries = splitList(values.traces);
  if (traceEntries.length > 0 && values.profile !== undefined) {
    throw new BenchArgError("give --traces or --profile, not both: run the bench once for each");
  }
  let scenarios: Scenario[];
  if (traceEntries.length > 0) {
    scenarios = traceFiles(traceEntries, cwd).map((f) => loadTraceScenario(f, cwd));
  } else {
    const name = values.profile ?? DEFAULT_PROFILE;
    if (!(name in PROFILES)) {
      throw new BenchArgError(
        `--profile: unknown shaping profile "${name}": choose one of ${Object.keys(PROFILES).join(", ")}, or give --traces for a trace file`,
      );
    }
    scenarios = [{ kind: "profile", name }];
  }

  const title = values.title ?? null;
  if (title !== null && !/^[a-z0-9][a-z0-9-]*$/.test(title)) {
    throw new BenchArgError(
      `--title: "${title}" is not a title id (lower-case letters, digits, dashes)`,
    );
  }

  let catalog: string | null = null;
  if (values.catalog !== undefined) {
    catalog = path.resolve(cwd, values.catalog);
    if (!existsSync(path.join(catalog, "catalog.json"))) {
      throw new BenchArgError(
        `--catalog: no catalog.json in "${values.catalog}": build it first with npm run encode -- --out ${values.catalog}`,
      );
    }
  }

  const latencyRaw = values.latency;
  let latencyMs: number | null = null;
  if (latencyRaw !== undefined) {
    latencyMs = Number(latencyRaw);
    if (latencyRaw.trim() === "" || !Number.isInteger(latencyMs) || latencyMs < 0) {
      throw new BenchArgError(
        `--latency must be a whole number of ms, 0 or more, got "${latencyRaw}"`,
      );
    }
  }

  return {
    scenarios,
    title,
    durationSec: positiveNumber(values.duration, "--duration", false),
    players: chosen,
    repeat: positiveNumber(values.repeat, "--repeat", true) ?? 1,
    latencyMs,
    out,
    catalog,
    help: false,
  };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      traces: { type: "string", multiple: true },
      profile: { type: "string" },
      title: { type: "string" },
      duration: { type: "string" },
      players: { type: "string", multiple: true },
      repeat: { type: "string" },
      latency: { type: "string" },
      catalog: { type: "string" },
      out: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}
