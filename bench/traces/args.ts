/**
 * `npm run bench:traces`'s command line, checked in full; every error names the cause and the fix.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { HARSH_DEFAULT_SECONDS } from "../../mock-server/shaping/harsh.ts";
import { argErrorLine } from "../../scripts/cli.ts";
import { TRACE_KINDS, type TraceKind } from "./generate.ts";

export class TracesArgError extends Error {
  override name = "TracesArgError";
}

export interface TracesOptions {
  kind: TraceKind;
  count: number;
  seed: number;
  durationSec: number;
  out: string;
  help: boolean;
}

export const USAGE = `Usage: npm run bench:traces -- --kind harsh --count 20 --seed 7 --out DIR

Writes generated throughput traces as Pensieve files (<seconds> <Mbit/s> per line), one per
seed, for npm run bench:abr -- --traces DIR and npm run bench:browser -- --traces DIR.

  --kind <name>     ${TRACE_KINDS.join(" or ")} (default harsh)
  --count <n>       how many traces (default 10)
  --seed <n>        first seed; trace i uses seed + i (default 1)
  --duration <s>    seconds per harsh trace (default ${HARSH_DEFAULT_SECONDS})
  --out <dir>       folder to write to (default .cache/traces/<kind>)
  --help`;

/** A whole number; `min` is the smallest allowed. */
export function wholeNumber(raw: string | undefined, option: string, min: number): number | null {
  if (raw === undefined) return null;
  const value = Number(raw);
  if (raw.trim() === "" || !Number.isInteger(value) || value < min) {
    throw new TracesArgError(`${option} must be a whole number of at least ${min}, got "${raw}"`);
  }
  return value;
}

export function parseTracesArgs(argv: string[], cwd: string): TracesOptions {
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse(argv).values;
  } catch (error) {
    throw new TracesArgError(argErrorLine(error));
  }
  const kind = values.kind ?? "harsh";
  if (!(TRACE_KINDS as readonly string[]).includes(kind)) {
    throw new TracesArgError(`--kind: unknown kind "${kind}": choose ${TRACE_KINDS.join(" or ")}`);
  }
  return {
    kind: kind as TraceKind,
    count: wholeNumber(values.count, "--count", 1) ?? 10,
    seed: wholeNumber(values.seed, "--seed", 0) ?? 1,
    durationSec: wholeNumber(values.duration, "--duration", 1) ?? HARSH_DEFAULT_SECONDS,
    out: path.resolve(cwd, values.out ?? `.cache/traces/${kind}`),
    help: values.help ?? false,
  };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      kind: { type: "string" },
      count: { type: "string" },
      seed: { type: "string" },
      duration: { type: "string" },
      out: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}
