/**
 * The playback session: a vanilla zustand store the engine adapters write to and React reads
 * through selectors. It holds what the stats overlay shows: engine, rendition and appliance in
 * use, buffer, estimates, the decision log, a timeline for the charts, and the QoE figures.
 */
import { createStore } from "zustand/vanilla";
import type { Decision, Rendition } from "../../abr/types.ts";
import { type AbrTunables, DEFAULT_ABR_TUNABLES } from "../../schemas/abr-tunables.ts";
import type { ExportedSegment } from "../../schemas/session-export.ts";
import { ChartTimeline } from "./chart-timeline.ts";
import type { AbrMode, EngineName, RequestFailure, SegmentStats } from "./engines/engine.ts";
import {
  applianceUsed,
  figures,
  firstFrame,
  frozeSince,
  initialQoe,
  progressed,
  type QoeFigures,
  type QoeState,
  renditionChanged,
  stallBegan,
  stallEnded,
  started,
} from "./qoe.ts";

/** One point of the stats charts, taken about every 500 ms. */
export interface TimelinePoint {
  atMs: number;
  bufferSec: number;
  estimateBps: number;
  quality: number;
  applianceId: string | null;
}

export type PlaybackStatus =
  | "idle"
  | "loading"
  | "playing"
  | "paused"
  | "stalled"
  | "ended"
  | "error";

export interface SessionState {
  engine: EngineName;
  abr: AbrMode;
  status: PlaybackStatus;
  error: string | null;
  warnings: string[];
  renditions: Rendition[];
  rendition: Rendition | null;
  applianceId: string | null;
  applianceBaseUrl: string | null;
  bufferSec: number;
  estimateBps: number;
  lastSegment: SegmentStats | null;
  /** Every segment request of the session (bounded), for the export. */
  segments: ExportedSegment[];
  decisions: Decision[];
  timeline: TimelinePoint[];
  /** The stats charts' data, in bounded memory (mutated in place: read it after
   * `chartsVersion` changes). */
  charts: ChartTimeline;
  chartsVersion: number;
  qoe: QoeState;
  /** The "cap to player size" setting, for the overlay. */
  capToPlayerSize: boolean;
  /** Our ABR's tunables the controller decides with now, for the export. */
  abrTunables: AbrTunables;
  /** The viewer paused (our controls, the picture-in-picture window) and has not played since. */
  viewerPaused: boolean;
}

export interface SessionActions {
  begin(engine: EngineName, abr: AbrMode, atMs: number): void;
  setRenditions(renditions: Rendition[]): void;
  decision(decision: Decision): void;
  segmentLoaded(stats: SegmentStats, atMs?: number): void;
  requestFailed(failure: RequestFailure, atMs: number): void;
  renditionPlaying(id: string, atMs: number): void;
  firstFrame(atMs: number): void;
  waiting(atMs: number): void;
  playing(atMs: number): void;
  paused(): void;
  ended(): void;
  /** The freeze watchdog: media time stood still since `sinceMs` (now `atMs`), unannounced. */
  freezeBegan(sinceMs: number, atMs: number): void;
  /** ...and moves again. */
  freezeEnded(atMs: number): void;
  setCapToPlayerSize(on: boolean): void;
  setAbrTunables(tunables: AbrTunables): void;
  setViewerPaused(paused: boolean): void;
  fatal(message: string): void;
  warning(message: string): void;
  sample(point: Omit<TimelinePoint, "quality" | "applianceId">, droppedFrames: number): void;
  qoeFigures(atMs: number): QoeFigures;
}

export type SessionStore = ReturnType<typeof createSessionStore>;

/**
 * Bounded so a long session cannot grow memory: about 4 minutes of timeline, 200 decisions,
 * 3,600 segment requests (two hours of 2 s segments, about 1 MB).
 */
const MAX_TIMELINE = 500;
const MAX_DECISIONS = 200;
const MAX_SEGMENTS = 3_600;
const MAX_WARNINGS = 20;

const bounded = <T>(list: T[], item: T, max: number) => [...list.slice(-(max - 1)), item];

