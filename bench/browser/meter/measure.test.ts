import { describe, expect, it } from "vitest";
import type { Rendition } from "../../../src/schemas/catalog.ts";
import { rendition } from "../../sim/test-support.ts";
import {
  findStalls,
  firstFrameMs,
  type MediaEvent,
  measureRun,
  type PageEvent,
  playbackStartMs,
  type RequestRecord,
  type SampleEvent,
  segmentOf,
} from "./measure.ts";

const LOW = rendition("h264-234p-150k", 150_000, 40);
const HIGH = rendition("h264-720p-1000k", 1_000_000, 80);
/** Four 2 s segments. */
const TITLE = { renditions: [LOW, HIGH], segmentDurationsSec: [2, 2, 2, 2] };

const url = (r: Rendition, index: number) =>
  `http://127.0.0.1:48101/titles/t--abc/video/${r.id}/seg_${String(index).padStart(5, "0")}.m4s`;
const done = (r: Rendition, index: number, doneMs: number): RequestRecord => ({
  url: url(r, index),
  sentMs: doneMs - 200,
  doneMs,
  status: 200,
  failure: null,
});
const media = (type: string, t: number, currentTime = 0): MediaEvent => ({
  kind: "media",
  type,
  t,
  currentTime,
});

/**
 * Samples every 100 ms from `fromMs` to `toMs`, media time given by `timeAt` (seconds), playing
 * unless `paused` says otherwise.
 */
function samples(
  fromMs: number,
  toMs: number,
  timeAt: (t: number) => number,
  paused: (t: number) => boolean = () => false,
): SampleEvent[] {
  const out: SampleEvent[] = [];
  for (let t = fromMs; t <= toMs; t += 100) {
    out.push({
      kind: "sample",
      t,
      currentTime: timeAt(t),
      paused: paused(t),
      ended: false,
      readyState: 4,
      droppedFrames: 0,
      totalFrames: 0,
    });
  }
  return out;
}

/**
 * A scripted session: first frame at 1000 ms, playing from 1200 ms; a stall 3200-4200 ms with a
 * `waiting` event, then a silent freeze 6200-6800 ms with no event at all (status would say
 * "playing"); the run ends at 8000 ms.
 */
function scripted(): PageEvent[] {
  const mediaTime = (t: number) => {
    if (t < 1200) return 0;
    if (t < 3200) return (t - 1200) / 1000;
    if (t < 4200) return 2;
    if (t < 6200) return 2 + (t - 4200) / 1000;
    if (t < 6800) return 4;
    return 4 + (t - 6800) / 1000;
  };
  return [
    ...samples(0, 8000, mediaTime, (t) => t < 1200),
    { kind: "frame", t: 1000, mediaTime: 0 },
    media("playing", 1200),
    media("waiting", 3200, 2),
    media("playing", 4200, 2),
  ];
}

describe("firstFrameMs and playbackStartMs", () => {
  it("take the first presented frame, then the first advance of media time", () => {
    const events = scripted();
    expect(firstFrameMs(events)).toBe(1000);
    expect(playbackStartMs(events, 1000)).toBe(1200);
  });

  it("fall back to playback's start without a frame callback", () => {
    const events = scripted().filter((e) => e.kind !== "frame");
    expect(firstFrameMs(events)).toBeNull();
    const measured = measureRun({ events, requests: [], title: TITLE, endMs: 8000 });
    expect(measured.metrics.timeToFirstFrameMs).toBe(1200);
  });
});

describe("findStalls", () => {
  it("finds a stall with a waiting event and a silent freeze without one", () => {
    const { stalls, pausedMs } = findStalls(scripted(), 1200, 8000);
    expect(stalls).toHaveLength(2);
    expect(stalls[0]).toEqual({ startMs: 3200, endMs: 4200, ongoing: false });
    expect(stalls[1]!.startMs).toBeCloseTo(6200, -1);
    expect(stalls[1]!.endMs).toBeCloseTo(6800, -1);
    expect(pausedMs).toBe(0);
  });

  it("lets a stall that never ends run to the end of the run", () => {
    const events = samples(0, 3000, (t) => Math.min(t, 2000) / 1000);
    const { stalls } = findStalls(events, 0, 5000);
    expect(stalls).toEqual([{ startMs: 2000, endMs: 5000, ongoing: true }]);
  });

  it("does not count time paused, nor a single late sample", () => {
    const paused = samples(
      0,
      3000,
      (t) => Math.min(t, 1000) / 1000,
      (t) => t > 1000,
    );
    expect(findStalls(paused, 0, 3000).stalls).toEqual([]);
    expect(findStalls(paused, 0, 3000).pausedMs).toBe(1900);
    const jitter = samples(0, 1000, (t) => t / 1000).map((s) =>
      s.t === 500 ? { ...s, currentTime: 0.4 } : s,
    );
    expect(findStalls(jitter, 0, 1000).stalls).toEqual([]);
  });
});

