/**
 * `GET /metrics` on the admin server, in the Prometheus text format (prom-client): per appliance
 * the counters the lab shows (bytes, requests, hits, misses, fills, evictions, faults injected)
 * and its gauges (active sessions, throughput, cache use, up); the steering service's answers by
 * why the first appliance led. Read when scraped, from the same state `/admin/state` serves, so
 * the two never disagree. A counter goes back to 0 on `/admin/reset`, which Prometheus reads as
 * a counter reset.
 */
import type { FastifyPluginAsync } from "fastify";
import { Counter, Gauge, Registry } from "prom-client";
import type { ApplianceState } from "../../src/schemas/admin.ts";
import type { SteeringService } from "../steering/server.ts";

type Counters = ApplianceState["counters"];

/** What the metrics read of a network (admin.ts's MetricsSource has it). */
export interface MetricsSource {
  readonly appliances: readonly { state(titleTotals: Map<string, number>): ApplianceState }[];
  titleTotals(): Map<string, number>;
  readonly steering: Pick<SteeringService, "answerCounts">;
}

/** Appliance counters that only grow between resets: exported as Prometheus counters. */
const APPLIANCE_COUNTERS: readonly { name: string; help: string; of: (c: Counters) => number }[] = [
  { name: "bytes_served", help: "Bytes of bodies sent to players", of: (c) => c.bytesServed },
  { name: "requests", help: "Requests for catalog files", of: (c) => c.requests },
  { name: "cache_hits", help: "Requests served from the cache", of: (c) => c.hits },
  { name: "cache_misses", help: "Requests that filled from the origin", of: (c) => c.misses },
  { name: "fills", help: "Objects fetched from the origin into the cache", of: (c) => c.fills },
  { name: "fill_bytes", help: "Bytes fetched from the origin", of: (c) => c.fillBytes },
  { name: "evictions", help: "Objects evicted to make room", of: (c) => c.evictions },
  {
    name: "faults_injected",
    help: "Faults the admin API made this appliance commit",
    of: (c) => c.faultsInjected,
  },
];

const APPLIANCE_GAUGES: readonly {
  name: string;
  help: string;
  of: (a: ApplianceState) => number;
}[] = [
  {
    name: "active_sessions",
    help: "Sessions seen in the last 5 s",
    of: (a) => a.counters.activeSessions,
  },
  {
    name: "throughput_bits_per_second",
    help: "Bits sent in the last second",
    of: (a) => a.counters.throughputBps,
  },
  { name: "cache_used_bytes", help: "Bytes held in the cache", of: (a) => a.usedBytes },
  { name: "cache_capacity_bytes", help: "The cache's size", of: (a) => a.capacityBytes },
  { name: "up", help: "1 while the appliance accepts connections", of: (a) => (a.up ? 1 : 0) },
];

/**
 * A registry of its own per network (two networks in one process, as in tests, never mix) and
 * how to scrape it: every appliance's state read once, then every series drawn from that read.
 */
export function networkMetrics(network: MetricsSource): {
  contentType: string;
  scrape(): Promise<string>;
} {
  const registry = new Registry();
  let states: ApplianceState[] = [];
  for (const spec of APPLIANCE_COUNTERS) {
    new Counter({
      name: `streamlab_appliance_${spec.name}_total`,
      help: spec.help,
      labelNames: ["appliance", "region"],
      registers: [registry],
      collect() {
        this.reset();
        for (const s of states)
          this.inc({ appliance: s.id, region: s.region }, spec.of(s.counters));
      },
    });
  }
  for (const spec of APPLIANCE_GAUGES) {
    new Gauge({
      name: `streamlab_appliance_${spec.name}`,
      help: spec.help,
      labelNames: ["appliance", "region"],
      registers: [registry],
      collect() {
        this.reset();
        for (const s of states) this.set({ appliance: s.id, region: s.region }, spec.of(s));
      },
    });
  }
  new Counter({
    name: "streamlab_steering_answers_total",
    help: "Steering answers given, by why the first appliance led (origin: none in rotation)",
    labelNames: ["reason"],
    registers: [registry],
    collect() {
      this.reset();
      for (const [reason, n] of network.steering.answerCounts()) this.inc({ reason }, n);
    },
  });
  return {
    contentType: registry.contentType,
    scrape() {
      states = network.appliances.map((a) => a.state(network.titleTotals()));
      return registry.metrics();
    },
  };
}

export const metricsRoutes: FastifyPluginAsync<{ network: MetricsSource }> = async (
  app,
  { network },
) => {
  const metrics = networkMetrics(network);
  app.get("/metrics", async (_request, reply) =>
    reply.header("content-type", metrics.contentType).send(await metrics.scrape()),
  );
};
