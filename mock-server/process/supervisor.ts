/**
 * The delivery network as a child process (`mock-server/main.ts`), apart from whoever starts it:
 * a request that kills the network (a heap exhausted) then leaves the demo's app server up.
 *
 * - `startNetworkChild` spawns it and waits until it is ready: it said so over IPC and every one
 *   of its ports accepts a connection. It fails with the child's last lines if it exits first.
 * - `stopChild` ends it: SIGTERM, then SIGKILL after a grace period.
 * - `NetworkSupervisor` keeps one running for the demo: restarted with backoff when it dies,
 *   said on stderr; stopped on `stop()`, and when this process exits. A child whose parent dies
 *   without a word (SIGKILL) sees its IPC channel close and exits too (main.ts).
 */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { Backoff } from "../../src/lib/backoff.ts";
import { allPorts, type DEMO_PORTS, READY_MESSAGE } from "../main.ts";
import { busyPorts, NotReadyError, portsAnswer, waitUntilReady } from "./readiness.ts";

export interface NetworkChildOptions {
  catalogDir: string;
  ports: typeof DEMO_PORTS;
  portOffset: number;
  traceDirs?: readonly string[];
  /** The browser origins the admin API answers (the app's); the child's default otherwise. */
  appOrigins?: readonly string[];
  /** Hosts foreign streams may always come from (`--allow-upstream`). */
  allowedUpstreams?: readonly string[];
  /** `--topology FILE` and `--appliances node|nginx`, passed on to main.ts. */
  topologyFile?: string;
  applianceKind?: "node" | "nginx";
}

export interface NetworkChild {
  process: ChildProcess;
  /** The child's last lines of output, for a report when it fails. */
  recent: string[];
  /** Why it is gone ("exited with code 1", "killed by SIGKILL"), else null. */
  exitReason(): string | null;
}

const MAIN = path.join(import.meta.dirname, "../main.ts");
/** Starting takes 1-3 s (tsx compiles the servers); a loaded machine can take ten times that. */
const READY_TIMEOUT_MS = 60_000;
const READY_PROBE_MS = 100;
const STOP_GRACE_MS = 5_000;
const RECENT_LINES = 20;
/** 0.5 s first (a crash is usually one request's doing), doubling to 15 s while it keeps dying. */
const RESTART_BACKOFF = { firstMs: 500, maxMs: 15_000 };
/** Up this long counts as recovered: the next crash waits the first wait again. */
const STABLE_MS = 30_000;

/** Spawn `mock-server/main.ts` with an IPC channel; `onLine` gets each line it writes to stderr. */
export function spawnNetwork(
  options: NetworkChildOptions,
  onLine: (line: string) => void = () => {},
): NetworkChild {
  const args = ["--import", "tsx", MAIN, "--catalog", options.catalogDir];
  args.push("--port-offset", String(options.portOffset));
  for (const dir of options.traceDirs ?? []) args.push("--traces", dir);
  for (const origin of options.appOrigins ?? []) args.push("--app-origin", origin);
  for (const upstream of options.allowedUpstreams ?? []) args.push("--allow-upstream", upstream);
  if (options.topologyFile) args.push("--topology", options.topologyFile);
  if (options.applianceKind) args.push("--appliances", options.applianceKind);
  const child = spawn(process.execPath, args, {
    cwd: path.resolve(import.meta.dirname, "../.."),
    // Its own process group: a Ctrl-C at the terminal reaches the parent, which stops it.
    detached: true,
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  const recent: string[] = [];
  const keep = (line: string) => {
    recent.push(line);
    recent.splice(0, Math.max(0, recent.length - RECENT_LINES));
  };
  // Its stdout repeats the addresses the parent prints itself: kept for reports only.
  lines(child.stdout!, keep);
  lines(child.stderr!, (line) => {
    keep(line);
    onLine(line);
  });
  let reason: string | null = null;
  child.once("exit", (code, signal) => {
    reason = signal ? `killed by ${signal}` : `exited with code ${code}`;
  });
  child.once("error", (error) => {
    reason = `could not start: ${error.message}`;
  });
  return { process: child, recent, exitReason: () => reason };
}

function lines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let rest = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    const parts = (rest + chunk).split(/\r?\n/);
    rest = parts.pop() ?? "";
    for (const line of parts) if (line.trim() !== "") onLine(line);
  });
}

/**
 * Spawn the network and wait until it is ready; on failure it is stopped and the error says why,
 * with its last lines unless `onLine` was given them already.
 */
