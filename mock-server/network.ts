/**
 * The whole delivery network in one process: origin, steering service, appliances and the admin
 * API, each its own HTTP server on loopback. `startNetwork` is what `npm start`, the e2e tests
 * and the integration tests use; the order below is the order things must start in (the origin
 * first: appliances fill from it; the steering service before the appliances report to it).
 */

import type { SimulatedClockState } from "../src/schemas/admin.ts";
import { ApplianceId } from "../src/schemas/steering.ts";
import type { FillWindow, Topology } from "../src/schemas/topology.ts";
import { buildAdmin } from "./admin/admin.ts";
import type { Appliance } from "./appliance/appliance.ts";
import { ApplianceFleet, type ApplianceSpec } from "./appliance/fleet.ts";
import { nginxBinary } from "./appliance/nginx.ts";
import { PublishedCatalog } from "./catalog/store.ts";
import { FaultBook } from "./faults/faults.ts";
import { SimulatedClock } from "./fill-window.ts";
import { normaliseOrigins } from "./net/doors.ts";
import { Listener } from "./net/listener.ts";
import { buildOrigin } from "./origin.ts";
import { AllowList, checkUpstreamUrl } from "./proxy/allow-list.ts";
import { DEFAULT_UPSTREAM_LIMITS, Upstream, type UpstreamLimits } from "./proxy/upstream.ts";
import { describeSpec, loadTraceFolder, PROFILES, type Profile } from "./shaping/profiles.ts";
import { checkConfiguredSecret, makeHeartbeatSecret } from "./steering/heartbeat.ts";
import { MAX_APPLIANCES } from "./steering/registry.ts";
import { buildSteering, type SteeringService } from "./steering/server.ts";
import { DEFAULT_TOPOLOGY, localApplianceSpecs, regionMap } from "./topology.ts";

/** The demo's three appliances (mock-server/topology.ts, DEFAULT_TOPOLOGY). */
export const DEFAULT_APPLIANCES: readonly ApplianceSpec[] = localApplianceSpecs(DEFAULT_TOPOLOGY);

export interface NetworkOptions {
  catalogDir: string;
  /** Where the servers listen: 127.0.0.1 by default; 0.0.0.0 to be reached from other hosts. */
  host?: string;
  /**
   * The host name players and other machines reach the servers by, in every URL the network
   * hands out (steering answers, the origin's URL): `host` when not given.
   */
  publicHost?: string;
  /** 0 anywhere picks a free port (tests); the demo uses fixed ones. */
  ports?: { origin?: number; steering?: number; admin?: number; appliances?: number[] };
  /** The appliances to run here; else the topology's (its node and nginx ones). */
  appliances?: readonly ApplianceSpec[];
  /**
   * Regions, client prefixes, appliances and fill window (src/schemas/topology.ts); the demo's
   * when not given. `appliances` and `fillWindow`, when given, win over it.
   */
  topology?: Topology;
  /** Every local appliance this kind, whatever the topology says (`--appliances nginx`). */
  applianceKind?: "node" | "nginx";
  heartbeatMs?: number;
  heartbeatTimeoutMs?: number;
  /**
   * Proactive fill in the off-peak hours of a simulated day (fill-window.ts); null: none. The
   * topology's when not given.
   */
  fillWindow?: FillWindow | null;
  /** Folders of trace files to offer as shaping profiles, `<folder>/<file>` each. */
  traceDirs?: string[];
  /**
   * Where browsers may call the admin API and the heartbeat from: the app's origins
   * (`http://127.0.0.1:5173`; net/doors.ts `appOriginsFor`). None: no browser may.
   */
  appOrigins?: readonly string[];
  /** The heartbeat secret for appliances in other processes; made at random when not given. */
  heartbeatSecret?: string;
  /** Limits on fetching foreign streams from their hosts (proxy/upstream.ts). */
  upstreamLimits?: Partial<UpstreamLimits>;
  /**
   * Hosts foreign streams may always be fetched from, besides those users open (e.g. the CDN a
   * manifest's segments are on): URLs, of which the scheme, host and port count.
   */
  allowedUpstreams?: readonly string[];
}

