/**
 * The browser benchmark's command line: parsed and checked in full before anything starts, so
 * a typo costs a second, not a server start-up. Every error names the cause and the fix.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { PROFILES } from "../../mock-server/shaping/profiles.ts";
import { argErrorLine } from "../../scripts/cli.ts";
import { harshSet, ScenarioError, type ScenarioSet, sample, traceSets } from "./scenarios.ts";

export const PLAYERS = ["ours-hlsjs", "engine-hlsjs", "ours-shaka", "engine-shaka"] as const;
export type PlayerName = (typeof PLAYERS)[number];
export type EngineName = "hlsjs" | "shaka";
export type AbrMode = "ours" | "engine";

export function playerParts(name: PlayerName): { engine: EngineName; abr: AbrMode } {
  const [abr, engine] = name.split("-") as [AbrMode, EngineName];
  return { engine, abr };
}

export interface WindowSize {
  width: number;
  height: number;
}

export interface BenchOptions {
  sets: ScenarioSet[];
  /** null: the bench catalog's title, or with --catalog the catalog's longest. */
  title: string | null;
  /** null: the bench catalog (.cache/bench-catalog, built when missing). */
  catalog: string | null;
  /** Wall seconds per run, from the navigation. */
  durationSec: number;
  window: WindowSize;
  players: PlayerName[];
  repeat: number;
  /** Added time to first byte on every appliance; null: the profile's own (0 for traces). */
  latencyMs: number | null;
  /** null: the first free of the usual offsets. */
  portOffset: number | null;
  out: string;
  help: boolean;
}

/** Used when no network is given: generated, so it works on any clone. */
export const DEFAULT_PROFILE = "fluctuating";
/** A one-minute session, as a viewer who gives a title a minute. */
export const DEFAULT_DURATION_SEC = 60;
export const DEFAULT_WINDOW: WindowSize = { width: 1280, height: 720 };

export class BenchArgError extends Error {
  override name = "BenchArgError";
}

export const USAGE = `Usage: npm run bench:browser -- [options]

Plays one title in the system Chromium once per player (our controller in our app, and each
engine's stock build with its own ABR in a bare page), every appliance shaped alike, measures
every player the same way from outside, and compares QoE side by side (ours / engine's own).

Networks (one table per set, then all sets):
  --traces <file|folder>[,...]  Pensieve or mahimahi traces; a folder is a set, a folder of
                                folders one set each; repeatable
  --sample <n>                  play n traces of each set, picked by --seed
  --harsh <n>                   n generated harsh traces (seeds --seed, --seed + 1, …)
  --seed <n>                    seed for --sample and --harsh (default 1)
  --profile <name>              a shaping profile: ${Object.keys(PROFILES).join(", ")}
                                (default without any network: ${DEFAULT_PROFILE})
Runs:
  --duration <s>                wall seconds per run from the navigation (default ${DEFAULT_DURATION_SEC})
  --window <WxH>                browser viewport (default ${DEFAULT_WINDOW.width}x${DEFAULT_WINDOW.height})
  --players <list>              comma-separated, default ${PLAYERS.join(",")}
  --repeat <n>                  runs per player and network (default 1)
  --latency <ms>                added time to first byte on every appliance
Content and servers:
  --catalog <dir>               serve this catalog instead of the bench catalog (.cache/bench-catalog)
  --title <id>                  title id (default: the bench title, or the catalog's longest)
  --port-offset <n>             run the servers this far above the demo's ports (default: the
                                first free of 10000, 20000, 30000, 40000)
  --out <file.json>             default .cache/bench/browser-<timestamp>.json
  --help`;

function splitList(values: string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter((v) => v !== "");
}

/** A number from an option, checked: whole or not, and the smallest allowed. */
function numberOption(
  raw: string | undefined,
  option: string,
  { integer, min }: { integer: boolean; min: number },
): number | null {
  if (raw === undefined) return null;
  const value = Number(raw);
  const ok = raw.trim() !== "" && Number.isFinite(value) && value >= min;
  if (!ok || (integer && !Number.isInteger(value))) {
    const kind = integer ? `a whole number of at least ${min}` : `a number of at least ${min}`;
    throw new BenchArgError(`${option} must be ${kind}, got "${raw}"`);
  }
  return value;
}

