/**
 * When a server process is ready: every one of its ports accepts a connection. `waitUntilReady`
 * is the loop (probe, sleep, give up on exit or deadline) with its clock and probe injected, so
 * it is tested without sockets; `portsAnswer` and `busyPorts` are the loopback probes.
 */
import net from "node:net";

export interface ReadinessOptions {
  /** True once the process is ready (all its ports answer). */
  probe: () => Promise<boolean>;
  /** Why the process can no longer become ready (it exited), else null. */
  gone: () => string | null;
  timeoutMs: number;
  intervalMs: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export class NotReadyError extends Error {}

/** Resolves once `probe` says ready; rejects when the process is gone or time runs out. */
export async function waitUntilReady(options: ReadinessOptions): Promise<void> {
  const now = options.now ?? (() => performance.now());
  const sleep =
    options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const deadline = now() + options.timeoutMs;
  for (;;) {
    const ready = await options.probe();
    // Checked after the probe too: ports that answer for a process that exited meanwhile are
    // held by another.
    const gone = options.gone();
    if (gone !== null) throw new NotReadyError(gone);
    if (ready) return;
    if (now() >= deadline) {
      throw new NotReadyError(`not ready after ${(options.timeoutMs / 1000).toFixed(0)} s`);
    }
    await sleep(options.intervalMs);
  }
}

/** Whether a TCP connection to `port` on `host` is accepted. */
export function portAnswers(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}

/** Whether every port answers. */
export async function portsAnswer(ports: readonly number[], host = "127.0.0.1"): Promise<boolean> {
  const answers = await Promise.all(ports.map((port) => portAnswers(port, host)));
  return answers.every(Boolean);
}

/** Whether this process could listen on `port` now. */
export function portFree(port: number, host = "127.0.0.1"): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** The ports among `ports` that something else holds. */
export async function busyPorts(ports: readonly number[], host = "127.0.0.1"): Promise<number[]> {
  const free = await Promise.all(ports.map((port) => portFree(port, host)));
  return ports.filter((_, i) => !free[i]);
}
