/**
 * An appliance's cache: objects (whole files) in memory up to a byte capacity, filled from the
 * origin on a miss or ahead of demand, evicted least-recently-used first. A fill takes the
 * time a real one would: a fixed delay plus the object's size at the fill link's rate.
 */
export interface CachedObject {
  body: Buffer;
  contentType: string;
  etag: string;
  /** Title id the object belongs to, or null for files outside a title. */
  title: string | null;
  /** Kept this long at most (a live playlist of a foreign stream changes); absent: for good. */
  maxAgeMs?: number;
  /** When it was filled (set by the cache). */
  filledAtMs?: number;
}

export interface FillLink {
  delayMs: number;
  bitsPerSecond: number;
}

export interface CacheStats {
  usedBytes: number;
  objects: number;
  fills: number;
  fillBytes: number;
  evictions: number;
}

/**
 * What an appliance serves from: this in-process cache, or an nginx in front of the origin
 * (nginx.ts). The appliance's own layer (shaping, faults, counters) is the same over either.
 */
export interface ApplianceStore {
  readonly capacityBytes: number;
  /** The object and whether the cache held it, or null when the origin has no such file. */
  get(path: string): Promise<{ object: CachedObject; hit: boolean } | null>;
  /** Held now (for a fill: nothing to fetch). */
  has(path: string): boolean;
  /** Into the cache ahead of demand; null when the origin has no such file. */
  fill(path: string): Promise<CachedObject | null>;
  /** Bytes held per title, for the steering service's "has the title" factor. */
  titleBytes(): Map<string, number>;
  snapshot(): CacheStats;
  /** Empty the cache and its counters. */
  clear(): Promise<void>;
  /** False while the cache cannot serve (its nginx stopped): the appliance reports unhealthy. */
  healthy(): boolean;
  /** A cache in a process of its own (nginx), which the admin API may stop and start. */
  readonly engine?: CacheEngine;
}

export interface CacheEngine {
  readonly name: string;
  readonly running: boolean;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export type Fetcher = (catalogPath: string) => Promise<Omit<CachedObject, "title"> | null>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class ApplianceCache implements ApplianceStore {
  private readonly objects = new Map<string, CachedObject>();
  private readonly inFlight = new Map<string, Promise<CachedObject | null>>();
  private readonly bytesByTitle = new Map<string, number>();
  private stats: CacheStats = { usedBytes: 0, objects: 0, fills: 0, fillBytes: 0, evictions: 0 };

  constructor(
    readonly capacityBytes: number,
    private readonly fetchFromOrigin: Fetcher,
    public fillLink: FillLink,
    private readonly titleOf: (catalogPath: string) => string | null,
    private readonly now: () => number = Date.now,
  ) {}

  /** The object if cached and not too old (and now most recently used), else undefined. */
  lookup(path: string): CachedObject | undefined {
    const hit = this.objects.get(path);
    if (hit?.maxAgeMs !== undefined && this.now() - (hit.filledAtMs ?? 0) >= hit.maxAgeMs) {
      this.remove(path);
      return undefined;
    }
    if (hit) {
      this.objects.delete(path);
      this.objects.set(path, hit);
    }
    return hit;
  }

  async get(path: string): Promise<{ object: CachedObject; hit: boolean } | null> {
    const held = this.lookup(path);
    if (held) return { object: held, hit: true };
    const object = await this.fill(path);
    return object ? { object, hit: false } : null;
  }

  healthy(): boolean {
    return true;
  }

  has(path: string): boolean {
    return this.objects.has(path);
  }

  /** Fetch from the origin and keep; concurrent requests for one path share one fill. */
  fill(path: string): Promise<CachedObject | null> {
    const existing = this.inFlight.get(path);
    if (existing) return existing;
    const promise = this.doFill(path).finally(() => this.inFlight.delete(path));
    this.inFlight.set(path, promise);
    return promise;
  }

  private async doFill(path: string): Promise<CachedObject | null> {
    const fetched = await this.fetchFromOrigin(path);
    if (!fetched) return null;
    const { delayMs, bitsPerSecond } = this.fillLink;
    await sleep(delayMs + (fetched.body.length * 8 * 1000) / bitsPerSecond);
    const object: CachedObject = { ...fetched, title: this.titleOf(path), filledAtMs: this.now() };
    this.stats.fills++;
    this.stats.fillBytes += object.body.length;
    this.store(path, object);
    return object;
  }

  private store(path: string, object: CachedObject): void {
    const size = object.body.length;
    if (size > this.capacityBytes) return; // larger than the whole cache: serve, never keep
    this.remove(path);
    while (this.stats.usedBytes + size > this.capacityBytes) {
      const oldest = this.objects.keys().next().value;
      if (oldest === undefined) break;
      this.remove(oldest);
      this.stats.evictions++;
    }
    this.objects.set(path, object);
    this.stats.usedBytes += size;
    this.stats.objects = this.objects.size;
    if (object.title)
      this.bytesByTitle.set(object.title, (this.bytesByTitle.get(object.title) ?? 0) + size);
  }

  private remove(path: string): void {
    const old = this.objects.get(path);
    if (!old) return;
    this.objects.delete(path);
    this.stats.usedBytes -= old.body.length;
    this.stats.objects = this.objects.size;
    if (old.title)
      this.bytesByTitle.set(old.title, (this.bytesByTitle.get(old.title) ?? 0) - old.body.length);
  }

  /** Bytes held per title, for the steering service's "has the title" factor. */
  titleBytes(): Map<string, number> {
    return new Map([...this.bytesByTitle].filter(([, bytes]) => bytes > 0));
  }

  async clear(): Promise<void> {
    this.objects.clear();
    this.bytesByTitle.clear();
    this.stats = { usedBytes: 0, objects: 0, fills: 0, fillBytes: 0, evictions: 0 };
  }

  snapshot(): CacheStats {
    return { ...this.stats };
  }
}
