/**
 * `npm run bench:browser`: one title in the system Chromium once per player (our controller in
 * our app, each engine's stock build with its own ABR in a bare page), every appliance shaped
 * to the same network, every player measured the same way from outside, QoE side by side per
 * set of networks and overall. See bench/README.md.
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { type Browser, chromium } from "@playwright/test";
import Table from "cli-table3";
import playwrightConfig, { CHROMIUM_PATH } from "../../playwright.config.ts";
import { exitWithUsageError } from "../../scripts/cli.ts";
import { Catalog } from "../../src/schemas/catalog.ts";
import { parseMediaPlaylist } from "../sim/ladder.ts";
import { BenchArgError, type BenchOptions, parseBenchArgs, USAGE } from "./args.ts";
import { type BenchCatalog, ensureBenchCatalog } from "./bench-catalog.ts";
import { Admin, type BenchTitle, type RunRecord, runOnce } from "./run.ts";
import { type Servers, startServers } from "./servers.ts";
import { summarize, tableCells } from "./summary.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
/** Reset, a fresh context and closing it, around each run's playing time (measured: about 1 s). */
const OVERHEAD_PER_RUN_SEC = 2;

const log = (line: string) => process.stderr.write(`${line}\n`);

function fail(message: string, code = 2): never {
  log(`bench:browser: ${message}`);
  process.exit(code);
}

/** The title to play, with its segments' lengths (from its first rendition's media playlist). */
async function loadTitle(originUrl: string, wanted: string | null): Promise<BenchTitle> {
  const response = await fetch(`${originUrl}/catalog.json`);
  if (!response.ok) throw new Error(`catalog: ${response.status} from ${originUrl}/catalog.json`);
  const { titles } = Catalog.parse(await response.json());
  if (titles.length === 0) fail("the catalog has no titles: build it with npm run encode");
  // Without --title: the longest, the most decisions per run.
  const title =
    wanted === null
      ? titles.reduce((a, b) => (b.durationSec > a.durationSec ? b : a))
      : titles.find((t) => t.id === wanted);
  if (!title) {
    fail(
      `--title: no title "${wanted}" in the catalog: choose one of ${titles.map((t) => t.id).join(", ")}`,
    );
  }
  const playlistUrl = `${originUrl}/${title.renditions[0]!.playlist}`;
  const playlist = await fetch(playlistUrl).then((r) => r.text());
  const segmentDurationsSec = parseMediaPlaylist(playlist).map((s) => s.durationSec);
  if (segmentDurationsSec.length === 0) throw new Error(`${playlistUrl} lists no segments`);
  return {
    id: title.id,
    name: title.name,
    durationSec: title.durationSec,
    renditions: title.renditions,
    segmentDurationsSec,
  };
}

const fixed = (value: number | null, digits: number, unit = "") =>
  value === null ? "—" : `${value.toFixed(digits)}${unit}`;

function describeRun(r: RunRecord): string {
  const m = r.measurement?.metrics;
  const parts = m
    ? [
        `first frame ${fixed(m.timeToFirstFrameMs === null ? null : m.timeToFirstFrameMs / 1000, 2, " s")}`,
        `${m.stallCount} stalls ${m.stallSec.toFixed(2)} s${m.stalledAtEnd ? " (STILL STALLED at the end)" : ""}`,
        `${fixed(m.averageBitrateKbps, 0, " kbit/s")}`,
        `quality ${fixed(m.averageQuality, 1)}`,
        `${m.switches} switches`,
        `QoE_lin/4s ${fixed(m.qoeLinPer4s, 2)}`,
        `QoE_q/4s ${fixed(m.qoeQPer4s, 2)}`,
        `played ${m.mediaSec.toFixed(1)} s`,
      ]
    : [];
  if (m && m.maxRequestsPerSegment > 1)
    parts.push(`a segment requested ${m.maxRequestsPerSegment}x`);
  if (m && m.abortedRequests > 0) parts.push(`${m.abortedRequests} aborted`);
  if (m && m.unknownRenditions > 0)
    parts.push(`${m.unknownRenditions} segments of unknown rendition`);
  if (m && m.pausedSec > 0.5) parts.push(`PAUSED ${m.pausedSec.toFixed(1)} s`);
  if (typeof r.shapedShare === "number" && r.shapedShare < 1) {
    const bypassed = Math.round((1 - r.shapedShare) * 100);
    parts.push(`UNSHAPED: ${bypassed}% of segment requests bypassed the appliances`);
  }
  if (r.pageErrors.length > 0)
    parts.push(`page errors: ${r.pageErrors.length} (first: ${r.pageErrors[0]})`);
  if (r.error) parts.push(`error: ${r.error}`);
  return parts.join(", ");
}

