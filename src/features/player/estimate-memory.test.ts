import { describe, expect, it } from "vitest";
import {
  applianceKey,
  DEFAULT_MEMORY,
  EstimateMemory,
  hostKey,
  MEMORY_KEY,
  priorWeight,
  type StorageLike,
} from "./estimate-memory.ts";

class MapStorage implements StorageLike {
  readonly items = new Map<string, string>();
  getItem(key: string) {
    return this.items.get(key) ?? null;
  }
  setItem(key: string, value: string) {
    this.items.set(key, value);
  }
}

const HOUR = 60 * 60_000;

describe("priorWeight: a remembered figure ages", () => {
  it("is worth a few seconds of transfer fresh, half after an hour, nothing after a day", () => {
    expect(priorWeight(0)).toBe(DEFAULT_MEMORY.priorWeightSec);
    expect(priorWeight(HOUR)).toBeCloseTo(DEFAULT_MEMORY.priorWeightSec / 2, 5);
    expect(priorWeight(3 * HOUR)).toBeCloseTo(DEFAULT_MEMORY.priorWeightSec / 8, 5);
    // Below a quarter of a second it is not worth seeding.
    expect(priorWeight(5 * HOUR)).toBe(0);
    expect(priorWeight(25 * HOUR)).toBe(0);
    expect(priorWeight(-1)).toBe(0);
  });
});

describe("EstimateMemory", () => {
  it("recalls what was measured per appliance and per host, with its age", () => {
    let now = 1_000_000;
    const storage = new MapStorage();
    const memory = new EstimateMemory(storage, () => now);
    memory.remember(applianceKey("isp-a-1"), 3_000_000);
    memory.remember(hostKey("cdn.example"), 800_000);
    now += HOUR;
    expect(memory.recall(applianceKey("isp-a-1"))).toEqual({
      bitsPerSecond: 3_000_000,
      weightSec: DEFAULT_MEMORY.priorWeightSec / 2,
      ageMs: HOUR,
    });
    expect(memory.recall(hostKey("cdn.example"))?.bitsPerSecond).toBe(800_000);
    expect(memory.recall(applianceKey("isp-b-1"))).toBeNull();
    // A new session on the same storage sees the same.
    expect(new EstimateMemory(storage, () => now).recall(applianceKey("isp-a-1"))).not.toBeNull();
    now += 24 * HOUR;
    expect(memory.recall(applianceKey("isp-a-1"))).toBeNull();
  });

  it("keeps the latest figure per key and only the most recent keys", () => {
    let now = 0;
    const memory = new EstimateMemory(new MapStorage(), () => now, {
      ...DEFAULT_MEMORY,
      maxEntries: 2,
    });
    for (const id of ["a", "b", "c"]) {
      now += 1_000;
      memory.remember(applianceKey(id), 1_000_000);
    }
    memory.remember(applianceKey("c"), 2_000_000);
    expect(memory.recall(applianceKey("a"))).toBeNull();
    expect(memory.recall(applianceKey("b"))).not.toBeNull();
    expect(memory.recall(applianceKey("c"))?.bitsPerSecond).toBe(2_000_000);
  });

  it("survives unreadable, foreign or refused storage, and no storage at all", () => {
    const storage = new MapStorage();
    storage.setItem(MEMORY_KEY, "{not json");
    const memory = new EstimateMemory(storage, () => 0);
    expect(memory.recall(applianceKey("a"))).toBeNull();
    storage.setItem(MEMORY_KEY, JSON.stringify({ "appliance:a": { bitsPerSecond: -5, atMs: 0 } }));
    expect(memory.recall(applianceKey("a"))).toBeNull();
    // Writing over garbage works.
    memory.remember(applianceKey("a"), 1_000_000);
    expect(memory.recall(applianceKey("a"))?.bitsPerSecond).toBe(1_000_000);
    const refusing: StorageLike = {
      getItem: () => null,
      setItem: () => {
        throw new Error("QuotaExceededError");
      },
    };
    expect(() => new EstimateMemory(refusing).remember("k", 1e6)).not.toThrow();
    const none = new EstimateMemory(null);
    none.remember("k", 1e6);
    expect(none.recall("k")).toBeNull();
  });

  it("ignores nonsense figures", () => {
    const memory = new EstimateMemory(new MapStorage(), () => 0);
    memory.remember("k", Number.NaN);
    memory.remember("k", 0);
    memory.remember("k", Number.POSITIVE_INFINITY);
    expect(memory.recall("k")).toBeNull();
  });
});
