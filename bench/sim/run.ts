/**
 * Runs every algorithm and the offline optimum on every trace of a set: one session per
 * trace, the trace starting at the session's t = 0. Deterministic: no randomness anywhere, and
 * the sessions are independent, so splitting them across worker threads changes nothing.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { AbrTunables } from "../../src/schemas/abr-tunables.ts";
import { FixedAlgorithm } from "./algorithms/fixed.ts";
import { ALGORITHMS } from "./algorithms/index.ts";
import type { SimLadder } from "./ladder.ts";
import { Link } from "./link.ts";
import { type SessionMetrics, sessionMetrics, utilities } from "./metrics.ts";
import { DEFAULT_GRID, type Grid, offlineOptimum } from "./optimum.ts";
import { runSession, type SessionResult } from "./session.ts";
import type { NamedTrace } from "./traces.ts";

export interface SimConfig {
  bufferCapSec: number;
  rttSec: number;
  grid: Grid;
  /** Our ABR's tunables (a replayed session's); absent: the controller's defaults. */
  abrTunables?: AbrTunables;
}

export const DEFAULT_SIM_CONFIG: SimConfig = {
  // hls.js's maxBufferLength (30 s): what the browser player buffers ahead.
  bufferCapSec: 30,
  // Pensieve's simulator's link RTT (80 ms).
  rttSec: 0.08,
  grid: DEFAULT_GRID,
};

export const OPTIMUM = "optimum";

export interface TraceResult {
  trace: string;
  /** Per algorithm, in ALGORITHMS order. */
  metrics: Record<string, SessionMetrics>;
  optimum: {
    /** Upper bounds on QoE_lin and QoE_q (separate optimisations). */
    qoeLin: number;
    qoeQuality: number;
    /** The QoE_lin plan replayed in the session model: a QoE that is really reached. */
    replay: SessionMetrics;
    /** The QoE_lin plan: one rendition index per segment. */
    plan: number[];
    states: number;
  };
}

export function playOne(
  ladder: SimLadder,
  trace: NamedTrace,
  config: SimConfig,
  algorithm: string,
  /** For OPTIMUM: the plan `simulateTrace` found (searching again without a floor is slow). */
  plan: number[],
): SessionResult {
  const link = new Link(trace.trace, config.rttSec);
  const session = { bufferCapSec: config.bufferCapSec };
  if (algorithm === OPTIMUM) {
    return runSession(ladder, link, new FixedAlgorithm(OPTIMUM, plan), session);
  }
  const make = ALGORITHMS[algorithm];
  if (!make) throw new Error(`unknown algorithm ${algorithm}`);
  return runSession(ladder, link, make(ladder, config.abrTunables), session);
}

export function simulateTrace(
  ladder: SimLadder,
  trace: NamedTrace,
  config: SimConfig,
): TraceResult {
  const link = new Link(trace.trace, config.rttSec);
  const session = { bufferCapSec: config.bufferCapSec };
  const metrics: Record<string, SessionMetrics> = {};
  for (const [name, make] of Object.entries(ALGORITHMS)) {
    metrics[name] = sessionMetrics(
      ladder,
      runSession(ladder, link, make(ladder, config.abrTunables), session),
    );
  }
  const all = Object.values(metrics);
  // The best QoE an algorithm reached is a valid floor for pruning the optimum's search.
  const floorLin = Math.max(...all.map((m) => m.qoeLin));
  const floorQ = Math.max(...all.map((m) => m.qoeQuality));
  const lin = offlineOptimum(
    ladder,
    link,
    session,
    utilities(ladder, "bitrate"),
    config.grid,
    floorLin,
  );
  const q = offlineOptimum(
    ladder,
    link,
    session,
    utilities(ladder, "quality"),
    config.grid,
    floorQ,
  );
  const replay = sessionMetrics(
    ladder,
    runSession(ladder, link, new FixedAlgorithm(OPTIMUM, lin.plan), session),
  );
  return {
    trace: trace.name,
    metrics,
    optimum: {
      qoeLin: lin.bound,
      qoeQuality: q.bound,
      replay,
      plan: lin.plan,
      states: lin.states + q.states,
    },
  };
}

/** The worker is TypeScript: a small script registers tsx's loader in the thread, then loads it. */
const WORKER_BOOT = `import("tsx/esm/api").then((tsx) => { tsx.register(); return import(${JSON.stringify(
  new URL("./worker.ts", import.meta.url).href,
)}); });`;

export interface WorkerInput {
  ladder: SimLadder;
  traces: NamedTrace[];
  config: SimConfig;
}

/** All traces of a set, on up to `jobs` worker threads (1 = in this thread). Order is kept. */
export async function simulateSet(
  ladder: SimLadder,
  traces: NamedTrace[],
  config: SimConfig,
  jobs = Math.min(2, availableParallelism()),
): Promise<TraceResult[]> {
  if (jobs <= 1 || traces.length < 2) return traces.map((t) => simulateTrace(ladder, t, config));
  const chunks: NamedTrace[][] = Array.from({ length: Math.min(jobs, traces.length) }, () => []);
  // Interleaved, so long and short traces spread evenly.
  traces.forEach((t, i) => {
    chunks[i % chunks.length]!.push(t);
  });
  const parts = await Promise.all(
    chunks.map(
      (chunk) =>
        new Promise<TraceResult[]>((resolve, reject) => {
          const input: WorkerInput = { ladder, traces: chunk, config };
          const worker = new Worker(WORKER_BOOT, { eval: true, workerData: input });
          worker.once("message", (results: TraceResult[]) => resolve(results));
          worker.once("error", reject);
          worker.once("exit", (code) => {
            if (code !== 0) reject(new Error(`simulator worker exited with code ${code}`));
          });
        }),
    ),
  );
  const byName = new Map<string, TraceResult>();
  for (const part of parts) for (const r of part) byName.set(r.trace, r);
  return traces.map((t) => byName.get(t.name)!);
}
