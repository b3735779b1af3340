/**
 * The whole delivery network in one process: origin, steering service, appliances and the admin
 * API, each its own HTTP server on loopback. `startNetwork` is what `npm start`, the e2e tests
 * and the integration tests use; the order below is the order things must start in (the origin
 * first: appliances fill from it; the steering service before the appliances report to it).
 */

import { ApplianceId } from "../src/schemas/steering.ts";
import { buildAdmin } from "./admin/admin.ts";
import type { Appliance } from "./appliance/appliance.ts";
import { ApplianceFleet, type ApplianceSpec } from "./appliance/fleet.ts";
import { PublishedCatalog } from "./catalog/store.ts";
import { FaultBook } from "./faults/faults.ts";
import { normaliseOrigins } from "./net/doors.ts";
import { Listener } from "./net/listener.ts";
import { buildOrigin } from "./origin.ts";
import { describeSpec, loadTraceFolder, PROFILES, type Profile } from "./shaping/profiles.ts";
import { checkConfiguredSecret, makeHeartbeatSecret } from "./steering/heartbeat.ts";
import { MAX_APPLIANCES } from "./steering/registry.ts";
import { buildSteering, type SteeringService } from "./steering/server.ts";

/**
 * Two appliances inside ISPs (small, close to viewers, a slower fill link) and one at an
 * exchange (larger, one hop further, a fast fill link): the shape of a real deployment, scaled
 * to a laptop. Capacities fit the demo catalog (about 150 MB) in the exchange but not twice over
 * in an ISP cache, so eviction happens when a user adds titles.
 */
export const DEFAULT_APPLIANCES: readonly ApplianceSpec[] = [
  {
    id: "isp-a-1",
    region: "isp-a",
    capacityBytes: 256e6,
    fill: { delayMs: 40, bitsPerSecond: 200e6 },
    capacitySessions: 500,
    capacityBps: 1e9,
  },
  {
    id: "isp-b-1",
    region: "isp-b",
    capacityBytes: 256e6,
    fill: { delayMs: 40, bitsPerSecond: 200e6 },
    capacitySessions: 500,
    capacityBps: 1e9,
  },
  {
    id: "exchange-1",
    region: "exchange",
    capacityBytes: 1e9,
    fill: { delayMs: 10, bitsPerSecond: 1e9 },
    capacitySessions: 2000,
    capacityBps: 10e9,
  },
];

export interface NetworkOptions {
  catalogDir: string;
  host?: string;
  /** 0 anywhere picks a free port (tests); the demo uses fixed ones. */
  ports?: { origin?: number; steering?: number; admin?: number; appliances?: number[] };
  appliances?: readonly ApplianceSpec[];
  heartbeatMs?: number;
  heartbeatTimeoutMs?: number;
  /** Proactive fill: every `everySec`, each appliance fills the `top` most requested titles. */
  fillWindow?: { everySec: number; top: number } | null;
  /** Folders of trace files to offer as shaping profiles, `<folder>/<file>` each. */
  traceDirs?: string[];
  /**
   * Where browsers may call the admin API and the heartbeat from: the app's origins
   * (`http://127.0.0.1:5173`; net/doors.ts `appOriginsFor`). None: no browser may.
   */
  appOrigins?: readonly string[];
  /** The heartbeat secret for appliances in other processes; made at random when not given. */
  heartbeatSecret?: string;
}

export interface Network {
  catalog: PublishedCatalog;
  /** Shaping profiles by name: the generated ones and every trace of `traceDirs`. */
  profiles: Record<string, Profile>;
  faults: FaultBook;
  appliances: Appliance[];
  steering: SteeringService;
  urls: { origin: string; steering: string; admin: string; appliances: Record<string, string> };
  steeringListener: Listener;
  /** What an appliance's heartbeat over HTTP must carry (steering/heartbeat.ts): never served. */
  heartbeatSecret: string;
  /** The origins allowed to use the admin API and the heartbeat from a browser. */
  appOrigins: readonly string[];
  /** Fill titles into an appliance's cache; resolves when every file is in. */
  fill(appliance: Appliance, titles: string[]): Promise<{ files: number; bytes: number }>;
  /** The `top` most requested titles across the network (catalog order breaks ties). */
  popularTitles(top: number): Promise<string[]>;
  /** Bring appliances up or down to match the "down" faults. */
  reconcile(): Promise<void>;
  /** Bytes of every title, for "how much of the title does this cache hold". */
  titleTotals(): Map<string, number>;
  /** Faults, shaping, sessions and counters cleared, everything up; caches too unless kept. */
  reset(options?: { keepCaches?: boolean }): Promise<void>;
  close(): Promise<void>;
}