export function parseWindow(raw: string): WindowSize {
  const match = /^(\d+)x(\d+)$/.exec(raw.trim());
  const width = Number(match?.[1]);
  const height = Number(match?.[2]);
  if (!match || width < 320 || height < 180 || width > 7680 || height > 4320) {
    throw new BenchArgError(
      `--window must be WIDTHxHEIGHT in pixels, from 320x180 to 7680x4320 (e.g. 1280x720), got "${raw}"`,
    );
  }
  return { width, height };
}

export function timestampName(now: Date): string {
  return now.toISOString().replace(/\..*$/, "").replace(/:/g, "-");
}

function chosenPlayers(values: string[] | undefined): PlayerName[] {
  const players = splitList(values);
  for (const p of players) {
    if (!(PLAYERS as readonly string[]).includes(p)) {
      throw new BenchArgError(
        `--players: unknown player "${p}": choose from ${PLAYERS.join(", ")} (comma-separated)`,
      );
    }
  }
  return (players.length > 0 ? [...new Set(players)] : [...PLAYERS]) as PlayerName[];
}

type Values = ReturnType<typeof parse>["values"];

function networkSets(values: Values, cwd: string): ScenarioSet[] {
  const entries = splitList(values.traces);
  const sampleCount = numberOption(values.sample, "--sample", { integer: true, min: 1 });
  const harsh = numberOption(values.harsh, "--harsh", { integer: true, min: 1 });
  const seed = numberOption(values.seed, "--seed", { integer: true, min: 0 }) ?? 1;
  if (sampleCount !== null && entries.length === 0) {
    throw new BenchArgError("--sample picks traces from --traces sets: give --traces too");
  }
  if (values.seed !== undefined && sampleCount === null && harsh === null) {
    throw new BenchArgError("--seed only chooses --sample and --harsh traces: give one of them");
  }
  const sets: ScenarioSet[] = [];
  try {
    for (const set of traceSets(entries, cwd)) {
      const scenarios =
        sampleCount === null ? set.scenarios : sample(set.scenarios, sampleCount, seed);
      sets.push({ name: set.name, scenarios });
    }
  } catch (error) {
    if (error instanceof ScenarioError) throw new BenchArgError(error.message);
    throw error;
  }
  if (harsh !== null) sets.push(harshSet(harsh, seed));
  if (values.profile !== undefined || sets.length === 0) {
    const name = values.profile ?? DEFAULT_PROFILE;
    if (!(name in PROFILES)) {
      throw new BenchArgError(
        `--profile: unknown shaping profile "${name}": choose one of ${Object.keys(PROFILES).join(", ")}, or give --traces or --harsh`,
      );
    }
    sets.push({ name: `profile ${name}`, scenarios: [{ kind: "profile", name }] });
  }
  return sets;
}

export function parseBenchArgs(argv: string[], cwd: string, now = new Date()): BenchOptions {
  let values: Values;
  try {
    values = parse(argv).values;
  } catch (error) {
    throw new BenchArgError(argErrorLine(error));
  }
  const out = path.resolve(cwd, values.out ?? `.cache/bench/browser-${timestampName(now)}.json`);
  const help = values.help ?? false;

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
        `--catalog: no catalog.json in "${values.catalog}": build it first with npm run encode -- --out ${values.catalog}, or leave --catalog out for the bench catalog`,
      );
    }
  }
  const portOffset = numberOption(values["port-offset"], "--port-offset", {
    integer: true,
    min: 0,
  });
  if (portOffset !== null && portOffset > 50_000) {
    throw new BenchArgError(
      `--port-offset must be at most 50000 (ports stop at 65535), got ${portOffset}`,
    );
  }

  return {
    sets: help ? [] : networkSets(values, cwd),
    title,
    catalog,
    durationSec:
      numberOption(values.duration, "--duration", { integer: false, min: 5 }) ??
      DEFAULT_DURATION_SEC,
    window: values.window === undefined ? DEFAULT_WINDOW : parseWindow(values.window),
    players: chosenPlayers(values.players),
    repeat: numberOption(values.repeat, "--repeat", { integer: true, min: 1 }) ?? 1,
    latencyMs: numberOption(values.latency, "--latency", { integer: true, min: 0 }),
    portOffset,
    out,
    help,
  };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      traces: { type: "string", multiple: true },
      sample: { type: "string" },
      harsh: { type: "string" },
      seed: { type: "string" },
      profile: { type: "string" },
      duration: { type: "string" },
      window: { type: "string" },
      players: { type: "string", multiple: true },
      repeat: { type: "string" },
      latency: { type: "string" },
      catalog: { type: "string" },
      title: { type: "string" },
      "port-offset": { type: "string" },
      out: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}
