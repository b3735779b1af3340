/**
 * One run's figures from what was seen outside the player, pure: the page meter's events
 * (meter/page-meter.js) and the segment requests Playwright saw, all in milliseconds from the
 * navigation. The same code measures every player, ours and the stock ones.
 *
 * - First frame: the first frame the video element presented (requestVideoFrameCallback);
 *   without one, playback's start.
 * - Playback start: the first time currentTime advances after the first frame (refined by a
 *   `playing` event in that interval). Until then is startup: a frame may be shown while an
 *   autoplaying element still waits for data, and the viewer is still waiting.
 * - Stalls: after playback start, intervals where the element is neither paused nor ended and
 *   currentTime does not advance from one sample to the next, refined by `waiting` and
 *   `playing` events. A stall still open when the run ends lasts to the end (and says so).
 * - The rendition played for each segment: the last one whose download for that segment index
 *   completed before playback reached the segment.
 * - QoE_lin and QoE_q over the fully played segments, by the simulator's definitions
 *   (bench/sim/metrics.ts), each segment's utility weighted by its length over Pensieve's 4 s
 *   (a 2 s segment earns half), rebuffering = startup from navigation + stalls; also per 4 s
 *   of media so runs of different lengths compare.
 */
import { QOE_Q } from "../../../src/features/player/qoe.ts";
import type { Rendition } from "../../../src/schemas/catalog.ts";
import { qoe, utilities } from "../../sim/metrics.ts";

export interface SampleEvent {
  kind: "sample";
  t: number;
  currentTime: number;
  paused: boolean;
  ended: boolean;
  readyState: number;
  droppedFrames: number;
  totalFrames: number;
}
export interface MediaEvent {
  kind: "media";
  type: string;
  t: number;
  currentTime: number;
}
export interface FrameEvent {
  kind: "frame";
  t: number;
  mediaTime: number;
}
export type PageEvent = SampleEvent | MediaEvent | FrameEvent;

/** One HTTP request as Playwright saw it, times in ms from the navigation. */
export interface RequestRecord {
  url: string;
  sentMs: number;
  /** When its last byte arrived; null when it never completed. */
  doneMs: number | null;
  status: number | null;
  /** Playwright's failure text (`net::ERR_ABORTED` for a download the player gave up). */
  failure: string | null;
}

/** What the meter needs to know of the title: its renditions and its segments' lengths. */
export interface TitleTimeline {
  renditions: Rendition[];
  segmentDurationsSec: number[];
}

export interface Stall {
  startMs: number;
  endMs: number;
  /** Still stalled when the run ended. */
  ongoing: boolean;
}

export interface PlayedSegment {
  index: number;
  /** When playback reached the segment. */
  playedAtMs: number;
  renditionId: string | null;
}

export interface RunMetrics {
  timeToFirstFrameMs: number | null;
  /** From the navigation to playback moving: the startup that QoE charges. */
  startupMs: number | null;
  stallCount: number;
  stallSec: number;
  stalledAtEnd: boolean;
  /** Paused after playback started (no player here should pause by itself). */
  pausedSec: number;
  /** The media time reached. */
  mediaSec: number;
  playedSegments: number;
  playedMediaSec: number;
  qoeLin: number;
  qoeQ: number;
  /** QoE per 4 s of media played (the Pensieve segment), null when nothing was played. */
  qoeLinPer4s: number | null;
  qoeQPer4s: number | null;
  averageBitrateKbps: number | null;
  averageQuality: number | null;
  switches: number;
  /** Played segments whose rendition the requests do not tell (left out of QoE). */
  unknownRenditions: number;
  segmentRequests: number;
  /** The most requests any one segment index got (more than 1: fetched again). */
  maxRequestsPerSegment: number;
  abortedRequests: number;
  failedRequests: number;
  droppedFrames: number;
}

export interface Measurement {
  metrics: RunMetrics;
  stalls: Stall[];
  segments: PlayedSegment[];
}

/** currentTime moved at all between two samples. */
const MIN_ADVANCE_SEC = 0.001;
/** Shorter freezes are sampling jitter: samples are 100 ms apart and a frame at 24 fps is 42 ms. */
export const MIN_STALL_MS = 150;
/** Playwright's and the page's clocks can disagree by a few ms: a download this close counts. */
const CLOCK_SLACK_MS = 50;
/** A segment counts as played once media time is this close to its end. */
const END_SLACK_SEC = 0.05;

const samplesOf = (events: PageEvent[]) =>
  events.filter((e): e is SampleEvent => e.kind === "sample").sort((a, b) => a.t - b.t);
const mediaOf = (events: PageEvent[], type: string) =>
  events.filter((e): e is MediaEvent => e.kind === "media" && e.type === type);
