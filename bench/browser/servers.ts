/**
 * The servers the benchmark plays against, all on one set of ports `portOffset` above the
 * demo's: the delivery network (`mock-server/main.ts` as a child process, so the shaping's
 * timers do not share an event loop with the browser driver) serving the chosen catalog, and
 * the site (site.ts: our app's production build and the bare stock pages), built meanwhile.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import path from "node:path";
import { demoPorts } from "../../mock-server/main.ts";
import { buildApp, type Site, startSite } from "./site.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
/** Offsets tried when none is given: the e2e suite's first, as before. */
const OFFSETS = [10_000, 20_000, 30_000, 40_000];
/** The site sits where the demo's app does (5173), moved by the same offset. */
const SITE_PORT = 5173;
const START_TIMEOUT_MS = 60_000;
const BUSY_RETRIES = 3;
const HOST = "http://127.0.0.1";

export interface Servers {
  siteUrl: string;
  originUrl: string;
  steeringUrl: string;
  adminUrl: string;
  portOffset: number;
  /** Seconds the app's production build took. */
  appBuildSec: number;
  stop(): Promise<void>;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

function portsAt(offset: number): number[] {
  const network = demoPorts(offset);
  return [
    network.origin,
    network.steering,
    network.admin,
    ...network.appliances,
    SITE_PORT + offset,
  ];
}

async function busyPorts(offset: number): Promise<number[]> {
  const ports = portsAt(offset);
  const free = await Promise.all(ports.map(portFree));
  return ports.filter((_, i) => !free[i]);
}

async function chooseOffset(wanted: number | null): Promise<number> {
  if (wanted !== null) {
    // Offsets above 32768 lie in Linux's ephemeral range, where an outgoing connection can hold
    // a port for a moment: look again before calling it taken.
    let busy = await busyPorts(wanted);
    for (let retry = 0; busy.length > 0 && retry < BUSY_RETRIES; retry++) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      busy = await busyPorts(wanted);
    }
    if (busy.length > 0) {
      throw new Error(
        `--port-offset ${wanted}: port ${busy.join(", ")} already in use: stop what holds it or pick another offset`,
      );
    }
    return wanted;
  }
  for (const offset of OFFSETS) if ((await busyPorts(offset)).length === 0) return offset;
  throw new Error(
    `no free set of ports (tried offsets ${OFFSETS.join(", ")} over ${portsAt(0).join(", ")}): give a free one with --port-offset`,
  );
}

/** Ends the child and anything it started (its process group). */
function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
      resolve();
      return;
    }
    const pid = child.pid;
    const kill = setTimeout(() => {
      try {
        process.kill(-pid, "SIGKILL");
      } catch {
        // already gone
      }
    }, 5_000);
    child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    try {
      process.kill(-pid, "SIGTERM");
    } catch {
      clearTimeout(kill);
      resolve();
    }
  });
}

/** Resolves once the admin API answers; rejects when the child exits first or time runs out. */
async function networkReady(child: ChildProcess, adminUrl: string, recent: string[]) {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`mock-server/main.ts exited (${child.exitCode}):\n${recent.join("\n")}`);
    }
    const ok = await fetch(`${adminUrl}/admin/state`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(
    `the network was not up after ${START_TIMEOUT_MS / 1000} s:\n${recent.join("\n")}`,
  );
}

export async function startServers(options: {
  catalog: string;
  portOffset: number | null;
  log: (line: string) => void;
}): Promise<Servers> {
  const offset = await chooseOffset(options.portOffset);
  const ports = demoPorts(offset);
  const urls = {
    origin: `${HOST}:${ports.origin}`,
    steering: `${HOST}:${ports.steering}`,
    admin: `${HOST}:${ports.admin}`,
  };
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      path.join(ROOT, "mock-server/main.ts"),
      "--catalog",
      options.catalog,
      "--port-offset",
      String(offset),
    ],
    // Its own process group, so stopping it stops all of it.
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  const recent: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      recent.push(...chunk.split(/\r?\n/).filter((l) => l.trim() !== ""));
      recent.splice(0, Math.max(0, recent.length - 20));
    });
  }
  let site: Site | null = null;
  try {
    const appDir = path.join(ROOT, `.cache/bench/app-${offset}`);
    const buildStarted = performance.now();
    await buildApp(urls, appDir);
    const appBuildSec = (performance.now() - buildStarted) / 1000;
    await networkReady(child, urls.admin, recent);
    site = await startSite(appDir, SITE_PORT + offset);
    const opened = site;
    return {
      siteUrl: opened.url,
      originUrl: urls.origin,
      steeringUrl: urls.steering,
      adminUrl: urls.admin,
      portOffset: offset,
      appBuildSec,
      stop: async () => {
        await opened.close().catch(() => undefined);
        await stopChild(child);
      },
    };
  } catch (error) {
    await site?.close().catch(() => undefined);
    await stopChild(child);
    throw error;
  }
}
