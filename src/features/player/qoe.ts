/**
 * Quality-of-experience accounting for one playback session, pure: events in, figures out.
 * The session store feeds it from the video element and the adapter; tests feed it scripts.
 */

/**
 * The quality-aware QoE of the ABR benchmark (QoE_q, after Pensieve's QoE_lin): each reference
 * segment played earns its quality score / scale, each second of waiting (startup and stalls)
 * costs the penalty, each switch |score change| / scale. Shared with the simulator
 * (bench/sim/metrics.ts), so browser and simulator figures are on one scale.
 */
export const QOE_Q = {
  qualityScale: 20,
  rebufferPenaltyPerSec: 4.3,
  referenceSegmentSec: 4,
} as const;

export interface QoeFigures {
  /** From the play request to the first frame shown; null until then. */
  timeToFirstFrameMs: number | null;
  stallCount: number;
  stallMs: number;
  /** Of those stalls, the ones the element never announced (found by the freeze watchdog). */
  freezes: number;
  /** Time-weighted over what was played. */
  averageBitrateBps: number;
  averageQuality: number;
  switches: number;
  applianceChanges: number;
  droppedFrames: number;
  /** QOE_Q over the session so far: score per 4 s played, startup and stalls, switches. */
  qualityQoe: number;
}

export interface QoeState {
  startedAtMs: number | null;
  firstFrameAtMs: number | null;
  stallStartedAtMs: number | null;
  stallCount: number;
  stallMs: number;
  playedMs: number;
  bitrateMs: number;
  qualityMs: number;
  lastSampleAtMs: number | null;
  renditionId: string | null;
  bitrateBps: number;
  quality: number;
  applianceId: string | null;
  switches: number;
  /** Sum of |quality score change| over the switches. */
  qualityChange: number;
  applianceChanges: number;
  droppedFrames: number;
  /** Stalls the element never announced (no `waiting`), found by the freeze watchdog. */
  freezes: number;
}

export function initialQoe(): QoeState {
  return {
    startedAtMs: null,
    firstFrameAtMs: null,
    stallStartedAtMs: null,
    stallCount: 0,
    stallMs: 0,
    playedMs: 0,
    bitrateMs: 0,
    qualityMs: 0,
    lastSampleAtMs: null,
    renditionId: null,
    bitrateBps: 0,
    quality: 0,
    applianceId: null,
    switches: 0,
    qualityChange: 0,
    applianceChanges: 0,
    droppedFrames: 0,
    freezes: 0,
  };
}

/** A play request: a fresh session whose clock starts now. */
export const started = (atMs: number): QoeState => ({ ...initialQoe(), startedAtMs: atMs });

/** Account the time since the last sample at the rendition that was playing. */
function accrue(s: QoeState, atMs: number, playing: boolean): QoeState {
  if (s.lastSampleAtMs === null || !playing) return { ...s, lastSampleAtMs: atMs };
  const dt = Math.max(0, atMs - s.lastSampleAtMs);
  return {
    ...s,
    lastSampleAtMs: atMs,
    playedMs: s.playedMs + dt,
    bitrateMs: s.bitrateMs + s.bitrateBps * dt,
    qualityMs: s.qualityMs + s.quality * dt,
  };
}

export function firstFrame(s: QoeState, atMs: number): QoeState {
  if (s.firstFrameAtMs !== null) return s;
  return { ...s, firstFrameAtMs: atMs, lastSampleAtMs: atMs };
}

/** Playback progressed normally up to `atMs`. */
export function progressed(s: QoeState, atMs: number): QoeState {
  return accrue(s, atMs, s.firstFrameAtMs !== null && s.stallStartedAtMs === null);
}

/** The player ran dry after the first frame: a stall (waiting before it is startup, not a stall). */
export function stallBegan(s: QoeState, atMs: number): QoeState {
  if (s.firstFrameAtMs === null || s.stallStartedAtMs !== null) return s;
  return { ...accrue(s, atMs, true), stallStartedAtMs: atMs, stallCount: s.stallCount + 1 };
}

/**
 * The freeze watchdog found media time standing still since `sinceMs` (now `atMs`) without the
 * element saying so: a stall from `sinceMs`. The time since then was accounted as played by
 * the samples meanwhile, so that is taken back first.
 */
export function frozeSince(s: QoeState, sinceMs: number, atMs: number): QoeState {
  if (s.firstFrameAtMs === null || s.stallStartedAtMs !== null) return s;
  const accrued = accrue(s, atMs, true);
  const back = Math.max(0, Math.min(atMs - sinceMs, accrued.playedMs));
  return {
    ...accrued,
    playedMs: accrued.playedMs - back,
    bitrateMs: Math.max(0, accrued.bitrateMs - s.bitrateBps * back),
    qualityMs: Math.max(0, accrued.qualityMs - s.quality * back),
    stallStartedAtMs: atMs - back,
    stallCount: s.stallCount + 1,
    freezes: s.freezes + 1,
  };
}

export function stallEnded(s: QoeState, atMs: number): QoeState {
  if (s.stallStartedAtMs === null) return s;
  return {
    ...s,
    stallMs: s.stallMs + (atMs - s.stallStartedAtMs),
    stallStartedAtMs: null,
    lastSampleAtMs: atMs,
  };
}

export function renditionChanged(
  s: QoeState,
  atMs: number,
  id: string,
  bitrateBps: number,
  quality: number,
): QoeState {
  const accrued = progressed(s, atMs);
  const switched = s.renditionId !== null && s.renditionId !== id;
  return {
    ...accrued,
    renditionId: id,
    bitrateBps,
    quality,
    switches: s.switches + (switched ? 1 : 0),
    qualityChange: s.qualityChange + (switched ? Math.abs(quality - s.quality) : 0),
  };
}

export function applianceUsed(s: QoeState, applianceId: string | null): QoeState {
  if (applianceId === null || applianceId === s.applianceId) return s;
  return {
    ...s,
    applianceId,
    applianceChanges: s.applianceChanges + (s.applianceId === null ? 0 : 1),
  };
}

export function figures(s: QoeState, atMs: number): QoeFigures {
  const current = s.stallStartedAtMs === null ? 0 : atMs - s.stallStartedAtMs;
  const startupMs = s.startedAtMs === null ? 0 : (s.firstFrameAtMs ?? atMs) - s.startedAtMs;
  const { qualityScale, rebufferPenaltyPerSec, referenceSegmentSec } = QOE_Q;
  const qualityQoe =
    s.qualityMs / 1000 / referenceSegmentSec / qualityScale -
    (rebufferPenaltyPerSec * (startupMs + s.stallMs + current)) / 1000 -
    s.qualityChange / qualityScale;
  return {
    timeToFirstFrameMs:
      s.startedAtMs !== null && s.firstFrameAtMs !== null ? s.firstFrameAtMs - s.startedAtMs : null,
    stallCount: s.stallCount,
    stallMs: s.stallMs + current,
    freezes: s.freezes,
    averageBitrateBps: s.playedMs > 0 ? s.bitrateMs / s.playedMs : s.bitrateBps,
    averageQuality: s.playedMs > 0 ? s.qualityMs / s.playedMs : s.quality,
    switches: s.switches,
    applianceChanges: s.applianceChanges,
    droppedFrames: s.droppedFrames,
    qualityQoe,
  };
}