const firstIn = (events: MediaEvent[], fromMs: number, toMs: number) =>
  events.filter((e) => e.t > fromMs && e.t <= toMs).sort((a, b) => a.t - b.t)[0] ?? null;
const isIdle = (s: SampleEvent) => s.paused || s.ended;

interface Download {
  renditionId: string;
  doneMs: number;
}

/** The first frame presented; null when the meter saw none. */
export function firstFrameMs(events: PageEvent[]): number | null {
  const frames = events.filter((e) => e.kind === "frame").map((e) => e.t);
  return frames.length > 0 ? Math.min(...frames) : null;
}

/** When currentTime first advanced while playing, at or after `fromMs`; null if it never did. */
export function playbackStartMs(events: PageEvent[], fromMs: number): number | null {
  const samples = samplesOf(events);
  const playing = mediaOf(events, "playing");
  for (let i = 1; i < samples.length; i++) {
    const prev = samples[i - 1]!;
    const cur = samples[i]!;
    if (cur.t < fromMs || isIdle(cur)) continue;
    const advance = cur.currentTime - prev.currentTime;
    if (advance <= MIN_ADVANCE_SEC) continue;
    const event = firstIn(playing, prev.t, cur.t);
    const estimate = Math.max(prev.t, cur.t - advance * 1000);
    return Math.max(fromMs, event?.t ?? estimate);
  }
  return null;
}

/** Stalls after `fromMs` (playback's start) up to `endMs` (the run's end), and time paused. */
export function findStalls(
  events: PageEvent[],
  fromMs: number,
  endMs: number,
): { stalls: Stall[]; pausedMs: number } {
  const samples = samplesOf(events).filter((s) => s.t >= fromMs);
  const waiting = mediaOf(events, "waiting");
  const playing = mediaOf(events, "playing");
  const stalls: Stall[] = [];
  let pausedMs = 0;
  let openAt: number | null = null;
  const close = (at: number, ongoing: boolean) => {
    if (openAt !== null && at - openAt >= MIN_STALL_MS)
      stalls.push({ startMs: openAt, endMs: at, ongoing });
    openAt = null;
  };
  for (let i = 1; i < samples.length; i++) {
    const before = samples[i - 2];
    const prev = samples[i - 1]!;
    const cur = samples[i]!;
    const idle = isIdle(prev) || isIdle(cur);
    if (prev.paused && !prev.ended) pausedMs += cur.t - prev.t;
    const advance = cur.currentTime - prev.currentTime;
    const frozen = !idle && Math.abs(advance) < MIN_ADVANCE_SEC;
    if (frozen && openAt === null) {
      // It stopped after `before`, once as much wall time had passed as media time then did.
      const estimate = before
        ? Math.min(prev.t, before.t + (prev.currentTime - before.currentTime) * 1000)
        : prev.t;
      const event = firstIn(waiting, before?.t ?? prev.t, cur.t);
      openAt = Math.max(fromMs, event?.t ?? estimate);
    } else if (!frozen && openAt !== null) {
      const resumed = idle ? cur.t : Math.max(prev.t, cur.t - advance * 1000);
      close(idle ? cur.t : (firstIn(playing, prev.t, cur.t)?.t ?? resumed), false);
    }
  }
  close(endMs, true);
  return { stalls, pausedMs };
}

/** The rendition and segment index a URL fetches: a path part naming a rendition, then `…<n>.m4s`. */
export function segmentOf(
  url: string,
  renditionIds: ReadonlySet<string>,
): { renditionId: string; index: number } | null {
  let parts: string[];
  try {
    parts = new URL(url).pathname.split("/");
  } catch {
    return null;
  }
  const file = /(\d+)\.m4s$/.exec(parts[parts.length - 1] ?? "");
  const renditionId = parts.slice(0, -1).find((p) => renditionIds.has(p));
  if (!file || !renditionId) return null;
  return { renditionId, index: Number(file[1]) };
}

/** When media time first reached `atSec` after playback start (interpolated between samples). */
function reachedAtMs(samples: SampleEvent[], startMs: number, atSec: number): number | null {
  let prevT = startMs;
  let prevCt: number | null = null;
  for (const s of samples) {
    if (s.t < startMs) {
      prevCt = s.currentTime;
      continue;
    }
    if (s.currentTime >= atSec) {
      if (prevCt === null || prevCt >= atSec) return prevT;
      const fraction = (atSec - prevCt) / (s.currentTime - prevCt);
      return prevT + fraction * (s.t - prevT);
    }
    prevT = s.t;
    prevCt = s.currentTime;
  }
  return null;
}

/** The last download of the segment completed before it played; else the first one after. */
function renditionAt(downloads: Download[], playedAtMs: number): string | null {
  const inOrder = [...downloads].sort((a, b) => a.doneMs - b.doneMs);
  const before = inOrder.filter((d) => d.doneMs <= playedAtMs + CLOCK_SLACK_MS);
  return (before[before.length - 1] ?? inOrder[0])?.renditionId ?? null;
}

