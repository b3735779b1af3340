/**
 * `npm run bench:network`: a benchmark, not a test. Prints
 * 1. shaping accuracy: the rate a client measures through an appliance against the rate set,
 *    from 100 kbit/s to 50 Mbit/s, and a trace replayed second by second;
 * 2. unthrottled throughput of an appliance (cache warm) next to the origin (@fastify/static)
 *    and a plain `node:http` + `fs` static server, on the same files;
 * 3. shaped sessions under load: 50, 200 and 500 sessions at 1 Mbit/s each, every session's
 *    rate and the admin API's latency meanwhile (shaped-load.ts).
 *
 * With `--topology FILE` it makes the many-site run instead (many-sites.ts): the topology's
 * network and `--clients N` simulated clients (500 by default), `--spread-sec`, `--watch-sec`,
 * `--zipf`, `--seed`, `--appliances nginx|node`.
 *
 * `--only accuracy,throughput,load` runs some of them; `--sessions 50,200` and `--rate-mbps`
 * change the load; `--client fetch` and `--network same` measure the load another way (see
 * shaped-load.ts). Uses the demo catalog when it exists (`npm run encode`), else encodes a small
 * clip.
 */

import { spawnSync } from "node:child_process";
import { createReadStream, existsSync } from "node:fs";
import { mkdir, stat } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import autocannon from "autocannon";
import Table from "cli-table3";
import { makeTestClip } from "../../encoder/demo/test-clip.ts";
import { type CommandLine, exitWithUsageError, parseCommandLine } from "../../scripts/cli.ts";
import { PublishedCatalog } from "../catalog/store.ts";
import { applianceKindOrExit, topologyOrExit } from "../main.ts";
import { startNetwork } from "../network.ts";
import { fluctuatingTrace } from "../shaping/profiles.ts";
import { rateAt } from "../shaping/trace.ts";
import { runManySites } from "./many-sites.ts";
import { childTarget, percentile, runShapedLoad, sameProcessTarget } from "./shaped-load.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const SECTIONS = ["accuracy", "throughput", "load"] as const;
const CLI: CommandLine = {
  name: "bench:network",
  command: "npm run bench:network --",
  usage: `Usage: npm run bench:network -- [options]

A benchmark of the delivery network, not a test: shaping accuracy (100 kbit/s to 50 Mbit/s
and a trace), unthrottled throughput of an appliance beside the origin and a plain node:http
server, and shaped sessions under load with the admin API's latency. Uses the demo catalog
when it exists, else encodes a small clip. See mock-server/README.md.

Options:
  --only LIST          sections to run, comma-separated: ${SECTIONS.join(", ")} (default all)
  --catalog DIR        the catalog to serve (default ./catalog)
  --seconds N          seconds of each throughput run (default 5)
  --sessions LIST      session counts for the load, comma-separated (default 50,200,500)
  --rate-mbps N        each session's shaped rate (default 1)
  --load-seconds N     the window measured in each load, after a 2 s warm-up (default 10)
  --client http|fetch  the load's HTTP client (default http)
  --network child|same the network in a process of its own (default) or in this one

The many-site run instead (mock-server/bench/many-sites.ts), with --topology:
  --topology FILE      the network to run (e.g. mock-server/topologies/twenty-sites.json)
  --clients N          simulated clients, each playing with our ABR core (default 500)
  --spread-sec N       the window their arrivals (Poisson) spread over (default 60)
  --watch-sec N        how long each plays at most (default 30)
  --zipf S             the popularity curve's exponent over the titles (default 1)
  --seed N             the arrivals' and choices' seed (default 1)
  --appliances K       node or nginx for every appliance, over the topology's kinds
  -h, --help           show this help`,
};
const { values } = parseCommandLine(CLI, {
  catalog: { type: "string" },
  seconds: { type: "string" },
  only: { type: "string" },
  sessions: { type: "string" },
  "rate-mbps": { type: "string" },
  "load-seconds": { type: "string" },
  client: { type: "string" },
  network: { type: "string" },
  topology: { type: "string" },
  clients: { type: "string" },
  "spread-sec": { type: "string" },
  "watch-sec": { type: "string" },
  zipf: { type: "string" },
  seed: { type: "string" },
  appliances: { type: "string" },
});

