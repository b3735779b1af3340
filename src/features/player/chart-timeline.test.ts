import { describe, expect, it } from "vitest";
import { CHART_WINDOW, type ChartSample, ChartTimeline } from "./chart-timeline.ts";

const at = (atMs: number, over: Partial<ChartSample> = {}) => ({
  atMs,
  bufferSec: 4,
  estimateBps: 2e6,
  renditionId: "h264-720p",
  bitrateBps: 2.5e6,
  height: 720,
  applianceId: "isp-a-1",
  ...over,
});

describe("ChartTimeline", () => {
  it("measures the segments of each interval, and marks rendition and appliance changes", () => {
    const t = new ChartTimeline();
    t.record(at(0));
    t.segment(250_000, 1000); // 2 Mbit in 1 s
    t.segment(250_000, 1000);
    t.record(at(500, { renditionId: "h264-480p", height: 480 }));
    t.record(at(1000, { renditionId: "h264-480p", height: 480, applianceId: "isp-b-1" }));
    const { samples, marks } = t.view();
    expect(samples.map((s) => s.measuredBps)).toEqual([null, 2e6, null]);
    expect(marks).toEqual([
      { atMs: 500, kind: "rendition", label: "480p" },
      { atMs: 1000, kind: "appliance", label: "isp-b-1" },
    ]);
  });

  it("stays under a fixed count over a 10-minute session sampled every 250 ms", () => {
    const t = new ChartTimeline();
    for (let ms = 0; ms <= 10 * 60_000; ms += 250) {
      t.segment(100_000, 200);
      // A switch every 2 s: far more changes than the window keeps.
      t.record(at(ms, { renditionId: ms % 4000 < 2000 ? "a" : "b" }));
    }
    const { samples, marks } = t.view();
    expect(samples.length).toBe(CHART_WINDOW.points);
    expect(marks.length).toBeLessThanOrEqual(CHART_WINDOW.marks);
    // Only changes inside the window are kept.
    expect(marks.every((m) => m.atMs >= samples[0]!.atMs)).toBe(true);
  });
});