/** Appliance ids the steering service will take: unique, not "origin", at most its limit. */
function checkApplianceIds(specs: readonly ApplianceSpec[]): void {
  if (specs.length > MAX_APPLIANCES)
    throw new Error(
      `${specs.length} appliances: the steering service ranks at most ${MAX_APPLIANCES}`,
    );
  const seen = new Set<string>();
  for (const { id } of specs) {
    const checked = ApplianceId.safeParse(id);
    if (!checked.success)
      throw new Error(`appliance id "${id}": ${checked.error.issues[0]?.message ?? "invalid"}`);
    if (seen.has(id)) throw new Error(`appliance id "${id}" is given twice: ids must be unique`);
    seen.add(id);
  }
}

export async function startNetwork(options: NetworkOptions): Promise<Network> {
  const host = options.host ?? "127.0.0.1";
  const ports = options.ports ?? {};
  const specs = options.appliances ?? DEFAULT_APPLIANCES;
  checkApplianceIds(specs);
  const appOrigins = normaliseOrigins(options.appOrigins ?? []);
  const heartbeatSecret =
    options.heartbeatSecret === undefined
      ? makeHeartbeatSecret()
      : checkConfiguredSecret(options.heartbeatSecret);
  const catalog = new PublishedCatalog(options.catalogDir);
  const faults = new FaultBook();
  const profiles: Record<string, Profile> = { ...PROFILES };
  for (const dir of options.traceDirs ?? []) {
    for (const [name, spec] of Object.entries(await loadTraceFolder(dir))) {
      profiles[name] = { description: `trace ${name}: ${describeSpec(spec)}`, spec };
    }
  }

  const origin = await buildOrigin({ catalogDir: options.catalogDir });
  const originUrl = await origin.listen({ host, port: ports.origin ?? 0 });
  const originBase = `${originUrl}/`;

  let steeringListener: Listener | undefined;
  const steering = await buildSteering({
    catalog,
    originBaseUrl: originBase,
    publicBaseUrl: () => steeringListener?.baseUrl ?? "",
    heartbeatTimeoutMs: options.heartbeatTimeoutMs,
    heartbeatSecret,
    appOrigins,
  });
  await steering.app.ready();
  steeringListener = new Listener(
    (req, res) => steering.app.routing(req, res),
    host,
    ports.steering ?? 0,
  );
  await steeringListener.start();

  const fleet = new ApplianceFleet({
    specs,
    host,
    ports: ports.appliances,
    originBaseUrl: originBase,
    catalog,
    faults,
    report: (status) => steering.report(status),
    heartbeatMs: options.heartbeatMs,
  });
  await fleet.start();
  if (options.fillWindow) fleet.fillEvery(options.fillWindow.everySec, options.fillWindow.top);
  const appliances = fleet.appliances;

  let admin: Awaited<ReturnType<typeof buildAdmin>> | undefined;
  const network: Network = {
    catalog,
    profiles,
    faults,
    appliances,
    steering,
    steeringListener,
    heartbeatSecret,
    appOrigins,
    urls: {
      origin: originBase,
      steering: steeringListener.baseUrl,
      admin: "",
      appliances: Object.fromEntries(appliances.map((a) => [a.id, a.baseUrl])),
    },
    fill: (appliance, titles) => fleet.fill(appliance, titles),
    popularTitles: (top) => fleet.popularTitles(top),
    reconcile: () => fleet.reconcile(),
    titleTotals: () => fleet.titleTotals(),
    async reset({ keepCaches = false } = {}) {
      faults.clear();
      fleet.reset({ keepCaches });
      steering.forget();
      await steeringListener!.start();
      // Reports at once: until a heartbeat, steering knows no appliance and answers the origin.
      await fleet.reconcile();
    },
    async close() {
      await Promise.allSettled([
        fleet.close(),
        steeringListener!.stop(),
        origin.close(),
        steering.app.close(),
        admin?.close(),
      ]);
    },
  };
  admin = await buildAdmin(network, { appOrigins });
  const adminUrl = await admin.listen({ host, port: ports.admin ?? 0 });
  network.urls.admin = `${adminUrl}/`;
  return network;
}