if (values.topology) {
  const number = (
    name: string,
    value: string | undefined,
    fallback: number,
    min: number,
    max: number,
  ) => {
    const n = Number(value ?? fallback);
    if (!Number.isFinite(n) || n < min || n > max) {
      console.error(
        `bench:network: --${name} must be a number from ${min} to ${max}, got "${value}"`,
      );
      process.exit(2);
    }
    return n;
  };
  const options = {
    topology: await topologyOrExit(values.topology, "bench:network"),
    catalogDir:
      values.catalog ??
      (existsSync(path.join(ROOT, "catalog/catalog.json"))
        ? path.join(ROOT, "catalog")
        : path.join(ROOT, ".cache/e2e-catalog")),
    clients: number("clients", values.clients, 500, 1, 5000),
    spreadSec: number("spread-sec", values["spread-sec"], 60, 0, 3600),
    watchSec: number("watch-sec", values["watch-sec"], 30, 2, 3600),
    zipf: number("zipf", values.zipf, 1, 0, 5),
    seed: number("seed", values.seed, 1, 0, 2 ** 31),
  };
  const applianceKind = applianceKindOrExit(values.appliances, CLI);
  if (!existsSync(path.join(options.catalogDir, "catalog.json"))) {
    console.error(
      `bench:network: no catalog in ${options.catalogDir}: build one with npm start (or npm run encode), or give --catalog DIR`,
    );
    process.exit(2);
  }
  await runManySites({ ...options, ...(applianceKind ? { applianceKind } : {}) });
  process.exit(0);
}
const LOAD_SECONDS = Number(values.seconds ?? 5);
const only = (values.only ?? SECTIONS.join(",")).split(",");
for (const name of only) {
  if (!(SECTIONS as readonly string[]).includes(name))
    exitWithUsageError(CLI, `--only takes ${SECTIONS.join(", ")} (comma-separated), not "${name}"`);
}
const SESSION_COUNTS = (values.sessions ?? "50,200,500").split(",").map(Number);
const LOAD_RATE_BPS = Number(values["rate-mbps"] ?? 1) * 1e6;
/** Seconds each load runs: a warm-up (N connections opening at once), then the window measured. */
const LOAD_WARMUP_SEC = 2;
const LOAD_WINDOW_SEC = Number(values["load-seconds"] ?? 10);
const client = values.client ?? "http";
const where = values.network ?? "child";
if (
  !(LOAD_SECONDS > 0) ||
  SESSION_COUNTS.some((n) => !Number.isInteger(n) || n < 1) ||
  !(LOAD_RATE_BPS > 0) ||
  !(LOAD_WINDOW_SEC > 0) ||
  (client !== "http" && client !== "fetch") ||
  (where !== "child" && where !== "same")
) {
  exitWithUsageError(
    CLI,
    "--seconds, --rate-mbps and --load-seconds take positive numbers, --sessions whole numbers (50,200,500), --client http or fetch, --network child or same",
  );
}
const loadClient = client as "http" | "fetch";

async function catalogDir(): Promise<string> {
  const given = values.catalog ?? path.join(ROOT, "catalog");
  if (existsSync(path.join(given, "catalog.json"))) return given;
  const dir = path.join(ROOT, ".cache/bench-catalog");
  if (!existsSync(path.join(dir, "catalog.json"))) {
    const clip = path.join(ROOT, ".cache/bench-clip.mkv");
    await mkdir(path.dirname(clip), { recursive: true });
    await makeTestClip(clip, { durationSec: 20, width: 1280, height: 720 });
    spawnSync(
      process.execPath,
      ["--import", "tsx", path.join(ROOT, "encoder/cli.ts"), "--out", dir, clip],
      { stdio: "inherit" },
    );
  }
  return dir;
}
/** GET urls one after another in one session until `seconds` pass; returns per-chunk arrival times. */
async function download(urls: string[], session: string, seconds: number) {
  const arrivals: { atMs: number; bytes: number }[] = [];
  const start = performance.now();
  let i = 0;
  while (performance.now() - start < seconds * 1000) {
    const response = await fetch(urls[i++ % urls.length]!, {
      headers: { "x-session-id": session },
    });
    const reader = response.body!.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      arrivals.push({ atMs: performance.now() - start, bytes: value.length });
    }
  }
  return { arrivals, elapsedMs: performance.now() - start };
}

