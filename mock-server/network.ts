/**
 * The whole delivery network in one process: origin, steering service, appliances and the admin
 * API, each its own HTTP server on loopback. `startNetwork` is what `npm start`, the e2e tests
 * and the integration tests use; the order below is the order things must start in (the origin
 * first: appliances fill from it; the steering service before the appliances report to it).
 */

import { ApplianceId } from "../src/schemas/steering.ts";
import { buildAdmin } from "./admin/admin.ts";
import { Appliance, contentTypeFor } from "./appliance/appliance.ts";
import { ApplianceCache, type FillLink } from "./appliance/cache.ts";
import { PublishedCatalog } from "./catalog/store.ts";
import { FaultBook, targetOf } from "./faults/faults.ts";
import { normaliseOrigins } from "./net/doors.ts";
import { Listener } from "./net/listener.ts";
import { buildOrigin } from "./origin.ts";
import { AllowList, checkUpstreamUrl } from "./proxy/allow-list.ts";
import { DEFAULT_UPSTREAM_LIMITS, Upstream, type UpstreamLimits } from "./proxy/upstream.ts";
import { describeSpec, loadTraceFolder, PROFILES, type Profile } from "./shaping/profiles.ts";
import { checkConfiguredSecret, makeHeartbeatSecret } from "./steering/heartbeat.ts";
import { MAX_APPLIANCES } from "./steering/registry.ts";
import { buildSteering, type SteeringService } from "./steering/server.ts";

export interface ApplianceSpec {
  id: string;
  region: string;
  capacityBytes: number;
  fill: FillLink;
  capacitySessions: number;
  capacityBps: number;
}

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
  const originBase = `${originUrl}/`;

  let steeringListener: Listener | undefined;
  const steering = await buildSteering({
    catalog,
    originBaseUrl: originBase,
    publicBaseUrl: () => steeringListener?.baseUrl ?? "",
    heartbeatTimeoutMs: options.heartbeatTimeoutMs,
    heartbeatSecret,
    appOrigins,
    allowList,
  });
  await steering.app.ready();
  steeringListener = new Listener(
    (req, res) => steering.app.routing(req, res),
    host,
    ports.steering ?? 0,
  );
  await steeringListener.start();

  // A cache key is a catalog path, or a foreign stream's upstream URL (appliance.ts).
  const fillObject = async (key: string) =>
    /^https?:\/\//.test(key) ? upstream.fetch(new URL(key)) : fetchFromOrigin(key);
  const fetchFromOrigin = async (catalogPath: string) => {
    const response = await fetch(`${originBase}${catalogPath}`);
    // The origin refusing a path (404, 403) means the file is not in the catalog.
    if (response.status >= 400 && response.status < 500) return null;
    if (!response.ok) throw new Error(`origin answered ${response.status} for ${catalogPath}`);
    return {
      body: Buffer.from(await response.arrayBuffer()),
      contentType: response.headers.get("content-type") ?? contentTypeFor(catalogPath),
      etag: response.headers.get("etag") ?? `"${catalogPath}"`,
    };
  };

  const appliances = specs.map((spec, i) => {
    const cache = new ApplianceCache(
      spec.capacityBytes,
      fillObject,
      { ...spec.fill },
      (p) => targetOf(spec.id, p).title,
    );
    return new Appliance(
      {
        id: spec.id,
        region: spec.region,
        host,
        port: ports.appliances?.[i] ?? 0,
        capacitySessions: spec.capacitySessions,
        capacityBps: spec.capacityBps,
        upstreamRefusal: (url) => allowList.refusal(url),
      },
      cache,
      faults,
    );
  });
  for (const appliance of appliances) await appliance.start();

  let totals = new Map<string, number>();
  const refreshTotals = async () => {
    try {
      const next = new Map<string, number>();
      for (const title of (await catalog.read()).titles) {
        const files = (await catalog.titleFiles(title.id)) ?? [];
        next.set(
          title.id,
          files.reduce((sum, f) => sum + f.sizeBytes, 0),
        );
      }
      totals = next;
    } catch {
      // No catalog yet: nothing is held anywhere.
    }
  };
  await refreshTotals();

  // In-process, so no secret to show; ids were checked above, so no report is refused.
  const heartbeat = () => {
    for (const appliance of appliances)
      if (appliance.isUp) steering.report(appliance.status(totals));
  };
  heartbeat();
  const heartbeatTimer = setInterval(heartbeat, options.heartbeatMs ?? 1_000);
  const totalsTimer = setInterval(() => void refreshTotals(), 10_000);
  heartbeatTimer.unref();
  totalsTimer.unref();

  const fill = async (appliance: Appliance, titles: string[]) => {
    let files = 0;
    let bytes = 0;
    for (const id of titles) {
      const list = await catalog.titleFiles(id);
      if (!list) throw new Error(`no title "${id}"`);
      for (const file of list) {
        const object = appliance.cache.has(file.path)
          ? null
          : await appliance.cache.fill(file.path);
        if (object) {
          files++;
          bytes += object.body.length;
        }
      }
    }
    heartbeat();
    return { files, bytes };
  };

  const popularTitles = async (top: number) => {
    const counts = new Map<string, number>();
    for (const appliance of appliances) {
      for (const [title, n] of appliance.popularity())
        counts.set(title, (counts.get(title) ?? 0) + n);
    }
    const ids = (await catalog.read()).titles.map((t) => t.id);
    return [...ids].sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0)).slice(0, top);
  };

  let fillTimer: NodeJS.Timeout | undefined;
  if (options.fillWindow) {
    const { everySec, top } = options.fillWindow;
    fillTimer = setInterval(() => {
      void popularTitles(top).then((titles) =>
        Promise.allSettled(appliances.filter((a) => a.isUp).map((a) => fill(a, titles))),
      );
    }, everySec * 1000);
    fillTimer.unref();
  }

  const reconcile = async () => {
    for (const appliance of appliances) {
      if (faults.isDown(appliance.id)) await appliance.stop();
      else await appliance.start();
    }
    heartbeat();
  };

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
      steering: steeringListener.baseUrl,
      admin: "",
      appliances: Object.fromEntries(appliances.map((a) => [a.id, a.baseUrl])),
    },
    fill,
    popularTitles,
    reconcile,
    titleTotals: () => totals,
    async reset({ keepCaches = false } = {}) {
      faults.clear();
      for (const appliance of appliances) appliance.reset({ keepCache: keepCaches });
      steering.forget();
      await steeringListener!.start();
      await reconcile();
      // Report at once: until a heartbeat, steering knows no appliance and answers the origin.
      heartbeat();
    },
    async close() {
      clearInterval(heartbeatTimer);
      clearInterval(totalsTimer);
      clearInterval(fillTimer);
      await Promise.allSettled([
        ...appliances.map((a) => a.shutdown()),
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