describe("segmentOf", () => {
  const ids = new Set([LOW.id, HIGH.id]);
  it("reads the rendition from the path and the index from the file", () => {
    expect(segmentOf(url(HIGH, 12), ids)).toEqual({ renditionId: HIGH.id, index: 12 });
  });
  it("leaves out init segments, audio and other hosts' files", () => {
    expect(segmentOf("http://h/titles/t/video/h264-234p-150k/init.mp4", ids)).toBeNull();
    expect(segmentOf("http://h/titles/t/audio/en/seg_00001.m4s", ids)).toBeNull();
    expect(segmentOf("not a url", ids)).toBeNull();
  });
});

describe("measureRun", () => {
  it("takes, per segment, the last rendition downloaded before it played, and scores QoE", () => {
    const requests = [
      done(LOW, 0, 900),
      done(LOW, 1, 1500),
      // Segment 1 fetched again at the higher rendition before it played (at 4200 ms).
      done(HIGH, 1, 3000),
      done(LOW, 2, 6000),
      // This one completes after segment 2 started playing (6800 ms): too late for it.
      done(HIGH, 2, 7000),
      { ...done(HIGH, 2, 5000), doneMs: null, failure: "net::ERR_ABORTED" },
    ];
    const { metrics, segments } = measureRun({
      events: [...scripted(), ...samples(8100, 9000, (t) => 4 + (t - 6800) / 1000)],
      requests,
      title: TITLE,
      endMs: 9000,
    });
    expect(segments.map((s) => s.renditionId)).toEqual([LOW.id, HIGH.id, LOW.id]);
    expect(segments.map((s) => Math.round(s.playedAtMs / 100) * 100)).toEqual([1200, 4200, 6800]);
    expect(metrics.timeToFirstFrameMs).toBe(1000);
    expect(metrics.startupMs).toBe(1200);
    expect(metrics.stallCount).toBe(2);
    expect(metrics.stallSec).toBeCloseTo(1.6, 1);
    expect(metrics.playedSegments).toBe(3); // 6.2 s reached: the fourth is not fully played
    expect(metrics.playedMediaSec).toBe(6);
    expect(metrics.switches).toBe(2);
    expect(metrics.averageBitrateKbps).toBeCloseTo((150 + 1000 + 150) / 3);
    expect(metrics.averageQuality).toBeCloseTo((40 + 80 + 40) / 3);
    const rebufferSec = 1.2 + metrics.stallSec;
    // Pensieve's QoE_lin: Mbit/s per 4 s segment (a 2 s one earns half), 4.3 per rebuffer s,
    // |change| per switch; QoE_q the same with score / 20.
    expect(metrics.qoeLin).toBeCloseTo((0.15 + 1 + 0.15) / 2 - 4.3 * rebufferSec - 2 * 0.85, 6);
    expect(metrics.qoeQ).toBeCloseTo((40 + 80 + 40) / 20 / 2 - 4.3 * rebufferSec - 2 * 2, 6);
    expect(metrics.qoeQPer4s).toBeCloseTo(metrics.qoeQ / (6 / 4), 6);
    expect(metrics.segmentRequests).toBe(6);
    expect(metrics.maxRequestsPerSegment).toBe(3);
    expect(metrics.abortedRequests).toBe(1);
    expect(metrics.stalledAtEnd).toBe(false);
  });

  it("charges a run that never played its whole length as startup", () => {
    const events = samples(
      0,
      5000,
      () => 0,
      () => true,
    );
    const { metrics } = measureRun({ events, requests: [], title: TITLE, endMs: 5000 });
    expect(metrics.timeToFirstFrameMs).toBeNull();
    expect(metrics.playedSegments).toBe(0);
    expect(metrics.qoeQ).toBeCloseTo(-4.3 * 5);
    expect(metrics.qoeQPer4s).toBeNull();
    expect(metrics.averageBitrateKbps).toBeNull();
  });
});
