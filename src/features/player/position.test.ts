import { describe, expect, it, vi } from "vitest";
import { createPositionReporter } from "./position.ts";

describe("createPositionReporter", () => {
  it("reports the first tick, then at most every interval", () => {
    const report = vi.fn();
    const r = createPositionReporter(report, 5000);
    r.tick(1, 60, 0);
    r.tick(2, 60, 1000);
    r.tick(5, 60, 4999);
    r.tick(6, 60, 5000);
    r.tick(7, 60, 9000);
    r.tick(11, 60, 10_000);
    expect(report.mock.calls).toEqual([
      [1, 60],
      [6, 60],
      [11, 60],
    ]);
  });

  it("flushes the given position at once, and restarts the interval", () => {
    const report = vi.fn();
    const r = createPositionReporter(report, 5000);
    r.tick(1, 60, 0);
    r.flush(2000, 3, 60);
    r.tick(4, 60, 3000);
    r.tick(8, 60, 7000);
    expect(report.mock.calls).toEqual([
      [1, 60],
      [3, 60],
      [8, 60],
    ]);
  });

  it("flushes the last position seen when the element has none any more", () => {
    const report = vi.fn();
    const r = createPositionReporter(report, 5000);
    r.tick(1, 60, 0);
    r.tick(4, 60, 3000);
    r.flush(3500, 0, Number.NaN); // a detached element: no duration
    expect(report.mock.calls).toEqual([
      [1, 60],
      [4, 60],
    ]);
  });

  it("does not write the same position twice (pause, then unmount)", () => {
    const report = vi.fn();
    const r = createPositionReporter(report, 5000);
    r.flush(0, 12, 60);
    r.flush(100);
    expect(report).toHaveBeenCalledTimes(1);
  });

  it("ignores positions without a finite duration (live, before metadata)", () => {
    const report = vi.fn();
    const r = createPositionReporter(report, 5000);
    r.tick(3, Number.POSITIVE_INFINITY, 0);
    r.tick(3, Number.NaN, 0);
    r.tick(-1, 60, 0);
    r.flush(10);
    expect(report).not.toHaveBeenCalled();
  });
});
