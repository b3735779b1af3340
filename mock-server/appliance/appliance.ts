/**
 * A cache appliance: its own HTTP server (its own port, so its own origin to the browser)
 * serving catalog files from its cache, filled from the origin on a miss or ahead of demand,
 * through per-session bandwidth shaping and the injected faults. It reports health and load to
 * the steering service by heartbeat.
 *
 * The data path is a plain `node:http` handler rather than a fastify app: pacing bytes,
 * stalling, truncating and refusing connections need the raw response and socket.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApplianceState } from "../../src/schemas/admin.ts";
import type { ApplianceStatus } from "../../src/schemas/steering.ts";
import { corrupt, type FaultBook, targetOf } from "../faults/faults.ts";
import { Listener } from "../net/listener.ts";
import { contentRange, rangeFor } from "../net/range.ts";
import { MEDIA_TYPES } from "../origin.ts";
import { PROXY_PREFIX, upstreamOf } from "../proxy/allow-list.ts";
import { UpstreamError } from "../proxy/upstream.ts";
import { cutConnection, Pacer, type ShapingSpec, sendPaced } from "../shaping/rate.ts";
import type { ApplianceStore, Fetcher } from "./cache.ts";
import { safeCatalogPath } from "./request.ts";

export interface ApplianceConfig {
  id: string;
  region: string;
  host: string;
  /** 0 picks a free port on first start; the same port is reused when the appliance comes back up. */
  port: number;
  /** Sessions this appliance is sized for, and its link: the steering service's load factor. */
  capacitySessions: number;
  capacityBps: number;
  /**
   * Why a foreign stream's file may not be fetched or served (its host not allowed), or null.
   * Absent: the appliance serves the catalog only, and `/proxy/...` is refused.
   */
  upstreamRefusal?: (upstream: URL) => string | null;
  /** Where players reach it when that is not where it listens (another machine, a proxy). */
  publicBaseUrl?: string;
}

/** What a request names: the cache's key for it, and the path fault rules match against. */
type Requested = { cacheKey: string; faultPath: string };

export interface ShapingEntry {
  spec: ShapingSpec;
  description: string;
  /** Samples of an uploaded trace that this entry alone holds (profiles' traces are shared). */
  uploadedSamples?: number;
}

