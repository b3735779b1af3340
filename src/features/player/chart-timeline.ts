/**
 * What the stats charts draw, held in bounded memory: one sample per interval over the last
 * few minutes (buffer, the ABR's estimate, the throughput measured on the segments that arrived
 * in the interval, the rendition and the appliance), and the moments the rendition or the
 * appliance changed, kept only while they are inside the window.
 */
import { RingBuffer, TimeWindow } from "../../lib/ring-buffer.ts";

export interface ChartSample {
  atMs: number;
  bufferSec: number;
  estimateBps: number;
  /** Throughput of the segments that arrived in this interval; null when none did. */
  measuredBps: number | null;
  renditionId: string | null;
  bitrateBps: number | null;
  height: number | null;
  applianceId: string | null;
}

export interface ChangeMark {
  atMs: number;
  kind: "rendition" | "appliance";
  /** What it changed to: "720p", "isp-b-1". */
  label: string;
}

/** 5 minutes at one point per 500 ms (the sampler's rate): 600 points, whatever the session's length. */
export const CHART_WINDOW = {
  intervalMs: 500,
  points: 600,
  /** More changes than this in 5 minutes is a flapping player; the oldest go first. */
  marks: 200,
} as const;

export class ChartTimeline {
  private readonly samples = new TimeWindow<ChartSample>(
    CHART_WINDOW.points,
    CHART_WINDOW.intervalMs,
  );
  private readonly marks = new RingBuffer<ChangeMark>(CHART_WINDOW.marks);
  private previous: ChartSample | null = null;
  /** Segments since the last sample: bits and transfer time, for one measured figure. */
  private pendingBits = 0;
  private pendingTransferMs = 0;

  /** A segment arrived: its size and transfer time (TTFB excluded) count toward the next sample. */
  segment(sizeBytes: number, transferMs: number): void {
    if (sizeBytes <= 0 || transferMs <= 0) return;
    this.pendingBits += sizeBytes * 8;
    this.pendingTransferMs += transferMs;
  }

  record(point: Omit<ChartSample, "measuredBps">): void {
    const measuredBps =
      this.pendingTransferMs > 0 ? (this.pendingBits * 1000) / this.pendingTransferMs : null;
    this.pendingBits = 0;
    this.pendingTransferMs = 0;
    const sample: ChartSample = { ...point, measuredBps };
    const before = this.previous;
    if (before?.renditionId && sample.renditionId && before.renditionId !== sample.renditionId) {
      this.marks.push({ atMs: sample.atMs, kind: "rendition", label: `${sample.height ?? "?"}p` });
    }
    if (before?.applianceId && sample.applianceId && before.applianceId !== sample.applianceId) {
      this.marks.push({ atMs: sample.atMs, kind: "appliance", label: sample.applianceId });
    }
    this.previous = sample;
    // Two samples in one interval: the later one stands, keeping a measurement either had.
    this.samples.add(sample, (earlier, later) => ({
      ...later,
      measuredBps: later.measuredBps ?? earlier.measuredBps,
    }));
  }

  /** The window's samples (oldest first) and the changes inside it. */
  view(): { samples: ChartSample[]; marks: ChangeMark[] } {
    const samples = this.samples.points();
    const start = samples[0]?.atMs ?? Number.POSITIVE_INFINITY;
    return { samples, marks: this.marks.toArray().filter((m) => m.atMs >= start) };
  }

  get size(): number {
    return this.samples.size;
  }

  clear(): void {
    this.samples.clear();
    this.marks.clear();
    this.previous = null;
    this.pendingBits = 0;
    this.pendingTransferMs = 0;
  }
}
