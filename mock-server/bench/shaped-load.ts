/**
 * Shaped sessions under load: N client sessions, each shaped to the same rate on one appliance,
 * download a rendition's segments back to back, as players do. Each session's rate is the bytes
 * it received in a common window after a warm-up (opening N connections at once takes a
 * moment that is no part of the shaping), divided by the window. Meanwhile the admin API is
 * asked for `GET /admin/state` every 100 ms, and both processes' event-loop delay and CPU are
 * read: what tells the causes of a shortfall apart.
 *
 * The network runs in a process of its own (load-server.ts), as `npm start` runs it; `network:
 * "same"` puts it in the bench's process instead, to show what sharing the clients' event loop
 * costs. `client: "fetch"` downloads with fetch (undici) instead of `node:http`.
 */
import { type ChildProcess, fork } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { sessionGet } from "../net/session-get.ts";
import { startNetwork } from "../network.ts";
import {
  cpuMeter,
  type LoadServerMessage,
  type LoadServerRequest,
  type LoopDelay,
  loopDelayMonitor,
} from "./load-server.ts";

export interface ShapedLoadOptions {
  sessions: number;
  rateBps: number;
  warmupSec: number;
  windowSec: number;
  client: "http" | "fetch";
}

export interface ShapedLoadResult {
  sessions: number;
  /** Each session's rate over the window as a share of the set rate, sorted. */
  rates: number[];
  adminMs: { p50: number; p99: number; failed: number };
  serverLoop: LoopDelay;
  clientLoop: LoopDelay;
  serverCpuPercent: number;
  clientCpuPercent: number;
}

/** The network under test, wherever it runs. */
export interface LoadTarget {
  applianceUrl: string;
  adminUrl: string;
  mark(): Promise<void>;
  measure(): Promise<{ loop: LoopDelay; cpuPercent: number }>;
  close(): Promise<void>;
}

const ADMIN_POLL_MS = 100;

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

/** The network in a child process (load-server.ts), filled with `titleId` on exchange-1. */
export async function childTarget(catalogDir: string, titleId: string): Promise<LoadTarget> {
  const child: ChildProcess = fork(
    path.join(import.meta.dirname, "load-server.ts"),
    [catalogDir, titleId],
    { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] },
  );
  const next = <T extends LoadServerMessage["type"]>(type: T) =>
    new Promise<Extract<LoadServerMessage, { type: T }>>((resolve, reject) => {
      const onMessage = (message: LoadServerMessage) => {
        if (message.type !== type) return;
        child.off("exit", onExit);
        child.off("message", onMessage);
        resolve(message as Extract<LoadServerMessage, { type: T }>);
      };
      const onExit = (code: number | null) =>
        reject(new Error(`the bench's network process exited (${code}) before "${type}"`));
      child.on("message", onMessage);
      child.once("exit", onExit);
    });
  const ask = (request: LoadServerRequest) => child.send(request);
  const { urls } = await next("ready");
  return {
    applianceUrl: urls.appliance,
    adminUrl: urls.admin,
    mark: async () => {
      ask({ type: "mark" });
    },
    measure: async () => {
      const answer = next("measured");
      ask({ type: "measure" });
      const { loop, cpuPercent } = await answer;
      return { loop, cpuPercent };
    },
    close: async () => {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.disconnect();
      await exited;
    },
  };
}

/** The network in this process: its event loop is the clients'. */
export async function sameProcessTarget(catalogDir: string, titleId: string): Promise<LoadTarget> {
  const network = await startNetwork({ catalogDir, heartbeatMs: 1000 });
  const appliance = network.appliances.find((a) => a.id === "exchange-1")!;
  await network.fill(appliance, [titleId]);
  const loop = loopDelayMonitor();
  const cpu = cpuMeter();
  return {
    applianceUrl: appliance.baseUrl,
    adminUrl: network.urls.admin,
    mark: async () => {
      loop.reset();
      cpu();
    },
    measure: async () => ({ loop: loop.read(), cpuPercent: cpu() }),
    close: () => network.close(),
  };
}

