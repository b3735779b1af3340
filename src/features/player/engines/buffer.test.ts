import { describe, expect, it } from "vitest";
import { bufferAheadSec, rangesOf } from "./buffer.ts";

describe("bufferAheadSec", () => {
  it("is the end of the range holding the playhead, minus the playhead", () => {
    expect(bufferAheadSec([{ start: 0, end: 10 }], 4)).toBe(6);
  });
  it("is 0 outside any range and with no ranges", () => {
    expect(bufferAheadSec([{ start: 20, end: 30 }], 4)).toBe(0);
    expect(bufferAheadSec([], 4)).toBe(0);
  });
  it("accepts a range starting just ahead of the playhead (after a seek)", () => {
    expect(bufferAheadSec([{ start: 10.05, end: 14 }], 10)).toBeCloseTo(4);
  });
  it("bridges small holes but stops at a real gap, whatever the order", () => {
    const list = [
      { start: 30, end: 40 },
      { start: 8.05, end: 12 },
      { start: 0, end: 8 },
    ];
    expect(bufferAheadSec(list, 5)).toBe(7);
  });
});

describe("rangesOf", () => {
  it("copies TimeRanges into plain ranges", () => {
    const buffered = {
      length: 2,
      start: (i: number) => [0, 5][i]!,
      end: (i: number) => [3, 9][i]!,
    };
    expect(rangesOf(buffered)).toEqual([
      { start: 0, end: 3 },
      { start: 5, end: 9 },
    ]);
  });
});
