/**
 * The servers the benchmark plays against: `scripts/demo.ts` as a child process (the same
 * start-up as `npm start` and the Playwright suite: the network and the app; with `--e2e` it
 * first builds the e2e catalog when it is missing), read for its URLs. On the e2e ports when
 * they are free, else `--port-offset` moves it 10000 further up.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer } from "node:net";
import path from "node:path";
import { DEMO_PORTS } from "../../mock-server/main.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
/** The e2e ports, then two more sets; every server of a set must be free. */
const OFFSETS = [10_000, 20_000, 30_000];
const APP_PORT = 5173;
/** demo.ts's host for streams from outside the catalog, started with --e2e. */
const FOREIGN_PORT = 8090;
/** A fresh clone encodes the e2e clip first (about a minute on two cores). */
const START_TIMEOUT_MS = 10 * 60_000;
/** Where `scripts/demo.ts --e2e` builds the e2e catalog (a 60 s generated clip). */
export const E2E_CATALOG = path.join(ROOT, ".cache/e2e-catalog");

export interface Servers {
  appUrl: string;
  adminUrl: string;
  originUrl: string;
  portOffset: number;
  stop(): Promise<void>;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

async function freeOffset(): Promise<number> {
  const base = [
    DEMO_PORTS.origin,
    DEMO_PORTS.steering,
    DEMO_PORTS.admin,
    ...DEMO_PORTS.appliances,
    APP_PORT,
    FOREIGN_PORT,
  ];
  for (const offset of OFFSETS) {
    const free = await Promise.all(base.map((p) => portFree(p + offset)));
    if (free.every(Boolean)) return offset;
  }
  throw new Error(
    `no free set of ports (tried offsets ${OFFSETS.join(", ")} over ${base.join(", ")}): stop the other demo or e2e servers`,
  );
}

/** Ends the child and anything it started (its process group: the encoder, if still running). */
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

export async function startServers(
  catalog: string | null,
  log: (line: string) => void,
): Promise<Servers> {
  const portOffset = await freeOffset();
  const args = ["--import", "tsx", path.join(ROOT, "scripts/demo.ts")];
  args.push("--port-offset", String(portOffset));
  // A built catalog is served as it is (--e2e would also encode the e2e clip into it and start
  // the e2e suite's extra hosts); only a missing e2e catalog needs demo.ts --e2e to build it.
  const served = catalog ?? E2E_CATALOG;
  if (catalog || existsSync(path.join(E2E_CATALOG, "catalog.json")))
    args.push("--skip-encode", "--catalog", served);
  else args.push("--e2e");
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, so stopping it also stops an encoder it may have started.
    detached: true,
  });
  const recent: string[] = [];
  const urls: { app?: string; admin?: string; origin?: string } = {};

  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`servers not up after ${START_TIMEOUT_MS / 1000} s`)),
      START_TIMEOUT_MS,
    );
    const onLine = (line: string) => {
      recent.push(line);
      if (recent.length > 20) recent.shift();
      const origin = /^origin:\s+(\S+)/.exec(line);
      if (origin) urls.origin = origin[1]!.replace(/\/$/, "");
      const admin = /^admin API:\s+(\S+?)admin\/state/.exec(line);
      if (admin) urls.admin = admin[1]!.replace(/\/$/, "");
      const app = /^app:\s+(\S+)/.exec(line);
      if (app) {
        urls.app = app[1]!.replace(/\/$/, "");
        clearTimeout(timer);
        resolve();
      }
      if (!urls.app && line.trim() !== "") log(`  servers: ${line}`);
    };
    for (const stream of [child.stdout, child.stderr]) {
      let buffer = "";
      stream?.setEncoding("utf8");
      stream?.on("data", (chunk: string) => {
        buffer += chunk;
        const lines = buffer.split(/\r?\n|\r/);
        buffer = lines.pop() ?? "";
        for (const line of lines) onLine(line);
      });
    }
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`scripts/demo.ts exited (${code}) before serving:\n${recent.join("\n")}`));
    });
  });

  try {
    await ready;
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  if (!urls.admin || !urls.origin || !urls.app) {
    await stopChild(child);
    throw new Error(`scripts/demo.ts printed no origin or admin URL:\n${recent.join("\n")}`);
  }
  return {
    appUrl: urls.app,
    adminUrl: urls.admin,
    originUrl: urls.origin,
    portOffset,
    stop: () => stopChild(child),
  };
}
