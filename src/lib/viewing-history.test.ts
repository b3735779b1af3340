import { describe, expect, it } from "vitest";
import type { StateStorage } from "zustand/middleware";
import {
  continueWatching,
  createViewingHistory,
  isFinished,
  resumePositionSec,
  STORAGE_KEY,
  watched,
} from "./viewing-history.ts";

function memoryStorage(
  initial: Record<string, string> = {},
): StateStorage & { data: Record<string, string> } {
  const data = { ...initial };
  return {
    data,
    getItem: (k) => data[k] ?? null,
    setItem: (k, v) => {
      data[k] = v;
    },
    removeItem: (k) => {
      delete data[k];
    },
  };
}

describe("resume and continue watching", () => {
  const e = (positionSec: number, durationSec: number, updatedAt = 0) => ({
    positionSec,
    durationSec,
    updatedAt,
  });

  it("resumes a started title, not one barely begun or finished", () => {
    expect(resumePositionSec(e(600, 3600))).toBe(600);
    expect(resumePositionSec(e(3, 3600))).toBe(0);
    expect(resumePositionSec(e(3500, 3600))).toBe(0);
    expect(resumePositionSec(undefined)).toBe(0);
    // A 16 s demo title: 4 s in is started, 15 s in is finished.
    expect(resumePositionSec(e(4, 16))).toBe(4);
    expect(isFinished(e(15, 16))).toBe(true);
  });

  it("lists unfinished titles most recent first, and watched ones including finished", () => {
    const entries = {
      a: e(100, 1000, 1),
      b: e(990, 1000, 3),
      c: e(200, 1000, 2),
      d: e(1, 1000, 4),
    };
    expect(continueWatching(entries)).toEqual(["c", "a"]);
    expect(watched(entries)).toEqual(["b", "c", "a"]);
  });
});

describe("viewing history store", () => {
  it("persists across a reload (a new store on the same storage)", async () => {
    const storage = memoryStorage();
    const first = createViewingHistory(storage);
    first.getState().record("grain", 42, 120, 1000);
    const second = createViewingHistory(storage);
    await second.persist.rehydrate();
    expect(second.getState().entries.grain).toEqual({
      positionSec: 42,
      durationSec: 120,
      updatedAt: 1000,
    });
  });

  it("ignores storage it cannot read instead of breaking", async () => {
    const storage = memoryStorage({
      [STORAGE_KEY]: JSON.stringify({
        state: { entries: { x: { positionSec: "no" } } },
        version: 1,
      }),
    });
    const store = createViewingHistory(storage);
    await store.persist.rehydrate();
    expect(store.getState().entries).toEqual({});
    const garbage = createViewingHistory(memoryStorage({ [STORAGE_KEY]: "{not json" }));
    await garbage.persist.rehydrate();
    expect(garbage.getState().entries).toEqual({});
  });

  it("refuses nonsense positions and clamps past the end", () => {
    const store = createViewingHistory(memoryStorage());
    store.getState().record("a", Number.NaN, 100, 1);
    store.getState().record("b", 10, 0, 1);
    store.getState().record("c", 150, 100, 1);
    expect(Object.keys(store.getState().entries)).toEqual(["c"]);
    expect(store.getState().entries.c?.positionSec).toBe(100);
    store.getState().forget("c");
    expect(store.getState().entries).toEqual({});
  });
});
