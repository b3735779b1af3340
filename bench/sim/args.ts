/** Command line of `npm run bench:abr`: parsed and checked before any work starts. */
import path from "node:path";
import { parseArgs } from "node:util";
import { argErrorLine } from "../../scripts/cli.ts";

export const USAGE = `Usage: npm run bench:abr -- (--traces DIR | --session FILE) [options]

Trace-driven ABR simulator: our controller, BBA, BOLA, RobustMPC and an hls.js-style
throughput rule on every trace of DIR, against the offline optimum. See bench/README.md.

  --traces DIR       folder of traces (Pensieve "<seconds> <Mbit/s>" or mahimahi "<ms>"),
                     or a folder of such folders (one trace set each), e.g. ../shared/traces
  --session FILE     a session exported from the player (stats overlay, "Export session"):
                     its measured throughput replayed as the link, on its title's ladder
                     when the catalog has it
  --catalog DIR      read the ladder of a catalog title (default ./catalog or $CATALOG_DIR
                     when --title is given)
  --title ID         the catalog title (default: the catalog's first title)
  --ladder FILE      a ladder file instead (JSON; see bench/sim/ladder.example.json)
                     without --catalog, --title or --ladder: the built-in Pensieve ladder
  --out DIR          where results.json, report.md, report.html and the SVGs go
                     (default .cache/bench/abr)
  --buffer-cap SEC   buffer cap (default 30, hls.js's maxBufferLength)
  --rtt-ms MS        round-trip time per request (default 80, as Pensieve's simulator)
  --jobs N           worker threads (default 2)
  --help`;

export class ArgError extends Error {}

export interface SimArgs {
  /** A folder of traces, or (exactly one of the two) a session export to replay. */
  traces: string | null;
  session: string | null;
  ladder:
    | { kind: "default" }
    | { kind: "file"; file: string }
    | { kind: "catalog"; dir: string; title: string | null };
  out: string;
  bufferCapSec: number;
  rttSec: number;
  jobs: number;
  help: boolean;
}

function positive(name: string, value: string | undefined, fallback: number, integer = false) {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new ArgError(
      `${name}: expected a positive ${integer ? "integer" : "number"}, got "${value}"`,
    );
  }
  return n;
}

export function parseSimArgs(
  argv: string[],
  cwd = process.cwd(),
  env: NodeJS.ProcessEnv = process.env,
): SimArgs {
  let values: ReturnType<typeof parse>["values"];
  try {
    values = parse(argv).values;
  } catch (error) {
    throw new ArgError(argErrorLine(error));
  }
  const help = values.help === true;
  if (help) {
    return {
      traces: null,
      session: null,
      ladder: { kind: "default" },
      out: "",
      bufferCapSec: 30,
      rttSec: 0.08,
      jobs: 1,
      help,
    };
  }
  if (!values.traces === !values.session) {
    throw new ArgError(
      "give --traces DIR (e.g. --traces ../shared/traces/fcc) or --session FILE (a player's export), one of them",
    );
  }
  if (values.ladder && (values.catalog || values.title)) {
    throw new ArgError(
      "--ladder replaces the catalog's ladder: give --ladder or --catalog/--title, not both",
    );
  }
  const ladder: SimArgs["ladder"] = values.ladder
    ? { kind: "file", file: path.resolve(cwd, values.ladder) }
    : values.catalog || values.title
      ? {
          kind: "catalog",
          dir: path.resolve(cwd, values.catalog ?? env.CATALOG_DIR ?? "catalog"),
          title: values.title ?? null,
        }
      : { kind: "default" };
  const bufferCapSec = positive("--buffer-cap", values["buffer-cap"], 30);
  return {
    traces: values.traces ? path.resolve(cwd, values.traces) : null,
    session: values.session ? path.resolve(cwd, values.session) : null,
    ladder,
    out: path.resolve(cwd, values.out ?? ".cache/bench/abr"),
    bufferCapSec,
    rttSec: positive("--rtt-ms", values["rtt-ms"], 80) / 1000,
    jobs: positive("--jobs", values.jobs, 2, true),
    help,
  };
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    options: {
      traces: { type: "string" },
      session: { type: "string" },
      catalog: { type: "string" },
      title: { type: "string" },
      ladder: { type: "string" },
      out: { type: "string" },
      "buffer-cap": { type: "string" },
      "rtt-ms": { type: "string" },
      jobs: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    allowPositionals: false,
    strict: true,
  });
}
