/**
 * `npm run bench:abr -- --traces DIR [...]`: the trace-driven simulator. Reads and checks
 * every input first (traces, ladder), then simulates every trace set, prints one table per set
 * and writes results.json, report.md, report.html and the SVG plots. See bench/README.md.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { type CommandLine, exitWithUsageError } from "../../scripts/cli.ts";
import type { AbrTunables } from "../../src/schemas/abr-tunables.ts";
import { ALGORITHM_NAMES } from "./algorithms/index.ts";
import { ArgError, parseSimArgs, USAGE } from "./args.ts";
import {
  defaultLadder,
  LadderError,
  ladderFromCatalog,
  ladderFromFile,
  type SimLadder,
} from "./ladder.ts";
import { cdfSvg, htmlReport, markdownTableToHtml, timelineSvg } from "./plots.ts";
import { markdownTable, median, resultsJson, summarize } from "./report.ts";
import {
  DEFAULT_SIM_CONFIG,
  OPTIMUM,
  playOne,
  type SimConfig,
  simulateSet,
  type TraceResult,
} from "./run.ts";
import { loadSessionReplay } from "./session-trace.ts";
import { loadTraceSets, TraceError, type TraceSet } from "./traces.ts";

const log = (line: string) => process.stderr.write(`${line}\n`);
const CLI: CommandLine = { name: "bench:abr", command: "npm run bench:abr --", usage: USAGE };

function fail(message: string): never {
  log(`bench:abr: ${message}`);
  process.exit(2);
}

function loadLadder(spec: ReturnType<typeof parseSimArgs>["ladder"]): SimLadder {
  if (spec.kind === "file") return ladderFromFile(spec.file);
  if (spec.kind === "catalog") return ladderFromCatalog(spec.dir, spec.title);
  return defaultLadder();
}

/**
 * A replayed session plays its own title's ladder when the catalog (--catalog, else ./catalog
 * or $CATALOG_DIR) has it and no other ladder or title was asked for; else the built-in one.
 */
function sessionLadder(spec: ReturnType<typeof parseSimArgs>["ladder"], titleId: string | null) {
  if (titleId === null || spec.kind === "file") return loadLadder(spec);
  if (spec.kind === "catalog" && spec.title !== null) return loadLadder(spec);
  const dir =
    spec.kind === "catalog" ? spec.dir : path.resolve(process.env.CATALOG_DIR ?? "catalog");
  try {
    return ladderFromCatalog(dir, titleId);
  } catch (error) {
    if (!(error instanceof LadderError)) throw error;
    log(`bench:abr: ${error.message}; replaying on the built-in ladder instead`);
    return defaultLadder();
  }
}

/** The session whose QoE_lin for our controller is the set's median: the one worth looking at. */
function medianSession(results: TraceResult[]): TraceResult {
  const m = median(results.map((r) => r.metrics.ours?.qoeLin ?? 0));
  return results.reduce((best, r) =>
    Math.abs((r.metrics.ours?.qoeLin ?? 0) - m) < Math.abs((best.metrics.ours?.qoeLin ?? 0) - m)
      ? r
      : best,
  );
}