const catalogRoot = await catalogDir();
const published = new PublishedCatalog(catalogRoot);
const title = (await published.read()).titles[0]!;
const files = (await published.titleFiles(title.id))!.filter((f) => f.path.endsWith(".m4s"));
console.log(
  `catalog ${catalogRoot}, title ${title.id}: ${files.length} segments, ${(files.reduce((s, f) => s + f.sizeBytes, 0) / 1e6).toFixed(1)} MB\n`,
);

if (only.includes("accuracy") || only.includes("throughput")) {
  const network = await startNetwork({ catalogDir: catalogRoot, heartbeatMs: 1000 });
  const appliance = network.appliances.find((a) => a.id === "exchange-1")!;
  await network.fill(appliance, [title.id]);
  if (only.includes("accuracy")) await accuracy(network.urls.admin, appliance.baseUrl);
  if (only.includes("throughput")) {
    await throughput([
      ["appliance (exchange-1, cache warm, unshaped)", appliance.baseUrl],
      ["origin (@fastify/static)", network.urls.origin],
    ]);
  }
  await network.close();
}
if (only.includes("load")) await load();

/** 1. Shaping accuracy: constant rates, then a trace second by second. */
async function accuracy(adminUrl: string, applianceBase: string) {
  const admin = (method: string, route: string, body?: unknown) =>
    fetch(`${adminUrl}${route}`, {
      method,
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body ?? {}),
    });
  const applianceUrls = files.map((f) => `${applianceBase}${f.path}`);
  const rates = [0.1, 0.5, 1, 5, 10, 25, 50];
  const table = new Table({ head: ["set Mbit/s", "measured Mbit/s", "error", "seconds"] });
  for (const mbps of rates) {
    const session = `bench-${mbps}`;
    await admin("PUT", "admin/appliances/exchange-1/shaping", {
      bitsPerSecond: Math.round(mbps * 1e6),
      latencyMs: 0,
      session,
    });
    const { arrivals, elapsedMs } = await download(applianceUrls, session, 3);
    const bits = arrivals.reduce((s, a) => s + a.bytes * 8, 0);
    const measured = bits / (elapsedMs / 1000) / 1e6;
    table.push([
      mbps,
      measured.toFixed(3),
      `${(((measured - mbps) / mbps) * 100).toFixed(1)}%`,
      (elapsedMs / 1000).toFixed(1),
    ]);
  }
  console.log(
    "Shaping accuracy, constant rate (one session, back-to-back segment downloads for about 3 s):",
  );
  console.log(table.toString());

  const trace = fluctuatingTrace();
  const traceText = trace.samples.map((s) => `${s.atSec} ${s.mbps}`).join("\n");
  await admin("PUT", "admin/appliances/exchange-1/shaping", {
    trace: traceText,
    latencyMs: 0,
    session: "bench-trace",
  });
  const replay = await download(applianceUrls, "bench-trace", 10);
  const perSecond = new Table({ head: ["second", "trace Mbit/s", "measured Mbit/s", "error"] });
  const errors: number[] = [];
  for (let s = 0; s < 10; s++) {
    const bits = replay.arrivals
      .filter((a) => a.atMs >= s * 1000 && a.atMs < (s + 1) * 1000)
      .reduce((n, a) => n + a.bytes * 8, 0);
    const expected = rateAt(trace, s + 0.5) / 1e6;
    const measured = bits / 1e6;
    const error = ((measured - expected) / expected) * 100;
    errors.push(Math.abs(error));
    perSecond.push([s, expected.toFixed(2), measured.toFixed(2), `${error.toFixed(1)}%`]);
  }
  console.log("\nShaping accuracy, the generated 'fluctuating' trace replayed (per second):");
  console.log(perSecond.toString());
  console.log(
    `mean absolute error ${(errors.reduce((a, b) => a + b, 0) / errors.length).toFixed(1)}%, worst ${Math.max(...errors).toFixed(1)}%\n`,
  );
  await admin("DELETE", "admin/appliances/exchange-1/shaping");
}