export interface Network {
  catalog: PublishedCatalog;
  /** Shaping profiles by name: the generated ones and every trace of `traceDirs`. */
  profiles: Record<string, Profile>;
  faults: FaultBook;
  /** The hosts foreign streams may come from through the network (streams users opened). */
  allowList: AllowList;
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
  /** The simulated clock of the fill window, or null without one. */
  clock(): SimulatedClockState | null;
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

/** Configured upstream hosts as URLs, or an error naming the bad one and the fix. */
function checkAllowedUpstreams(urls: readonly string[]): URL[] {
  return urls.map((text) => {
    const checked = checkUpstreamUrl(text);
    if (!checked.ok)
      throw new Error(`--allow-upstream "${text}": ${checked.error} (give it as http://host:port)`);
    return checked.url;
  });
}

export async function startNetwork(options: NetworkOptions): Promise<Network> {
  const host = options.host ?? "127.0.0.1";
  const ports = options.ports ?? {};
  const topology = options.topology ?? DEFAULT_TOPOLOGY;
  const specs = options.appliances ?? localApplianceSpecs(topology, options.applianceKind);
  checkApplianceIds(specs);
  // Before any server starts: a missing nginx is one line naming the package, nothing to undo.
  if (specs.some((s) => s.kind === "nginx")) nginxBinary();
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

  const allowList = new AllowList(checkAllowedUpstreams(options.allowedUpstreams ?? []));
  const upstream = new Upstream(allowList, {
    ...DEFAULT_UPSTREAM_LIMITS,
    ...options.upstreamLimits,
  });
  const origin = await buildOrigin({
    catalogDir: options.catalogDir,
    proxy: { upstream, allowList },
  });
  const originUrl = await origin.listen({ host, port: ports.origin ?? 0 });
  const publicHost = options.publicHost ?? host;
  /** A listening URL as others reach it. */
  const reachable = (url: string) => {
    const parsed = new URL(url);
    parsed.hostname = publicHost;
    return parsed.href;
  };
  const originBase = reachable(`${originUrl}/`);

  let steeringListener: Listener | undefined;
  const steering = await buildSteering({
    catalog,
    originBaseUrl: originBase,
    publicBaseUrl: () => (steeringListener ? reachable(steeringListener.baseUrl) : ""),
    heartbeatTimeoutMs: options.heartbeatTimeoutMs,
    heartbeatSecret,
    appOrigins,
    allowList,
    regions: regionMap(topology),
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
    ...(options.publicHost ? { publicHost: options.publicHost } : {}),
    ports: ports.appliances,
    originBaseUrl: originBase,
    catalog,
    faults,
    report: (status) => steering.report(status),
    heartbeatMs: options.heartbeatMs,
    // A cache key is a catalog path, or a foreign stream's upstream URL (appliance.ts).
    upstream: { fetch: (url) => upstream.fetch(url), refusal: (url) => allowList.refusal(url) },
  });
  try {
    await fleet.start();
  } catch (error) {
    await Promise.allSettled([
      fleet.close(),
      steeringListener.stop(),
      origin.close(),
      steering.app.close(),
    ]);
    throw error;
  }
  const fillWindow = options.fillWindow === undefined ? topology.fillWindow : options.fillWindow;
  const clock = fillWindow ? new SimulatedClock(fillWindow) : null;
  if (clock) fleet.fillInWindow(clock);
  const appliances = fleet.appliances;

  let admin: Awaited<ReturnType<typeof buildAdmin>> | undefined;
  const network: Network = {
    catalog,
    profiles,
    faults,
    allowList,
    appliances,
    steering,
    steeringListener,
    heartbeatSecret,
    appOrigins,
    urls: {
      origin: originBase,
      steering: reachable(steeringListener.baseUrl),
      admin: "",
      appliances: Object.fromEntries(appliances.map((a) => [a.id, a.baseUrl])),
    },
    fill: (appliance, titles) => fleet.fill(appliance, titles),
    popularTitles: (top) => fleet.popularTitles(top),
    reconcile: () => fleet.reconcile(),
    clock: () => clock?.state() ?? null,
    titleTotals: () => fleet.titleTotals(),
    async reset({ keepCaches = false } = {}) {
      faults.clear();
      await fleet.reset({ keepCaches });
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
  network.urls.admin = reachable(`${adminUrl}/`);
  return network;
}