async function main(): Promise<void> {
  let args: ReturnType<typeof parseSimArgs>;
  let sets: TraceSet[];
  let ladder: SimLadder;
  let abrTunables: AbrTunables | null = null;
  try {
    args = parseSimArgs(process.argv.slice(2));
    if (args.help) {
      process.stdout.write(`${USAGE}\n`);
      return;
    }
    if (args.session) {
      const replay = loadSessionReplay(args.session);
      sets = [replay.set];
      ladder = sessionLadder(args.ladder, replay.titleId);
      abrTunables = replay.abrTunables;
    } else {
      ladder = loadLadder(args.ladder);
      sets = loadTraceSets(args.traces ?? "");
    }
  } catch (error) {
    if (error instanceof ArgError) exitWithUsageError(CLI, error.message);
    if (error instanceof LadderError || error instanceof TraceError) fail(error.message);
    throw error;
  }
  const config: SimConfig = {
    ...DEFAULT_SIM_CONFIG,
    bufferCapSec: args.bufferCapSec,
    rttSec: args.rttSec,
    // A replayed session: our controller with the settings the viewer played with.
    ...(abrTunables ? { abrTunables } : {}),
  };
  if (abrTunables)
    log(`bench:abr: our controller with the session's settings: ${JSON.stringify(abrTunables)}`);
  const longest = Math.max(...ladder.durationsSec);
  if (config.bufferCapSec < longest) {
    fail(
      `--buffer-cap ${config.bufferCapSec} s is below a segment (${longest} s): give at least ${longest}`,
    );
  }
  const total = sets.reduce((s, set) => s + set.traces.length, 0);
  log(
    `bench:abr: ${total} traces in ${sets.length} set(s); ladder: ${ladder.source}; ` +
      `${ladder.renditions.length} renditions x ${ladder.durationsSec.length} segments; ` +
      `buffer cap ${config.bufferCapSec} s, RTT ${config.rttSec * 1000} ms, ${args.jobs} job(s)`,
  );

  const started = performance.now();
  const done: { summary: ReturnType<typeof summarize>; results: TraceResult[]; set: TraceSet }[] =
    [];
  for (const set of sets) {
    const t0 = performance.now();
    const results = await simulateSet(ladder, set.traces, config, args.jobs);
    done.push({ summary: summarize(set.name, results), results, set });
    log(
      `  ${set.name}: ${results.length} traces in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
    );
  }
  const seconds = (performance.now() - started) / 1000;

  mkdirSync(args.out, { recursive: true });
  const tables = done.map((d) => markdownTable(d.summary));
  const header = [
    `Ladder: ${ladder.source}. Buffer cap ${config.bufferCapSec} s, RTT ${config.rttSec * 1000} ms. ` +
      `"% of optimum" = median QoE over the median of the offline optimum's bound; stall ratio ` +
      `= stalled s after startup / (media s + stalled s); startup, bitrate, quality and switches are medians; abandons are means.`,
    "",
  ];
  const markdown = [...header, ...tables].join("\n");
  process.stdout.write(`\n${markdown}\n`);
  log(`bench:abr: ${total} sessions x ${ALGORITHM_NAMES.length + 1} in ${seconds.toFixed(1)} s`);

  const sections: { heading: string; html: string }[] = [];
  for (const d of done) {
    const name = d.summary.set;
    const series = (
      pick: (r: TraceResult, a: string) => number,
      opt: (r: TraceResult) => number,
    ) => [
      ...ALGORITHM_NAMES.map((a) => ({ name: a, values: d.results.map((r) => pick(r, a)) })),
      { name: `${OPTIMUM} (bound)`, values: d.results.map(opt) },
    ];
    const cdfLin = cdfSvg(
      `${name}: CDF of QoE_lin`,
      "QoE_lin per session",
      series(
        (r, a) => r.metrics[a]!.qoeLin,
        (r) => r.optimum.qoeLin,
      ),
    );
    const cdfQ = cdfSvg(
      `${name}: CDF of QoE_q`,
      "QoE_q per session (score/20)",
      series(
        (r, a) => r.metrics[a]!.qoeQuality,
        (r) => r.optimum.qoeQuality,
      ),
    );
    const pick = medianSession(d.results);
    const trace = d.set.traces.find((t) => t.name === pick.trace)!;
    const timeline = timelineSvg(
      `${name}/${pick.trace}`,
      ladder,
      [...ALGORITHM_NAMES, OPTIMUM].map((a) => ({
        name: a,
        result: playOne(ladder, trace, config, a, pick.optimum.plan),
      })),
      config.bufferCapSec,
    );
    const safe = name.replace(/[^a-zA-Z0-9_-]/g, "_");
    writeFileSync(path.join(args.out, `cdf-qoe-lin-${safe}.svg`), cdfLin);
    writeFileSync(path.join(args.out, `cdf-qoe-q-${safe}.svg`), cdfQ);
    writeFileSync(path.join(args.out, `timeline-${safe}.svg`), timeline);
    sections.push({
      heading: `${name} (${d.results.length} traces)`,
      html: `${markdownTableToHtml(markdownTable(d.summary))}\n<p>Timeline: ${pick.trace}, the session where our controller's QoE_lin is the set's median.</p>\n<div class="plots">${cdfLin}${cdfQ}${timeline}</div>`,
    });
  }
  writeFileSync(path.join(args.out, "report.md"), `${markdown}\n`);
  writeFileSync(
    path.join(args.out, "report.html"),
    htmlReport(`ABR simulator: ${args.traces ?? args.session}`, [
      { heading: "Setup", html: `<p>${header[0]}</p>` },
      ...sections,
    ]),
  );
  writeFileSync(
    path.join(args.out, "results.json"),
    `${JSON.stringify(resultsJson({ traces: args.traces ?? args.session ?? "", ladder, config, seconds }, done), null, 1)}\n`,
  );
  log(`bench:abr: wrote ${path.join(args.out, "report.html")}, report.md, results.json and SVGs`);
}

await main();