/** 2. Unthrottled throughput next to a plain static server on the same files. */
async function throughput(servers: [name: string, base: string][]) {
  const plain = http.createServer((req, res) => {
    const file = path.join(catalogRoot, decodeURIComponent((req.url ?? "/").split("?")[0]!));
    if (!file.startsWith(path.join(catalogRoot, "titles"))) {
      res.writeHead(404).end();
      return;
    }
    stat(file).then(
      (info) => {
        res.writeHead(200, { "content-length": info.size, "content-type": "video/iso.segment" });
        createReadStream(file).pipe(res);
      },
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => plain.listen(0, "127.0.0.1", resolve));
  const plainBase = `http://127.0.0.1:${(plain.address() as AddressInfo).port}/`;
  const table = new Table({ head: ["server", "req/s", "MB/s", "p50 ms", "p99 ms", "non-2xx"] });
  const all: [string, string][] = [
    ...servers,
    ["plain node:http + fs.createReadStream", plainBase],
  ];
  for (const [name, base] of all) {
    const result = await autocannon({
      url: base,
      connections: 50,
      duration: LOAD_SECONDS,
      requests: files.map((f) => ({ method: "GET" as const, path: `/${f.path}` })),
    });
    table.push([
      name,
      Math.round(result.requests.average),
      (result.throughput.average / 1e6).toFixed(1),
      result.latency.p50,
      result.latency.p99,
      result.non2xx,
    ]);
  }
  console.log(
    `Unthrottled throughput, 50 connections for ${LOAD_SECONDS} s over the title's segments (loopback, 2 cores shared with the load generator):`,
  );
  console.log(table.toString());
  plain.close();
}

/** 3. Shaped sessions under load, one run per session count. */
async function load() {
  // The rendition a player held to the set rate would play: the best H.264 one below it.
  const rendition = title.renditions
    .filter((r) => r.codec === "h264" && r.averageBitrateBps <= LOAD_RATE_BPS)
    .sort((a, b) => b.averageBitrateBps - a.averageBitrateBps)[0];
  if (!rendition) throw new Error(`no H.264 rendition of ${title.id} below ${LOAD_RATE_BPS} bit/s`);
  const folder = path.posix.dirname(rendition.playlist);
  const segments = files.filter((f) => path.posix.dirname(f.path) === folder);
  const meanKb = segments.reduce((s, f) => s + f.sizeBytes, 0) / segments.length / 1000;
  const target =
    where === "child"
      ? await childTarget(catalogRoot, title.id)
      : await sameProcessTarget(catalogRoot, title.id);
  const table = new Table({
    head: [
      "sessions",
      "rate min / median / max",
      "within 3%",
      "admin p50 / p99 ms",
      "network loop p99 / max ms, CPU",
      "bench loop p99 / max ms, CPU",
    ],
  });
  const mbps = (share: number) => ((share * LOAD_RATE_BPS) / 1e6).toFixed(3);
  for (const sessions of SESSION_COUNTS) {
    const r = await runShapedLoad(
      target,
      segments.map((f) => f.path),
      {
        sessions,
        rateBps: LOAD_RATE_BPS,
        warmupSec: LOAD_WARMUP_SEC,
        windowSec: LOAD_WINDOW_SEC,
        client: loadClient,
      },
    );
    const within = r.rates.filter((x) => Math.abs(x - 1) <= 0.03).length;
    table.push([
      sessions,
      `${mbps(r.rates[0]!)} / ${mbps(percentile(r.rates, 0.5))} / ${mbps(r.rates.at(-1)!)}`,
      `${within} of ${sessions}`,
      `${r.adminMs.p50.toFixed(1)} / ${r.adminMs.p99.toFixed(1)}${r.adminMs.failed ? ` (${r.adminMs.failed} failed)` : ""}`,
      `${r.serverLoop.p99Ms.toFixed(1)} / ${r.serverLoop.maxMs.toFixed(1)}, ${r.serverCpuPercent.toFixed(0)}%`,
      `${r.clientLoop.p99Ms.toFixed(1)} / ${r.clientLoop.maxMs.toFixed(1)}, ${r.clientCpuPercent.toFixed(0)}%`,
    ]);
  }
  await target.close();
  console.log(
    `\nShaped sessions under load: each at ${LOAD_RATE_BPS / 1e6} Mbit/s on exchange-1, downloading ${path.posix.basename(folder)}'s ${segments.length} segments (${meanKb.toFixed(0)} kB on average) back to back; rates in Mbit/s over ${LOAD_WINDOW_SEC} s after a ${LOAD_WARMUP_SEC} s warm-up; GET /admin/state every 100 ms meanwhile. Network ${where === "child" ? "in its own process" : "in the bench's process"}, ${client === "fetch" ? "fetch (undici)" : "node:http"} clients; loop = event-loop delay beyond 5 ms samples; CPU in % of one core:`,
  );
  console.log(table.toString());
}
