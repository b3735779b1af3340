/**
 * The appliances of one network, run together: built from their specs, started, reporting to
 * the steering service every heartbeat, filled on demand or in the fill window, brought up
 * and down to match the "down" faults. `startNetwork` (network.ts) composes this with the
 * origin, the steering service and the admin API; nothing here knows about those servers
 * beyond a fetch from the origin and a report to steering.
 */
import { rm } from "node:fs/promises";
import path from "node:path";
import type { ApplianceStatus } from "../../src/schemas/steering.ts";
import type { PublishedCatalog } from "../catalog/store.ts";
import { type FaultBook, targetOf } from "../faults/faults.ts";
import type { SimulatedClock } from "../fill-window.ts";
import { Appliance, originFetcher } from "./appliance.ts";
import { ApplianceCache, type ApplianceStore, type CachedObject, type FillLink } from "./cache.ts";
import {
  freePort,
  NGINX_RUNS_DIR,
  NginxProcess,
  NginxStore,
  nginxBinary,
  sweepStaleRuns,
} from "./nginx.ts";

export interface ApplianceSpec {
  id: string;
  region: string;
  /** "node": the in-process cache (the default); "nginx": an nginx in front of the origin. */
  kind?: "node" | "nginx";
  capacityBytes: number;
  fill: FillLink;
  capacitySessions: number;
  capacityBps: number;
}

export interface FleetOptions {
  specs: readonly ApplianceSpec[];
  host: string;
  /** The host name others reach the appliances by, when not `host` (a port must be given). */
  publicHost?: string;
  /** One port per spec, in order; 0 or absent picks a free one. */
  ports?: readonly number[];
  /** The origin's base URL, ending in "/": where caches fill from. */
  originBaseUrl: string;
  catalog: PublishedCatalog;
  faults: FaultBook;
  /** Where nginx appliances keep their prefixes (a folder per run under it). */
  nginxRunsDir?: string;
  /** Hand a status to the steering service (in-process: no secret needed). */
  report: (status: ApplianceStatus) => void;
  heartbeatMs?: number;
  /** Foreign streams (the proxy): where their files come from and which hosts may be asked.
   * Absent: the appliances serve the catalog only. */
  upstream?: {
    fetch: (url: URL) => Promise<Omit<CachedObject, "title">>;
    refusal: (url: URL) => string | null;
  };
}

export class ApplianceFleet {
  readonly appliances: Appliance[];
  private totals = new Map<string, number>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly nginxStores: NginxStore[] = [];
  /** This run's folder of nginx prefixes, removed on close; null without nginx appliances. */
  private readonly runDir: string | null;

  constructor(private readonly options: FleetOptions) {
    const fetchFromOrigin = originFetcher(options.originBaseUrl);
    // A cache key is a catalog path, or a foreign stream's upstream URL (appliance.ts).
    const upstream = options.upstream;
    const fillObject = async (key: string) =>
      upstream && /^https?:\/\//.test(key) ? upstream.fetch(new URL(key)) : fetchFromOrigin(key);
    const usesNginx = options.specs.some((s) => s.kind === "nginx");
    // Checked before anything runs: a missing nginx is one line naming the package.
    const binary = usesNginx ? nginxBinary() : "";
    const runsDir = options.nginxRunsDir ?? NGINX_RUNS_DIR;
    this.runDir = usesNginx
      ? path.join(runsDir, `${process.pid}-${Date.now().toString(36)}`)
      : null;
    this.appliances = options.specs.map((spec, i) => {
      const titleOf = (p: string) => targetOf(spec.id, p).title;
      let cache: ApplianceStore;
      if (spec.kind === "nginx" && this.runDir) {
        const store = new NginxStore(
          new NginxProcess(
            {
              id: spec.id,
              prefix: path.join(this.runDir, spec.id),
              port: 0,
              originBaseUrl: options.originBaseUrl,
              capacityBytes: spec.capacityBytes,
              fillBitsPerSecond: spec.fill.bitsPerSecond,
            },
            binary,
          ),
          titleOf,
        );
        this.nginxStores.push(store);
        cache = store;
      } else {
        cache = new ApplianceCache(spec.capacityBytes, fillObject, { ...spec.fill }, titleOf);
      }
      return new Appliance(
        {
          id: spec.id,
          region: spec.region,
          host: options.host,
          port: options.ports?.[i] ?? 0,
          ...(options.publicHost && options.ports?.[i]
            ? { publicBaseUrl: `http://${options.publicHost}:${options.ports[i]}/` }
            : {}),
          capacitySessions: spec.capacitySessions,
          capacityBps: spec.capacityBps,
          ...(upstream ? { upstreamRefusal: upstream.refusal } : {}),
        },
        cache,
        options.faults,
      );
    });
  }

