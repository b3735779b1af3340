/**
 * Abandonment: during a download, give it up for a lower rendition when, at the rate measured
 * so far, the rest would not arrive before the buffer runs dry (minus a safety margin) and a
 * lower rendition's whole segment would.
 *
 * Never before the first byte, nor before `minTransferMs` since it and `minLoadedBytes`: a slow
 * first byte alone is not a slow link (a first byte that never comes is the adapter's timeout, which
 * `onSegmentError` handles). Never from the lowest rendition: there is nothing lower.
 */
import type { AbandonConfig } from "../config.ts";
import type { ProgressVerdict, Rendition } from "../types.ts";

export interface AbandonInput {
  /** Candidates, lowest bitrate first. */
  ladder: readonly Rendition[];
  renditionId: string;
  loadedBytes: number;
  totalBytes: number | null;
  elapsedMs: number;
  firstByteMs: number | null;
  bufferSec: number;
  playbackRate: number;
  segmentDurationSec: number;
  ttfbSec: number;
}

const KEEP: ProgressVerdict = { abandon: false };

export function checkAbandon(input: AbandonInput, config: AbandonConfig): ProgressVerdict {
  const index = input.ladder.findIndex((r) => r.id === input.renditionId);
  const current = input.ladder[index];
  if (!current || index === 0 || input.firstByteMs === null) return KEEP;
  const transferMs = input.elapsedMs - input.firstByteMs;
  if (transferMs < config.minTransferMs || input.loadedBytes < config.minLoadedBytes) return KEEP;
  const transferSec = transferMs / 1000;
  const rateBps = (input.loadedBytes * 8) / transferSec;
  const totalBytes = input.totalBytes ?? segmentBytes(current, input.segmentDurationSec);
  const remainingSec = (Math.max(0, totalBytes - input.loadedBytes) * 8) / rateBps;
  const budgetSec = input.bufferSec / input.playbackRate - config.safetyMarginSec;
  if (remainingSec <= budgetSec) return KEEP;

  // A fresh request pays the TTFB again, and its segment must come at the measured rate.
  const fetchSec = (r: Rendition) =>
    input.ttfbSec + (segmentBytes(r, input.segmentDurationSec) * 8) / rateBps;
  for (let i = index - 1; i >= 0; i--) {
    const lower = input.ladder[i];
    if (lower && fetchSec(lower) <= budgetSec) return verdict(lower, remainingSec, budgetSec);
  }
  // Nothing arrives in time: still switch to the lowest if it ends the stall sooner.
  const lowest = input.ladder[0];
  if (lowest && fetchSec(lowest) < remainingSec) return verdict(lowest, remainingSec, budgetSec);
  return KEEP;
}

/** Expected size of a segment from the rendition's average bitrate. */
export function segmentBytes(r: Rendition, segmentDurationSec: number): number {
  return (r.averageBitrateBps * segmentDurationSec) / 8;
}

function verdict(to: Rendition, remainingSec: number, budgetSec: number): ProgressVerdict {
  const reason =
    `rest needs ${remainingSec.toFixed(1)} s at the measured rate, ` +
    `buffer allows ${Math.max(0, budgetSec).toFixed(1)} s: switch to ${to.id}`;
  return { abandon: true, switchTo: to.id, reason };
}
