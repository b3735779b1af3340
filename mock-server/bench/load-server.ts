/**
 * The delivery network for the shaped-load benchmark, in a process of its own (as `npm start`
 * runs it), so the bench's clients do not share its event loop. Started by shaped-load.ts with
 * an IPC channel: it answers "ready" with its addresses once the bench title is in exchange-1's
 * cache, and on request how late its event loop ran and how busy its CPU was since the last mark.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { startNetwork } from "../network.ts";

export type LoadServerRequest = { type: "mark" } | { type: "measure" };
export type LoadServerMessage =
  | { type: "ready"; urls: { admin: string; appliance: string } }
  | { type: "measured"; loop: LoopDelay; cpuPercent: number };

/** Event-loop delay beyond the sampling interval, in ms. */
export interface LoopDelay {
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

/** The histogram samples every 5 ms: fine enough to see a 1 ms pacing timer run late. */
const LOOP_SAMPLE_MS = 5;

/** Start a loop-delay histogram; `read` gives its percentiles since the last `reset`. */
export function loopDelayMonitor(): { reset(): void; read(): LoopDelay } {
  const histogram = monitorEventLoopDelay({ resolution: LOOP_SAMPLE_MS });
  histogram.enable();
  // The histogram records whole intervals between samples: the delay is what exceeds one.
  const late = (ns: number) => Math.max(0, ns / 1e6 - LOOP_SAMPLE_MS);
  return {
    reset: () => histogram.reset(),
    read: () => ({
      p50Ms: late(histogram.percentile(50)),
      p99Ms: late(histogram.percentile(99)),
      maxMs: late(histogram.max),
    }),
  };
}

/** CPU time used since the last call, as a percentage of one core. */
export function cpuMeter(): () => number {
  let usage = process.cpuUsage();
  let at = performance.now();
  return () => {
    const used = process.cpuUsage(usage);
    const elapsedMs = performance.now() - at;
    usage = process.cpuUsage();
    at = performance.now();
    return ((used.user + used.system) / 1000 / elapsedMs) * 100;
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const send = (message: LoadServerMessage) => process.send?.(message);
  const [catalogDir, titleId] = process.argv.slice(2);
  if (!catalogDir || !titleId || !process.send) {
    console.error("load-server: run by shaped-load.ts with an IPC channel: <catalog dir> <title>");
    process.exit(2);
  }
  const network = await startNetwork({ catalogDir, heartbeatMs: 1000 });
  const appliance = network.appliances.find((a) => a.id === "exchange-1")!;
  await network.fill(appliance, [titleId]);
  const loop = loopDelayMonitor();
  const cpu = cpuMeter();
  process.on("message", (request: LoadServerRequest) => {
    if (request.type === "mark") {
      loop.reset();
      cpu();
    } else send({ type: "measured", loop: loop.read(), cpuPercent: cpu() });
  });
  // The bench going away (or its IPC channel closing) ends this process too.
  process.on("disconnect", () => void network.close().then(() => process.exit(0)));
  send({ type: "ready", urls: { admin: network.urls.admin, appliance: appliance.baseUrl } });
}