/** A session counts as active this long after its last request (two segment durations and some). */
const ACTIVE_SESSION_MS = 5_000;
/** Sessions an appliance lists in its state: enough for a lab, bounded for a load test. */
const MAX_LISTED_SESSIONS = 50;
const THROUGHPUT_WINDOW_MS = 1_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class Appliance {
  private readonly listener: Listener;
  private shaping: ShapingEntry = {
    spec: { rate: { kind: "unlimited" }, latencyMs: 0 },
    description: "unlimited",
  };
  private readonly sessionShaping = new Map<string, ShapingEntry>();
  private readonly pacers = new Map<string, Pacer>();
  private readonly lastSeen = new Map<string, number>();
  private readonly requestsByTitle = new Map<string, number>();
  private counters = { bytesServed: 0, requests: 0, hits: 0, misses: 0 };
  private throughputSamples: { atMs: number; bytes: number }[] = [];
  private lastBytesWritten = 0;
  private sampler: NodeJS.Timeout | undefined;

  constructor(
    readonly config: ApplianceConfig,
    readonly cache: ApplianceStore,
    private readonly faults: FaultBook,
    private readonly now: () => number = Date.now,
  ) {
    this.listener = new Listener(
      (req, res) => {
        this.handle(req, res).catch((error: unknown) => {
          // An upstream's refusal (not allowed, too large, down) is said as it is, with its status.
          const status = error instanceof UpstreamError ? error.status : 500;
          if (!res.headersSent) this.json(res, status, { error: (error as Error).message });
          else res.destroy();
        });
      },
      config.host,
      config.port,
    );
  }

  get id(): string {
    return this.config.id;
  }

  get baseUrl(): string {
    return this.config.publicBaseUrl ?? this.listener.baseUrl;
  }

  get isUp(): boolean {
    return this.listener.isUp;
  }

  async start(): Promise<void> {
    await this.listener.start();
    this.sampler ??= setInterval(() => this.sampleThroughput(), 100);
    this.sampler.unref();
  }

  /** Refuse connections: close the port and cut every open connection. */
  async stop(): Promise<void> {
    await this.listener.stop();
  }

  async shutdown(): Promise<void> {
    clearInterval(this.sampler);
    this.sampler = undefined;
    await this.stop();
  }

  setShaping(entry: ShapingEntry, session?: string): void {
    if (session) this.sessionShaping.set(session, entry);
    else {
      this.shaping = entry;
      this.sessionShaping.clear();
    }
    for (const [id, pacer] of this.pacers) {
      if (!session || id === session) pacer.setSpec(this.shapingFor(id).spec.rate);
    }
  }

  /** One session back to the appliance's own shaping. */
  clearSessionShaping(session: string): void {
    if (!this.sessionShaping.delete(session)) return;
    this.pacers.get(session)?.setSpec(this.shaping.spec.rate);
  }

  private shapingFor(session: string): ShapingEntry {
    return this.sessionShaping.get(session) ?? this.shaping;
  }

  /** The shaping in force for a session, or the appliance's default. */
  shapingOf(session?: string): ShapingEntry {
    return session ? this.shapingFor(session) : this.shaping;
  }

  /** Every shaping held: the appliance's own and each shaped session's. */
  shapings(): ShapingEntry[] {
    return [this.shaping, ...this.sessionShaping.values()];
  }

  /** What `setShaping(_, session)` would let go: that session's own, or (no session) all. */
  shapingsReplacedBy(session?: string): ShapingEntry[] {
    if (!session) return this.shapings();
    const own = this.sessionShaping.get(session);
    return own ? [own] : [];
  }

  /** Sessions with a shaping of their own. */
  get shapedSessions(): number {
    return this.sessionShaping.size;
  }

  /** Back to a fresh appliance: unshaped, no sessions or counters, an empty cache unless kept. */
  async reset({ keepCache = false }: { keepCache?: boolean } = {}): Promise<void> {
    this.setShaping({
      spec: { rate: { kind: "unlimited" }, latencyMs: 0 },
      description: "unlimited",
    });
    this.pacers.clear();
    this.lastSeen.clear();
    this.requestsByTitle.clear();
    this.counters = { bytesServed: 0, requests: 0, hits: 0, misses: 0 };
    if (!keepCache) await this.cache.clear();
    else if (this.cache.engine && !this.cache.engine.running) await this.cache.engine.start();
  }

  /** Requests per title served here: the network sums them to find the most popular titles. */
  popularity(): Map<string, number> {
    return new Map(this.requestsByTitle);
  }

  private sampleThroughput(): void {
    const written = this.listener.bytesWritten();
    const delta = Math.max(0, written - this.lastBytesWritten);
    this.lastBytesWritten = written;
    const at = this.now();
    this.throughputSamples.push({ atMs: at, bytes: delta });
    this.throughputSamples = this.throughputSamples.filter(
      (s) => at - s.atMs < THROUGHPUT_WINDOW_MS,
    );
  }

  throughputBps(): number {
    const bytes = this.throughputSamples.reduce((sum, s) => sum + s.bytes, 0);
    return Math.round((bytes * 8 * 1000) / THROUGHPUT_WINDOW_MS);
  }

  /** The sessions seen in the last few seconds, most recent first (at most `max`). */
  activeSessionIds(max = MAX_LISTED_SESSIONS): string[] {
    this.activeSessions(); // forgets the ones gone quiet
    return [...this.lastSeen.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, max)
      .map(([id]) => id);
  }

  activeSessions(): number {
    const at = this.now();
    let active = 0;
    for (const [session, seen] of this.lastSeen) {
      if (at - seen < ACTIVE_SESSION_MS) active++;
      else {
        this.lastSeen.delete(session);
        this.pacers.delete(session);
      }
    }
    return active;
  }

  /** What the steering service needs to rank this appliance. */
  status(titleTotals: Map<string, number>): ApplianceStatus {
    const titles: Record<string, number> = {};
    for (const [title, bytes] of this.cache.titleBytes()) {
      const total = titleTotals.get(title);
      if (total) titles[title] = Math.min(1, bytes / total);
    }
    return {
      id: this.id,
      baseUrl: this.baseUrl,
      region: this.config.region,
      healthy: this.isUp && this.cache.healthy(),
      lastHeartbeatMs: this.now(),
      activeSessions: this.activeSessions(),
      capacitySessions: this.config.capacitySessions,
      throughputBps: this.throughputBps(),
      capacityBps: this.config.capacityBps,
      titles,
    };
  }

  state(titleTotals: Map<string, number>): ApplianceState {
    const cache = this.cache.snapshot();
    const lookups = this.counters.hits + this.counters.misses;
    const sessions: Record<string, string> = {};
    for (const [id, entry] of this.sessionShaping) sessions[id] = entry.description;
    return {
      id: this.id,
      region: this.config.region,
      baseUrl: this.baseUrl,
      up: this.isUp,
      capacityBytes: this.cache.capacityBytes,
      usedBytes: cache.usedBytes,
      shaping: {
        description: this.shaping.description,
        latencyMs: this.shaping.spec.latencyMs,
        sessions,
      },
      activeSessionIds: this.activeSessionIds(),
      counters: {
        ...this.counters,
        hitRatio: lookups > 0 ? this.counters.hits / lookups : 0,
        fills: cache.fills,
        fillBytes: cache.fillBytes,
        evictions: cache.evictions,
        activeSessions: this.activeSessions(),
        throughputBps: this.throughputBps(),
        faultsInjected: this.faults.injectedBy(this.id),
      },
      titles: this.status(titleTotals).titles,
      ...(this.cache.engine
        ? { engine: { name: this.cache.engine.name, running: this.cache.engine.running } }
        : {}),
    };
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(text),
    });
    res.end(text);
  }

  /**
   * A catalog file (`/titles/...`, cached by its catalog path) or a foreign stream's file
   * (`/proxy/<scheme>/<host>/<path>`, cached by its upstream URL, refused unless its host is
   * allowed); or why neither.
   */
  private requested(
    url: string,
    pathname: string,
  ): Requested | { status: 400 | 403 | 404; error: string } {
    if (!pathname.startsWith(PROXY_PREFIX)) {
      const checked = safeCatalogPath(pathname);
      if ("error" in checked) return checked;
      return { cacheKey: checked.path, faultPath: checked.path };
    }
    const refusal = this.config.upstreamRefusal;
    if (!refusal) return { status: 404, error: "this appliance proxies no foreign streams" };
    const proxied = upstreamOf(withoutSessionParam(url));
    if (!proxied.ok) return proxied;
    const refused = refusal(proxied.upstream);
    if (refused) return { status: 403, error: refused };
    return { cacheKey: proxied.upstream.href, faultPath: pathname.slice(1) };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader("access-control-allow-origin", "*");
    res.setHeader(
      "access-control-expose-headers",
      "Content-Length, Content-Range, ETag, X-Cache, X-Appliance",
    );
    res.setHeader("x-appliance", this.id);
    if (req.method === "OPTIONS") {
      res.writeHead(204, {
        "access-control-allow-methods": "GET, HEAD, OPTIONS",
        "access-control-allow-headers": "Range, X-Session-Id",
        "access-control-max-age": "600",
      });
      res.end();
      return;
    }
    if (req.method !== "GET" && req.method !== "HEAD")
      return this.json(res, 405, { error: "only GET and HEAD" });
    const url = req.url ?? "/";
    if (url.length > 2048) return this.json(res, 414, { error: "URL too long" });
    const pathname = url.split("?")[0]!;
    if (pathname === "/health") return this.json(res, 200, { id: this.id, up: true });
    const requested = this.requested(url, pathname);
    if ("error" in requested) return this.json(res, requested.status, { error: requested.error });
    const { cacheKey, faultPath } = requested;

    const session = sessionOf(req);
    this.lastSeen.set(session, this.now());
    this.counters.requests++;
    const target = targetOf(this.id, faultPath);
    const fault = this.faults.draw(target);

    if (this.cache.engine && !this.cache.engine.running)
      return this.json(res, 502, {
        error: `appliance ${this.id}: its ${this.cache.engine.name} is stopped`,
      });
    const found = await this.cache.get(cacheKey);
    if (!found) return this.json(res, 404, { error: `not in the catalog: ${cacheKey}` });
    const { object, hit } = found;
    res.setHeader("x-cache", hit ? "HIT" : "MISS");
    if (hit) this.counters.hits++;
    else this.counters.misses++;
    // Counted once the file is known to exist: made-up paths would grow the map without end.
    // (A foreign stream's host, its fault "title", is no title of the catalog's popularity.)
    if (target.title && cacheKey === faultPath)
      this.requestsByTitle.set(target.title, (this.requestsByTitle.get(target.title) ?? 0) + 1);

    const shaping = this.shapingFor(session);
    const firstByteDelay =
      shaping.spec.latencyMs + (fault?.type === "slow-first-byte" ? fault.delayMs : 0);
    if (firstByteDelay > 0) await sleep(firstByteDelay);
    if (fault?.type === "error")
      return this.json(res, fault.status, { error: `injected fault ${fault.id}` });

    const range = rangeFor(req.method, req.headers.range, object.body.length);
    if (range === "unsatisfiable") {
      res.writeHead(416, { "content-range": contentRange(range, object.body.length) });
      res.end();
      return;
    }
    const body = range ? object.body.subarray(range.start, range.end + 1) : object.body;
    res.writeHead(range ? 206 : 200, {
      "content-type": object.contentType,
      "content-length": body.length,
      etag: object.etag,
      "accept-ranges": "bytes",
      // A live playlist of a foreign stream changes; everything else never does.
      "cache-control":
        object.maxAgeMs === undefined ? "public, max-age=31536000, immutable" : "no-cache",
      ...(range ? { "content-range": contentRange(range, object.body.length) } : {}),
    });
    if (req.method === "HEAD") {
      res.end();
      return;
    }
    // The status line goes out at once, as on a real link: only the body is paced. Held back
    // until the pacer's first chunk, a response queued behind another on a slow link had no
    // headers for seconds, and a player counted that as a dead appliance.
    res.flushHeaders();
    let pacer = this.pacers.get(session);
    if (!pacer) {
      pacer = new Pacer(shaping.spec.rate, this.now);
      this.pacers.set(session, pacer);
    }
    if (fault?.type === "stall") {
      // Part of the body first, when asked: an appliance that stops mid-segment, not closing.
      const head = body.subarray(0, Math.floor(body.length * (fault.fraction ?? 0)));
      if (head.length > 0) await sendPaced(head, res, pacer, { end: false });
      this.counters.bytesServed += head.length;
      await sleep(fault.delayMs);
      cutConnection(res);
      return;
    }
    if (fault?.type === "truncate") {
      // Not ended, cut: an ended response with a short body left a keep-alive socket open,
      // and the client saw the cut only when the idle connection timed out, 6 s later.
      const head = body.subarray(0, Math.floor(body.length * (fault.fraction ?? 0.5)));
      const { bytesSent } = await sendPaced(head, res, pacer, { end: false });
      this.counters.bytesServed += bytesSent;
      cutConnection(res);
      return;
    }
    const payload = fault?.type === "corrupt" ? corrupt(body) : body;
    await sendPaced(payload, res, pacer);
    this.counters.bytesServed += payload.length;
  }
}

