/**
 * `npm run bench:network`: a benchmark, not a test. Prints
 * 1. shaping accuracy: the rate a client measures through an appliance against the rate set,
 *    from 100 kbit/s to 50 Mbit/s, and a trace replayed second by second;
 * 2. unthrottled throughput of an appliance (cache warm) next to the origin (@fastify/static)
 *    and a plain `node:http` + `fs` static server, on the same files.
 *
 * Uses the demo catalog when it exists (`npm run encode`), else encodes a small clip.
 */

import { spawnSync } from "node:child_process";
import { createReadStream, existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import Table from "cli-table3";
import { makeTestClip } from "../../encoder/demo/test-clip.ts";
import { startNetwork } from "../network.ts";
import { fluctuatingTrace } from "../shaping/profiles.ts";
import { rateAt } from "../shaping/trace.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
const { values } = parseArgs({
  options: { catalog: { type: "string" }, seconds: { type: "string" } },
});
const LOAD_SECONDS = Number(values.seconds ?? 5);

async function catalogDir(): Promise<string> {
  const given = values.catalog ?? path.join(ROOT, "catalog");
  if (existsSync(path.join(given, "catalog.json"))) return given;
  const dir = path.join(ROOT, ".cache/bench-catalog");
  if (!existsSync(path.join(dir, "catalog.json"))) {
    const clip = path.join(ROOT, ".cache/bench-clip.mkv");
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
const network = await startNetwork({ catalogDir: catalogRoot, heartbeatMs: 1000 });
const admin = (method: string, route: string, body?: unknown) =>
  fetch(`${network.urls.admin}${route}`, {
    method,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

const catalog = await network.catalog.read();
const title = catalog.titles[0]!;
const files = (await network.catalog.titleFiles(title.id))!.filter((f) => f.path.endsWith(".m4s"));
const appliance = network.appliances.find((a) => a.id === "exchange-1")!;
await network.fill(appliance, [title.id]);
const applianceUrls = files.map((f) => `${appliance.baseUrl}${f.path}`);
console.log(
  `catalog ${catalogRoot}, title ${title.id}: ${files.length} segments, ${(files.reduce((s, f) => s + f.sizeBytes, 0) / 1e6).toFixed(1)} MB\n`,
);

// 1. Constant rates.
const rates = [0.1, 0.5, 1, 5, 10, 25, 50];
const accuracy = new Table({ head: ["set Mbit/s", "measured Mbit/s", "error", "seconds"] });
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
  accuracy.push([
    mbps,
    measured.toFixed(3),
    `${(((measured - mbps) / mbps) * 100).toFixed(1)}%`,
    (elapsedMs / 1000).toFixed(1),
  ]);
}
console.log(
  "Shaping accuracy, constant rate (one session, back-to-back segment downloads for about 3 s):",
);
console.log(accuracy.toString());

// 2. A trace, second by second.
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
  `mean absolute error ${(errors.reduce((a, b) => a + b, 0) / errors.length).toFixed(1)}%, worst ${Math.max(...errors).toFixed(1)}%`,
);
await admin("DELETE", "admin/appliances/exchange-1/shaping");

// 3. Unthrottled throughput next to static servers on the same files.
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

async function load(name: string, base: string) {
  const result = await autocannon({
    url: base,
    connections: 50,
    duration: LOAD_SECONDS,
    requests: files.map((f) => ({ method: "GET" as const, path: `/${f.path}` })),
  });
  return [
    name,
    Math.round(result.requests.average),
    (result.throughput.average / 1e6).toFixed(1),
    result.latency.p50,
    result.latency.p99,
    result.non2xx,
  ];
}
const throughput = new Table({ head: ["server", "req/s", "MB/s", "p50 ms", "p99 ms", "non-2xx"] });
throughput.push(await load("appliance (exchange-1, cache warm, unshaped)", appliance.baseUrl));
throughput.push(await load("origin (@fastify/static)", network.urls.origin));
throughput.push(await load("plain node:http + fs.createReadStream", plainBase));
console.log(
  `\nUnthrottled throughput, 50 connections for ${LOAD_SECONDS} s over the title's segments (loopback, 2 cores shared with the load generator):`,
);
console.log(throughput.toString());

plain.close();
await network.close();