export function measureRun(input: {
  events: PageEvent[];
  requests: RequestRecord[];
  title: TitleTimeline;
  /** The run's end, ms from the navigation. */
  endMs: number;
}): Measurement {
  const { events, requests, title, endMs } = input;
  const samples = samplesOf(events);
  const frameMs = firstFrameMs(events);
  const startMs = playbackStartMs(events, frameMs ?? 0);
  const firstShownMs = frameMs ?? startMs;
  const { stalls, pausedMs } =
    startMs === null ? { stalls: [], pausedMs: 0 } : findStalls(events, startMs, endMs);
  const stallMs = stalls.reduce((sum, s) => sum + (s.endMs - s.startMs), 0);

  const ids = new Set(title.renditions.map((r) => r.id));
  const perIndex = new Map<number, number>();
  const downloads = new Map<number, Download[]>();
  let segmentRequests = 0;
  let abortedRequests = 0;
  let failedRequests = 0;
  for (const request of requests) {
    const segment = segmentOf(request.url, ids);
    if (!segment) continue;
    segmentRequests++;
    perIndex.set(segment.index, (perIndex.get(segment.index) ?? 0) + 1);
    if (request.failure?.includes("ABORTED")) abortedRequests++;
    else if (request.failure !== null || (request.status !== null && request.status >= 400))
      failedRequests++;
    else if (request.doneMs !== null) {
      const list = downloads.get(segment.index) ?? [];
      list.push({ renditionId: segment.renditionId, doneMs: request.doneMs });
      downloads.set(segment.index, list);
    }
  }

  const mediaSec = samples.reduce((max, s) => Math.max(max, s.currentTime), 0);
  const ended = samples.some((s) => s.ended);
  const segments: PlayedSegment[] = [];
  let segmentStartSec = 0;
  title.segmentDurationsSec.forEach((durationSec, index) => {
    const segmentEndSec = segmentStartSec + durationSec;
    const fullyPlayed = ended || segmentEndSec <= mediaSec + END_SLACK_SEC;
    const playedAtMs =
      startMs === null ? null : reachedAtMs(samples, startMs, segmentStartSec + MIN_ADVANCE_SEC);
    if (fullyPlayed && playedAtMs !== null) {
      const renditionId = renditionAt(downloads.get(index) ?? [], playedAtMs);
      segments.push({ index, playedAtMs, renditionId });
    }
    segmentStartSec = segmentEndSec;
  });

  const known = segments.filter((s) => s.renditionId !== null);
  const sequence = known.map((s) => title.renditions.findIndex((r) => r.id === s.renditionId));
  const startupMs = startMs ?? endMs;
  const rebufferSec = (startupMs + stallMs) / 1000;
  // Utility per 4 s of media, as in Pensieve (4 s segments), whatever our segments' length.
  const weights = known.map((s) => title.segmentDurationsSec[s.index]! / QOE_Q.referenceSegmentSec);
  const qoeLin = qoe(utilities(title, "bitrate"), sequence, rebufferSec, weights);
  const qoeQ = qoe(utilities(title, "quality"), sequence, rebufferSec, weights);
  const playedMediaSec = segments.reduce((sum, s) => sum + title.segmentDurationsSec[s.index]!, 0);
  const per4s = (value: number) =>
    playedMediaSec > 0 ? value / (playedMediaSec / QOE_Q.referenceSegmentSec) : null;
  const meanOf = (of: (r: Rendition) => number) =>
    sequence.length > 0
      ? sequence.reduce((sum, r) => sum + of(title.renditions[r]!), 0) / sequence.length
      : null;
  const lastSample = samples[samples.length - 1];

  return {
    metrics: {
      timeToFirstFrameMs: firstShownMs,
      startupMs: startMs,
      stallCount: stalls.length,
      stallSec: stallMs / 1000,
      stalledAtEnd: stalls.some((s) => s.ongoing),
      pausedSec: pausedMs / 1000,
      mediaSec,
      playedSegments: segments.length,
      playedMediaSec,
      qoeLin,
      qoeQ,
      qoeLinPer4s: per4s(qoeLin),
      qoeQPer4s: per4s(qoeQ),
      averageBitrateKbps: meanOf((r) => r.averageBitrateBps / 1000),
      averageQuality: meanOf((r) => r.quality.score),
      switches: sequence.filter((r, k) => k > 0 && r !== sequence[k - 1]).length,
      unknownRenditions: segments.length - known.length,
      segmentRequests,
      maxRequestsPerSegment: Math.max(0, ...perIndex.values()),
      abortedRequests,
      failedRequests,
      droppedFrames: lastSample?.droppedFrames ?? 0,
    },
    stalls,
    segments,
  };
}