/** The request URL without the `session` parameter the player adds (it is not the upstream's). */
export function withoutSessionParam(url: string): string {
  return url.replace(/([?&])session=[^&#]*(&?)/, (_all, sep: string, next: string) =>
    next ? sep : "",
  );
}

/** The client session: the player's X-Session-Id header or `session` query, else its address. */
export function sessionOf(req: IncomingMessage): string {
  const header = req.headers["x-session-id"];
  if (typeof header === "string" && header.length > 0 && header.length <= 200) return header;
  const query = new URL(req.url ?? "/", "http://x").searchParams.get("session");
  if (query && query.length <= 200) return query;
  return req.socket.remoteAddress ?? "unknown";
}

export function contentTypeFor(catalogPath: string): string {
  const dot = catalogPath.lastIndexOf(".");
  return MEDIA_TYPES[dot >= 0 ? catalogPath.slice(dot) : ""] ?? "application/octet-stream";
}

/** A cache's fetcher from the origin at `originBaseUrl` (ending in "/"). */
export function originFetcher(originBaseUrl: string): Fetcher {
  return async (catalogPath) => {
    const response = await fetch(`${originBaseUrl}${catalogPath}`);
    // The origin refusing a path (404, 403) means the file is not in the catalog.
    if (response.status >= 400 && response.status < 500) return null;
    if (!response.ok) throw new Error(`origin answered ${response.status} for ${catalogPath}`);
    return {
      body: Buffer.from(await response.arrayBuffer()),
      contentType: response.headers.get("content-type") ?? contentTypeFor(catalogPath),
      etag: response.headers.get("etag") ?? `"${catalogPath}"`,
    };
  };
}