export function createSessionStore() {
  const charts = new ChartTimeline();
  return createStore<SessionState & SessionActions>()((set, get) => ({
    engine: "hlsjs",
    abr: "ours",
    status: "idle",
    error: null,
    warnings: [],
    renditions: [],
    rendition: null,
    applianceId: null,
    applianceBaseUrl: null,
    bufferSec: 0,
    estimateBps: 0,
    lastSegment: null,
    segments: [],
    decisions: [],
    timeline: [],
    charts,
    chartsVersion: 0,
    qoe: initialQoe(),
    capToPlayerSize: true,
    abrTunables: DEFAULT_ABR_TUNABLES,
    viewerPaused: false,

    begin: (engine, abr, atMs) => {
      charts.clear();
      set((s) => ({
        engine,
        abr,
        status: "loading",
        error: null,
        warnings: [],
        rendition: null,
        applianceId: null,
        applianceBaseUrl: null,
        decisions: [],
        timeline: [],
        lastSegment: null,
        segments: [],
        qoe: started(atMs),
        chartsVersion: s.chartsVersion + 1,
      }));
    },
    setRenditions: (renditions) => set({ renditions }),
    decision: (decision) =>
      set((s) => ({
        decisions: bounded(s.decisions, decision, MAX_DECISIONS),
        estimateBps: decision.inputs.estimateBitsPerSecond,
      })),
    segmentLoaded: (stats, atMs) => {
      charts.segment(stats.sizeBytes, stats.durationMs - stats.ttfbMs);
      set((s) => ({
        lastSegment: stats,
        segments: bounded(
          s.segments,
          {
            atMs: Math.max(0, (atMs ?? 0) - (s.qoe.startedAtMs ?? 0)),
            url: stats.url,
            applianceId: stats.applianceId,
            renditionId: stats.renditionId,
            sizeBytes: stats.sizeBytes,
            ttfbMs: stats.ttfbMs,
            transferMs: Math.max(0, stats.durationMs - stats.ttfbMs),
            cacheStatus: stats.cacheStatus ?? null,
            aborted: null,
          },
          MAX_SEGMENTS,
        ),
        applianceId: stats.applianceId ?? s.applianceId,
        applianceBaseUrl: stats.applianceId
          ? (s.decisions.at(-1)?.applianceBaseUrl ?? s.applianceBaseUrl)
          : s.applianceBaseUrl,
        qoe: applianceUsed(s.qoe, stats.applianceId),
      }));
    },
    requestFailed: (failure, atMs) =>
      set((s) => ({
        segments: bounded(
          s.segments,
          {
            atMs: Math.max(0, atMs - (s.qoe.startedAtMs ?? 0)),
            url: failure.url,
            applianceId: failure.applianceId,
            renditionId: "",
            sizeBytes: 0,
            ttfbMs: 0,
            transferMs: 0,
            cacheStatus: null,
            aborted: failure.reason,
          },
          MAX_SEGMENTS,
        ),
      })),
    renditionPlaying: (id, atMs) =>
      set((s) => {
        const rendition = s.renditions.find((r) => r.id === id) ?? null;
        if (!rendition) return {};
        return {
          rendition,
          qoe: renditionChanged(
            s.qoe,
            atMs,
            id,
            rendition.averageBitrateBps,
            rendition.quality.score,
          ),
        };
      }),
    firstFrame: (atMs) => set((s) => ({ status: "playing", qoe: firstFrame(s.qoe, atMs) })),
    waiting: (atMs) =>
      set((s) => ({
        status: s.qoe.firstFrameAtMs === null ? "loading" : "stalled",
        qoe: stallBegan(s.qoe, atMs),
      })),
    playing: (atMs) => set((s) => ({ status: "playing", qoe: stallEnded(s.qoe, atMs) })),
    paused: () => set({ status: "paused" }),
    ended: () => set({ status: "ended" }),
    freezeBegan: (sinceMs, atMs) =>
      set((s) => ({
        status: s.status === "playing" ? "stalled" : s.status,
        qoe: frozeSince(s.qoe, sinceMs, atMs),
      })),
    freezeEnded: (atMs) =>
      set((s) => ({
        status: s.status === "stalled" ? "playing" : s.status,
        qoe: stallEnded(s.qoe, atMs),
      })),
    setCapToPlayerSize: (on) => set({ capToPlayerSize: on }),
    setAbrTunables: (tunables) => set({ abrTunables: tunables }),
    setViewerPaused: (paused) => set({ viewerPaused: paused }),
    fatal: (message) => set({ status: "error", error: message }),
    warning: (message) => set((s) => ({ warnings: bounded(s.warnings, message, MAX_WARNINGS) })),
    sample: (point, droppedFrames) => {
      const { rendition, applianceId } = get();
      charts.record({
        ...point,
        renditionId: rendition?.id ?? null,
        bitrateBps: rendition?.averageBitrateBps ?? null,
        height: rendition?.height ?? null,
        applianceId,
      });
      set((s) => ({
        bufferSec: point.bufferSec,
        timeline: bounded(
          s.timeline,
          { ...point, quality: s.rendition?.quality.score ?? 0, applianceId: s.applianceId },
          MAX_TIMELINE,
        ),
        qoe: { ...progressed(s.qoe, point.atMs), droppedFrames },
        chartsVersion: s.chartsVersion + 1,
      }));
    },
    qoeFigures: (atMs) => figures(get().qoe, atMs),
  }));
}
