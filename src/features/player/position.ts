/**
 * Where the viewer is, reported to whoever keeps it (the app shell saves it to the viewing
 * history): at most every `intervalMs` while playing, so storage is not written four times a
 * second, and at once on pause, end and unmount, so nothing watched since the last report is lost.
 */

export interface PositionReporter {
  /** A playback tick: reports if the last report is `intervalMs` old (or there was none). */
  tick(positionSec: number, durationSec: number, nowMs: number): void;
  /** Reports now: the given position, else the last one seen (the element may be detached). */
  flush(nowMs: number, positionSec?: number, durationSec?: number): void;
}

export const REPORT_INTERVAL_MS = 5000;

/** Only a real position in a finite title is worth keeping (not live, not before metadata). */
const valid = (positionSec: number, durationSec: number) =>
  Number.isFinite(positionSec) &&
  positionSec >= 0 &&
  Number.isFinite(durationSec) &&
  durationSec > 0;

export function createPositionReporter(
  report: (positionSec: number, durationSec: number) => void,
  intervalMs = REPORT_INTERVAL_MS,
): PositionReporter {
  let last: { positionSec: number; durationSec: number } | null = null;
  let reportedAt = Number.NEGATIVE_INFINITY;
  let reported: { positionSec: number; durationSec: number } | null = null;

  const send = (nowMs: number) => {
    if (!last) return;
    // Pause then unmount at the same spot: one write is enough.
    if (reported?.positionSec === last.positionSec && reported.durationSec === last.durationSec)
      return;
    reportedAt = nowMs;
    reported = last;
    report(last.positionSec, last.durationSec);
  };

  return {
    tick(positionSec, durationSec, nowMs) {
      if (!valid(positionSec, durationSec)) return;
      last = { positionSec, durationSec };
      if (nowMs - reportedAt >= intervalMs) send(nowMs);
    },
    flush(nowMs, positionSec, durationSec) {
      if (positionSec !== undefined && durationSec !== undefined && valid(positionSec, durationSec))
        last = { positionSec, durationSec };
      send(nowMs);
    },
  };
}
