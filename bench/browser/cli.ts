/**
 * `npm run bench:browser`: the same title in the system Chromium once per player (our
 * controller and each engine's own ABR, in hls.js and shaka-player), every appliance shaped to
 * the same network, QoE side by side. See bench/README.md.
 */
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { type Browser, chromium } from "@playwright/test";
import Table from "cli-table3";
import playwrightConfig, { CHROMIUM_PATH } from "../../playwright.config.ts";
import { Catalog } from "../../src/schemas/catalog.ts";
import { BenchArgError, type BenchOptions, parseBenchArgs, USAGE } from "./args.ts";
import { Admin, runOnce, type TitleInfo, warmUp } from "./run.ts";
import { type Servers, startServers } from "./servers.ts";
import { type RunResult, summarize, tableCells } from "./summary.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
/** Longest the default run plays: with about 15 s around each run, four players on three
 * networks stay under 15 minutes. */
const DEFAULT_MAX_SEC = 50;
/** Page load, menus, reset and fill around each run's playing time (measured: about 5 s). */
const OVERHEAD_PER_RUN_SEC = 8;

const log = (line: string) => process.stderr.write(`${line}\n`);

function fail(message: string, code = 2): never {
  log(`bench:browser: ${message}`);
  process.exit(code);
}

async function fetchTitles(originUrl: string): Promise<TitleInfo[]> {
  const response = await fetch(`${originUrl}/catalog.json`);
  if (!response.ok) throw new Error(`catalog: ${response.status} from ${originUrl}/catalog.json`);
  const catalog = Catalog.parse(await response.json());
  return catalog.titles.map((t) => ({ id: t.id, name: t.name, durationSec: t.durationSec }));
}

function pickTitle(titles: TitleInfo[], id: string | null): TitleInfo {
  if (titles.length === 0) fail("the catalog has no titles: build it with npm run encode");
  // The longest: the most decisions per run (the e2e catalog's 60 s clip, not an 8 s episode).
  if (id === null) return titles.reduce((a, b) => (b.durationSec > a.durationSec ? b : a));
  const title = titles.find((t) => t.id === id);
  if (!title)
    fail(
      `--title: no title "${id}" in the catalog: choose one of ${titles.map((t) => t.id).join(", ")}`,
    );
  return title;
}

function fmtMs(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? "—" : `${Math.round(ms)} ms`;
}

function describeRun(r: RunResult): string {
  const m = r.metrics;
  const parts = m
    ? [
        `ttff ${fmtMs(m.timeToFirstFrameMs)}`,
        `${m.stallCount} stalls ${(m.stallMs / 1000).toFixed(2)} s`,
        `${Math.round(m.averageBitrateBps / 1000)} kbit/s`,
        `quality ${m.averageQuality.toFixed(1)}`,
        `${m.switches} switches`,
        `QoE_q ${m.qualityQoe.toFixed(1)}`,
      ]
    : [];
  if (m && !r.renditionReported)
    parts.push("the player never reported its rendition: bitrate and quality left out");
  if (!r.complete)
    parts.push(`played ${r.mediaSec.toFixed(1)} s (cut, ${r.status ?? "no status"})`);
  if (typeof r.shapedShare === "number" && r.shapedShare < 1) {
    const bypassed = Math.round((1 - r.shapedShare) * 100);
    parts.push(`UNSHAPED: ${bypassed}% of segment requests bypassed the appliances`);
  }
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

  log("bench:browser: starting the servers (scripts/demo.ts)…");
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
    servers = await startServers(options.catalog, log);
    log(`bench:browser: app ${servers.appUrl}, admin ${servers.adminUrl}`);
    const title = pickTitle(await fetchTitles(servers.originUrl), options.title);
    const durationSec = options.durationSec ?? Math.min(title.durationSec, DEFAULT_MAX_SEC);
    const admin = new Admin(servers.adminUrl);
    const appliances = await admin.appliances();
    const applianceIds = appliances.map((a) => a.id);
    const applianceHosts = appliances.map((a) => a.host);

    const total = options.scenarios.length * options.repeat * options.players.length;
    const estimateMin = (total * (durationSec + OVERHEAD_PER_RUN_SEC)) / 60;
    log(
      `bench:browser: ${title.id} (${title.durationSec} s), ${durationSec} s per run, ${total} runs, about ${estimateMin.toFixed(0)} min`,
    );

    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args });
    const startedAt = new Date();
    log("bench:browser: warm-up (unmeasured): both engines once");
    await admin.reset();
    await warmUp(browser, servers.appUrl, title);

    const results: RunResult[] = [];
    for (const scenario of options.scenarios) {
      for (let repeat = 1; repeat <= options.repeat; repeat++) {
        // Players interleaved within a repeat, so slow drift on the machine hits all alike.
        for (const player of options.players) {
          const result = await runOnce({
            browser,
            appUrl: servers.appUrl,
            admin,
            applianceIds,
            applianceHosts,
            title,
            scenario,
            latencyMs: options.latencyMs,
            player,
            repeat,
            durationSec,
          });
          results.push(result);
          log(
            `[${results.length}/${total}] ${scenario.name} #${repeat} ${player}: ${describeRun(result)}`,
          );
        }
      }
    }
    await admin.reset();

    const summaries = summarize(
      results,
      options.players,
      options.scenarios.map((s) => s.name),
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
      servers: { app: servers.appUrl, admin: servers.adminUrl, portOffset: servers.portOffset },
      title,
      durationSec,
      repeat: options.repeat,
      players: options.players,
      latencyMs: options.latencyMs,
      scenarios: options.scenarios.map((s) =>
        s.kind === "profile"
          ? s
          : { kind: s.kind, name: s.name, file: s.file, meanMbps: s.meanMbps },
      ),
      runs: results,
      summaries: summaries.map((s) => ({
        scenario: s.scenario,
        players: s.players,
        runs: s.runs,
        shapedShare: Object.fromEntries(s.players.map((p, i) => [p, s.shaped[i] ?? null])),
        rows: s.rows.map((r) => ({
          metric: r.metric.key,
          better: r.metric.better,
          values: Object.fromEntries(s.players.map((p, i) => [p, r.values[i] ?? null])),
          oursOverEngine: Object.fromEntries(s.pairs.map((e, i) => [e, r.ratios[i] ?? null])),
        })),
      })),
    };
    await mkdir(path.dirname(options.out), { recursive: true });
    await writeFile(options.out, `${JSON.stringify(report, null, 2)}\n`);
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
  if (error instanceof BenchArgError) fail(error.message);
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
