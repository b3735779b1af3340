/**
 * Throughput remembered across sessions, so the first rendition of the next session comes from
 * what this viewer's link carried last time rather than a guess (large services keep such a
 * figure in the browser too). Per appliance for our titles, per host for streams from
 * elsewhere. A remembered figure ages: it enters the controller as a prior worth
 * `priorWeightSec` seconds of transfer, halved every `halfLifeMs` of age, and is forgotten
 * after `maxAgeMs`; the first real downloads soon outweigh it either way.
 */
import { z } from "zod";

export interface MemoryConfig {
  /** What a fresh figure is worth, in seconds of transfer (the slow EWMA's half-life is 5 s). */
  priorWeightSec: number;
  /** Its weight halves with each of these of age: a link an hour ago is half as telling. */
  halfLifeMs: number;
  /** Older figures are forgotten: yesterday's link may be another network altogether. */
  maxAgeMs: number;
  /** Below this weight a figure is not worth seeding. */
  minWeightSec: number;
  /** Keys kept (appliances and hosts), the most recent first. */
  maxEntries: number;
}

export const DEFAULT_MEMORY: MemoryConfig = {
  priorWeightSec: 4,
  halfLifeMs: 60 * 60_000,
  maxAgeMs: 24 * 60 * 60_000,
  minWeightSec: 0.25,
  maxEntries: 32,
};

export const MEMORY_KEY = "streamlab.throughput.v1";

const Entry = z.object({ bitsPerSecond: z.number().positive().finite(), atMs: z.number() });
const Stored = z.record(z.string().max(300), Entry);
type Stored = z.infer<typeof Stored>;

/** The part of `Storage` used (localStorage in the browser, a map in tests). */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** The memory key of an appliance of ours, or of a foreign stream's host. */
export const applianceKey = (applianceId: string) => `appliance:${applianceId}`;
export const hostKey = (host: string) => `host:${host}`;

export interface Recalled {
  bitsPerSecond: number;
  /** What it is worth now, in seconds of transfer. */
  weightSec: number;
  ageMs: number;
}

/** What a figure `ageMs` old is worth, in seconds of transfer; 0 when forgotten. */
export function priorWeight(ageMs: number, config: MemoryConfig = DEFAULT_MEMORY): number {
  if (ageMs < 0 || ageMs > config.maxAgeMs) return 0;
  const weight = config.priorWeightSec * 0.5 ** (ageMs / config.halfLifeMs);
  return weight >= config.minWeightSec ? weight : 0;
}

export class EstimateMemory {
  constructor(
    private readonly storage: StorageLike | null,
    private readonly now: () => number = Date.now,
    private readonly config: MemoryConfig = DEFAULT_MEMORY,
  ) {}

  recall(key: string): Recalled | null {
    const entry = this.read()[key];
    if (!entry) return null;
    const ageMs = this.now() - entry.atMs;
    const weightSec = priorWeight(ageMs, this.config);
    return weightSec > 0 ? { bitsPerSecond: entry.bitsPerSecond, weightSec, ageMs } : null;
  }

  remember(key: string, bitsPerSecond: number): void {
    if (!(bitsPerSecond > 0) || !Number.isFinite(bitsPerSecond) || !this.storage) return;
    const next = Object.entries({ ...this.read(), [key]: { bitsPerSecond, atMs: this.now() } })
      .sort(([, a], [, b]) => b.atMs - a.atMs)
      .slice(0, this.config.maxEntries);
    try {
      this.storage.setItem(MEMORY_KEY, JSON.stringify(Object.fromEntries(next)));
    } catch {
      // Storage full or refused (private mode): the next session simply starts without it.
    }
  }

  /** What is stored, or nothing when it is missing, unreadable or not ours. */
  private read(): Stored {
    try {
      const text = this.storage?.getItem(MEMORY_KEY);
      if (!text) return {};
      const parsed = Stored.safeParse(JSON.parse(text));
      return parsed.success ? parsed.data : {};
    } catch {
      return {};
    }
  }
}

/** The browser's localStorage, or null where there is none or it is refused. */
export function browserStorage(): StorageLike | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null;
  }
}