  /** Start every appliance and the heartbeat; resolves once each one listens and has reported. */
  async start(): Promise<void> {
    if (this.runDir) {
      await sweepStaleRuns(path.dirname(this.runDir));
      for (const store of this.nginxStores) {
        store.nginx.options.port = await freePort();
        await store.start();
      }
    }
    for (const appliance of this.appliances) await appliance.start();
    await this.refreshTotals();
    this.heartbeat();
    this.every(this.options.heartbeatMs ?? 1_000, () => this.heartbeat());
    this.every(10_000, () => void this.refreshTotals());
  }

  /** Bytes of every title, for "how much of the title does this cache hold". */
  titleTotals(): Map<string, number> {
    return this.totals;
  }

  private async refreshTotals(): Promise<void> {
    try {
      const next = new Map<string, number>();
      for (const title of (await this.options.catalog.read()).titles) {
        const files = (await this.options.catalog.titleFiles(title.id)) ?? [];
        next.set(
          title.id,
          files.reduce((sum, f) => sum + f.sizeBytes, 0),
        );
      }
      this.totals = next;
    } catch {
      // No catalog yet: nothing is held anywhere.
    }
  }

  /** Every appliance that is up reports now (ids were checked, so no report is refused). */
  heartbeat(): void {
    for (const appliance of this.appliances)
      if (appliance.isUp) this.options.report(appliance.status(this.totals));
  }

  /** Fill titles into an appliance's cache; resolves when every file is in. */
  async fill(appliance: Appliance, titles: string[]): Promise<{ files: number; bytes: number }> {
    let files = 0;
    let bytes = 0;
    for (const id of titles) {
      const list = await this.options.catalog.titleFiles(id);
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
    this.heartbeat();
    return { files, bytes };
  }

  /** The `top` most requested titles across the fleet (catalog order breaks ties). */
  async popularTitles(top: number): Promise<string[]> {
    const counts = new Map<string, number>();
    for (const appliance of this.appliances) {
      for (const [title, n] of appliance.popularity())
        counts.set(title, (counts.get(title) ?? 0) + n);
    }
    const ids = (await this.options.catalog.read()).titles.map((t) => t.id);
    return [...ids].sort((a, b) => (counts.get(b) ?? 0) - (counts.get(a) ?? 0)).slice(0, top);
  }

  /**
   * Every `everySec` while the simulated clock is off-peak, each appliance that is up fills the
   * `top` most requested titles.
   */
  fillInWindow(clock: SimulatedClock): void {
    const { everySec, top } = clock.window;
    this.every(everySec * 1000, () => {
      if (!clock.offPeak()) return;
      void this.popularTitles(top).then((titles) =>
        Promise.allSettled(this.appliances.filter((a) => a.isUp).map((a) => this.fill(a, titles))),
      );
    });
  }

  /** Bring appliances up or down to match the "down" faults, and report at once. */
  async reconcile(): Promise<void> {
    for (const appliance of this.appliances) {
      if (this.options.faults.isDown(appliance.id)) await appliance.stop();
      else await appliance.start();
    }
    this.heartbeat();
  }

  /** Unshaped, no sessions or counters; caches emptied unless kept. */
  async reset({ keepCaches = false }: { keepCaches?: boolean } = {}): Promise<void> {
    await Promise.all(this.appliances.map((a) => a.reset({ keepCache: keepCaches })));
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers.length = 0;
    await Promise.allSettled([
      ...this.appliances.map((a) => a.shutdown()),
      ...this.nginxStores.map((s) => s.close()),
    ]);
    if (this.runDir) await rm(this.runDir, { recursive: true, force: true });
  }

  private every(ms: number, run: () => void): void {
    const timer = setInterval(run, ms);
    timer.unref();
    this.timers.push(timer);
  }
}
