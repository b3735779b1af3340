import { describe, expect, it } from "vitest";
import { RingBuffer, TimeWindow } from "./ring-buffer.ts";

describe("RingBuffer", () => {
  it("keeps the newest items, oldest first, once full", () => {
    const ring = new RingBuffer<number>(3);
    for (const n of [1, 2, 3, 4, 5]) ring.push(n);
    expect(ring.toArray()).toEqual([3, 4, 5]);
    expect(ring.size).toBe(3);
    expect(ring.first()).toBe(3);
    expect(ring.last()).toBe(5);
    ring.replaceLast(50);
    expect(ring.toArray()).toEqual([3, 4, 50]);
  });

  it("is empty after clear, and refuses a capacity that is not a whole number >= 1", () => {
    const ring = new RingBuffer<number>(2);
    ring.push(1);
    ring.clear();
    expect(ring.toArray()).toEqual([]);
    expect(ring.last()).toBeUndefined();
    expect(() => new RingBuffer(0)).toThrow(/at least 1/);
    expect(() => new RingBuffer(2.5)).toThrow(/whole number/);
  });
});

describe("TimeWindow", () => {
  it("keeps one point per interval: a faster sample replaces the interval's point", () => {
    const w = new TimeWindow<{ atMs: number; v: number }>(10, 500);
    w.add({ atMs: 0, v: 1 });
    w.add({ atMs: 250, v: 2 });
    w.add({ atMs: 500, v: 3 });
    expect(w.points()).toEqual([
      { atMs: 0, v: 2 },
      { atMs: 500, v: 3 },
    ]);
  });

  it("holds a fixed count for ten minutes of samples every 100 ms", () => {
    const w = new TimeWindow<{ atMs: number }>(600, 500);
    for (let t = 0; t <= 10 * 60_000; t += 100) w.add({ atMs: t });
    expect(w.size).toBe(600);
    // The last 5 minutes (600 x 500 ms), points at least an interval apart.
    expect(w.startMs()).toBe(10 * 60_000 - 599 * 500);
    const times = w.points().map((p) => p.atMs);
    expect(times.every((t, i) => i === 0 || t - times[i - 1]! >= 500)).toBe(true);
  });
});