export async function startNetworkChild(
  options: NetworkChildOptions,
  onLine?: (line: string) => void,
): Promise<NetworkChild> {
  const child = spawnNetwork(options, onLine);
  let said = false;
  child.process.on("message", (message) => {
    if (message === READY_MESSAGE) said = true;
  });
  try {
    await waitUntilReady({
      probe: async () => said && (await portsAnswer(allPorts(options.ports))),
      gone: child.exitReason,
      timeoutMs: READY_TIMEOUT_MS,
      intervalMs: READY_PROBE_MS,
    });
    return child;
  } catch (error) {
    await stopChild(child.process);
    if (!(error instanceof NotReadyError)) throw error;
    // Lines already passed to onLine are not repeated.
    const output = onLine
      ? " (its output is above)"
      : child.recent.length > 0
        ? `; its last lines:\n${child.recent.join("\n")}`
        : "";
    throw new Error(`the delivery network (mock-server/main.ts) ${error.message}${output}`);
  }
}

/** End a child: SIGTERM to its process group, SIGKILL after `graceMs`; resolves once it exited. */
export function stopChild(child: ChildProcess, graceMs = STOP_GRACE_MS): Promise<void> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
      resolve();
      return;
    }
    const pid = child.pid;
    const signal = (name: NodeJS.Signals) => {
      try {
        process.kill(-pid, name);
      } catch {
        // The group is gone already.
      }
    };
    const kill = setTimeout(() => signal("SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(kill);
      resolve();
    });
    signal("SIGTERM");
  });
}

/** Keeps one network child running for the demo until stopped. */
export class NetworkSupervisor {
  private child: NetworkChild | null = null;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | undefined;
  private restarting: Promise<void> | null = null;
  private readonly backoff = new Backoff(RESTART_BACKOFF);
  private readonly killOnExit = () => {
    if (this.child?.process.pid) {
      try {
        process.kill(-this.child.process.pid, "SIGTERM");
      } catch {}
    }
  };

  private constructor(
    private readonly options: NetworkChildOptions,
    /** Where the child's stderr and the supervisor's notes go, one line each. */
    private readonly log: (line: string) => void,
  ) {}

  /**
   * Start the network and keep it running. Fails, naming the port and the fix, when something
   * else holds one of its ports, and with the child's last lines when it does not come up.
   */
  static async start(
    options: NetworkChildOptions,
    log: (line: string) => void = (line) => console.error(line),
  ): Promise<NetworkSupervisor> {
    const busy = await busyPorts(allPorts(options.ports));
    if (busy.length > 0) {
      throw new Error(
        `network: port ${busy.join(", ")} in use: stop the server on it, or move with --port-offset`,
      );
    }
    const supervisor = new NetworkSupervisor(options, log);
    supervisor.adopt(await startNetworkChild(options, supervisor.relay));
    // Exits this process's own way (an uncaught error, process.exit) must not leave it behind.
    process.once("exit", supervisor.killOnExit);
    return supervisor;
  }

  /** The running child's process id (none while it restarts). */
  get pid(): number | undefined {
    return this.child?.process.pid;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    process.off("exit", this.killOnExit);
    // A child starting now is stopped by restart() once it is up or has failed.
    await this.restarting;
    if (this.child) await stopChild(this.child.process);
    this.child = null;
  }

  private readonly relay = (line: string) => this.log(`network: ${line}`);

  private adopt(child: NetworkChild): void {
    this.child = child;
    const startedAt = performance.now();
    child.process.once("exit", () => {
      if (this.stopping || this.child !== child) return;
      this.child = null;
      if (performance.now() - startedAt >= STABLE_MS) this.backoff.reset();
      this.scheduleRestart(`the delivery network stopped (${child.exitReason()})`);
    });
  }

  private scheduleRestart(why: string): void {
    const waitMs = this.backoff.next();
    this.log(`network: ${why}; restarting it in ${(waitMs / 1000).toFixed(1)} s`);
    this.restartTimer = setTimeout(() => {
      this.restarting = this.restart().finally(() => {
        this.restarting = null;
      });
    }, waitMs);
  }

  private async restart(): Promise<void> {
    const started = performance.now();
    let child: NetworkChild;
    try {
      child = await startNetworkChild(this.options, this.relay);
    } catch (error) {
      if (!this.stopping) this.scheduleRestart(`restart failed: ${(error as Error).message}`);
      return;
    }
    if (this.stopping) {
      await stopChild(child.process);
      return;
    }
    this.adopt(child);
    this.log(
      `network: back up in ${((performance.now() - started) / 1000).toFixed(1)} s (pid ${child.process.pid}); shaping, faults, caches and counters start afresh`,
    );
  }
}
