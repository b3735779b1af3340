/**
 * How much media is buffered ahead of the playhead: one definition for the player, the ABR
 * inputs of both adapters and the stats overlay.
 */

export interface TimeRange {
  start: number;
  end: number;
}

/** Gaps up to this size do not end the buffer (hls.js's `maxBufferHole` default is 0.1 s). */
export const BUFFER_HOLE_SEC = 0.1;

/**
 * Seconds buffered ahead of `currentTime`: the range holding the playhead (its start may be a
 * hole's width ahead, as right after a seek), extended across following ranges separated by
 * no more than a hole.
 */
export function bufferAheadSec(
  ranges: readonly TimeRange[],
  currentTime: number,
  holeSec = BUFFER_HOLE_SEC,
): number {
  const sorted = [...ranges].sort((a, b) => a.start - b.start);
  let end: number | null = null;
  for (const range of sorted) {
    if (end === null) {
      if (range.start <= currentTime + holeSec && range.end >= currentTime) end = range.end;
    } else if (range.start <= end + holeSec) {
      end = Math.max(end, range.end);
    } else {
      break;
    }
  }
  return end === null ? 0 : Math.max(0, end - currentTime);
}

/** A `TimeRanges` (video.buffered) as plain ranges. */
export function rangesOf(buffered: {
  readonly length: number;
  start(i: number): number;
  end(i: number): number;
}): TimeRange[] {
  return Array.from({ length: buffered.length }, (_, i) => ({
    start: buffered.start(i),
    end: buffered.end(i),
  }));
}