async function main(options: BenchOptions): Promise<void> {
  if (!existsSync(CHROMIUM_PATH)) {
    fail(
      `Chromium not found at ${CHROMIUM_PATH}: install it (Debian: sudo apt-get install chromium) or set CHROMIUM_PATH`,
    );
  }
  const args = playwrightConfig.use?.launchOptions?.args ?? [];
  let bench: BenchCatalog | null = null;
  if (options.catalog === null) bench = await ensureBenchCatalog(log);
  const catalogDir = options.catalog ?? bench!.dir;

  log("bench:browser: starting the network and building the app…");
  let servers: Servers | null = null;
  let browser: Browser | null = null;
  const cleanUp = async () => {
    await browser?.close().catch(() => undefined);
    await servers?.stop();
  };
  const onSignal = () => {
    void cleanUp().then(() => process.exit(130));
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);

  try {
    servers = await startServers({ catalog: catalogDir, portOffset: options.portOffset, log });
    log(
      `bench:browser: site ${servers.siteUrl} (app built in ${servers.appBuildSec.toFixed(1)} s), admin ${servers.adminUrl}, port offset ${servers.portOffset}`,
    );
    const title = await loadTitle(servers.originUrl, options.title ?? bench?.titleId ?? null);
    const admin = new Admin(servers.adminUrl);
    const appliances = await admin.appliances();

    const scenarios = options.sets.flatMap((set) => set.scenarios.map((s) => ({ set, s })));
    const total = scenarios.length * options.repeat * options.players.length;
    const estimateMin = (total * (options.durationSec + OVERHEAD_PER_RUN_SEC)) / 60;
    log(
      `bench:browser: ${title.id} (${title.durationSec} s, ${title.renditions.length} renditions), ${options.durationSec} s per run, ${total} runs, about ${estimateMin.toFixed(0)} min`,
    );

    // Filled once: refilling per run took 35 s (the ISP appliances fill about 600 files at
    // 40 ms each); every run then resets all but the caches.
    const fillStarted = performance.now();
    await admin.reset();
    await admin.fill(
      appliances.map((a) => a.id),
      title.id,
    );
    log(
      `bench:browser: title filled into every appliance in ${((performance.now() - fillStarted) / 1000).toFixed(0)} s`,
    );

    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args });
    const startedAt = new Date();
    const records: RunRecord[] = [];
    for (const { set, s: scenario } of scenarios) {
      for (let repeat = 1; repeat <= options.repeat; repeat++) {
        // Players interleaved within a trace, so slow drift on the machine hits all alike.
        for (const player of options.players) {
          const record = await runOnce({
            browser,
            siteUrl: servers.siteUrl,
            steeringUrl: servers.steeringUrl,
            admin,
            appliances,
            title,
            set: set.name,
            scenario,
            latencyMs: options.latencyMs,
            player,
            repeat,
            durationSec: options.durationSec,
            window: options.window,
          });
          records.push(record);
          log(
            `[${records.length}/${total}] ${set.name}/${scenario.name} #${repeat} ${player}: ${describeRun(record)}`,
          );
        }
      }
    }
    await admin.reset();

    const outcomes = records.map((r) => ({
      set: r.set,
      player: r.player,
      metrics: r.measurement?.metrics ?? null,
      shapedShare: r.shapedShare,
    }));
    const summaries = summarize(
      outcomes,
      options.players,
      options.sets.map((s) => s.name),
    );
    for (const summary of summaries) {
      const { head, body } = tableCells(summary);
      const table = new Table({ head, style: { head: [], border: [] } });
      table.push(...body);
      console.log(table.toString());
    }

    const report = {
      kind: "bench:browser",
      startedAt: startedAt.toISOString(),
      finishedAt: new Date().toISOString(),
      chromium: { path: CHROMIUM_PATH, version: browser.version(), args },
      servers: {
        site: servers.siteUrl,
        admin: servers.adminUrl,
        portOffset: servers.portOffset,
        appBuildSec: servers.appBuildSec,
      },
      catalog: { dir: catalogDir, builtSec: bench?.builtSec ?? null },
      title: { ...title, renditions: title.renditions.map((r) => r.id) },
      durationSec: options.durationSec,
      window: options.window,
      repeat: options.repeat,
      players: options.players,
      latencyMs: options.latencyMs,
      sets: options.sets.map((set) => ({
        name: set.name,
        scenarios: set.scenarios.map((s) =>
          s.kind === "profile" ? s : { name: s.name, source: s.source, meanMbps: s.meanMbps },
        ),
      })),
      summaries,
      runs: records,
    };
    await mkdir(path.dirname(options.out), { recursive: true });
    await writeFile(options.out, `${JSON.stringify(report)}\n`);
    log(`bench:browser: wrote ${path.relative(ROOT, options.out) || options.out}`);
  } finally {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    await cleanUp();
  }
}

let options: BenchOptions;
try {
  // npm runs scripts from the package root; INIT_CWD is where the user typed the command.
  options = parseBenchArgs(process.argv.slice(2), process.env.INIT_CWD ?? process.cwd());
} catch (error) {
  if (error instanceof BenchArgError)
    exitWithUsageError(
      { name: "bench:browser", command: "npm run bench:browser --", usage: USAGE },
      error.message,
    );
  throw error;
}
if (options.help) {
  console.log(USAGE);
} else {
  try {
    await main(options);
  } catch (error) {
    fail((error as Error).message, 1);
  }
}