async function admin(target: LoadTarget, method: string, route: string, body?: unknown) {
  const response = await fetch(`${target.adminUrl}${route}`, {
    method,
    // Every state-changing route takes JSON only (a cross-origin form cannot post it).
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body ?? {}),
  });
  if (!response.ok)
    throw new Error(`${method} ${route}: ${response.status} ${await response.text()}`);
}

async function fetchGet(
  url: URL,
  session: string,
  signal: AbortSignal,
  onBytes: (n: number) => void,
) {
  const response = await fetch(url, { headers: { "x-session-id": session }, signal });
  const reader = response.body!.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    onBytes(value.length);
  }
}

/**
 * Run `options.sessions` shaped sessions against `target` over `segmentPaths` (catalog paths)
 * and measure them; the network is reset before (caches kept) and left unshaped after.
 */
export async function runShapedLoad(
  target: LoadTarget,
  segmentPaths: readonly string[],
  options: ShapedLoadOptions,
): Promise<ShapedLoadResult> {
  await admin(target, "POST", "admin/reset", { keepCaches: true });
  await admin(target, "PUT", "admin/appliances/exchange-1/shaping", {
    bitsPerSecond: options.rateBps,
    latencyMs: 0,
  });
  const agent = new http.Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });
  const stop = new AbortController();
  const startMs = performance.now();
  const windowStartMs = startMs + options.warmupSec * 1000;
  const windowEndMs = windowStartMs + options.windowSec * 1000;
  const windowBytes = new Array<number>(options.sessions).fill(0);

  const session = async (i: number) => {
    const onBytes = (n: number) => {
      const now = performance.now();
      if (now >= windowStartMs && now < windowEndMs) windowBytes[i]! += n;
    };
    // Sessions start at different segments, as viewers of one title do.
    for (let k = i; !stop.signal.aborted; k++) {
      const url = new URL(segmentPaths[k % segmentPaths.length]!, target.applianceUrl);
      try {
        if (options.client === "fetch") await fetchGet(url, `load-${i}`, stop.signal, onBytes);
        else await sessionGet(url, `load-${i}`, agent, onBytes);
      } catch (error) {
        if (!stop.signal.aborted) throw error;
      }
    }
  };

  const adminLatencies: number[] = [];
  let adminFailed = 0;
  const pollAdmin = async () => {
    while (performance.now() < windowEndMs) {
      const at = performance.now();
      const ok = await fetch(`${target.adminUrl}admin/state`).then(
        async (r) => {
          await r.arrayBuffer();
          return r.ok;
        },
        () => false,
      );
      if (ok && at >= windowStartMs) adminLatencies.push(performance.now() - at);
      if (!ok) adminFailed++;
      await new Promise((resolve) => setTimeout(resolve, ADMIN_POLL_MS));
    }
  };

  const clientLoop = loopDelayMonitor();
  const clientCpu = cpuMeter();
  const running = Array.from({ length: options.sessions }, (_, i) => session(i));
  const polling = pollAdmin();
  await new Promise((resolve) => setTimeout(resolve, windowStartMs - performance.now()));
  await target.mark();
  clientLoop.reset();
  clientCpu();
  await polling;
  const server = await target.measure();
  const client = { loop: clientLoop.read(), cpuPercent: clientCpu() };
  stop.abort();
  agent.destroy();
  await Promise.all(running);
  await admin(target, "DELETE", "admin/appliances/exchange-1/shaping");

  adminLatencies.sort((a, b) => a - b);
  return {
    sessions: options.sessions,
    rates: windowBytes
      .map((bytes) => (bytes * 8) / options.windowSec / options.rateBps)
      .sort((a, b) => a - b),
    adminMs: {
      p50: percentile(adminLatencies, 0.5),
      p99: percentile(adminLatencies, 0.99),
      failed: adminFailed,
    },
    serverLoop: server.loop,
    clientLoop: client.loop,
    serverCpuPercent: server.cpuPercent,
    clientCpuPercent: client.cpuPercent,
  };
}
