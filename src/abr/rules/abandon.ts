/**
 * Abandonment: during a download, give it up for a lower rendition when that is worth more by
 * the planner's own measure (`mpc.ts`): quality of the segment, minus the waiting it causes,
 * minus the switch. Waiting is what the download takes beyond the buffer: a stall mid-stream,
 * the startup delay for the first segment (the buffer is 0, so every second counts), priced the
 * same. At the rate measured so far, continuing waits `rest - buffer`; restarting at a lower
 * rendition pays a new TTFB and its whole segment, and loses the bytes already in. So a download
 * that arrives in time is never abandoned, and a slightly late one is kept when the drop in
 * quality costs more than the stall it saves.
 *
 * Never for a replacement that would not arrive before the rest of this download would. Never
 * before the first byte, nor before `minTransferMs` since it and `minLoadedBytes`: a slow
 * first byte alone is not a slow link (a first byte that never comes is the adapter's timeout,
 * which `onSegmentError` handles). Never from the lowest rendition: there is nothing lower.
 */
import type { AbandonConfig } from "../config.ts";
import type { ProgressVerdict, Rendition } from "../types.ts";
import { type PlanConfig, qualityUnits, utility } from "./mpc.ts";

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

export function checkAbandon(
  input: AbandonInput,
  config: AbandonConfig,
  planConfig: PlanConfig,
): ProgressVerdict {
  const index = input.ladder.findIndex((r) => r.id === input.renditionId);
  const current = input.ladder[index];
  if (!current || index === 0 || input.firstByteMs === null) return KEEP;
  const transferMs = input.elapsedMs - input.firstByteMs;
  if (transferMs < config.minTransferMs || input.loadedBytes < config.minLoadedBytes) return KEEP;

  const d = input.segmentDurationSec;
  const rateBps = (input.loadedBytes * 8) / (transferMs / 1000);
  const totalBytes = input.totalBytes ?? segmentBytes(current, d);
  const remainingSec = (Math.max(0, totalBytes - input.loadedBytes) * 8) / rateBps;
  // Seconds until the buffer runs dry, less a margin for the rate falling further.
  const speed = input.playbackRate > 0 ? input.playbackRate : 1;
  const budgetSec = input.bufferSec / speed - config.safetyMarginSec;
  const keepStall = Math.max(0, remainingSec - budgetSec);
  if (keepStall === 0) return KEEP;

  const P = planConfig.rebufferPenaltyPerSec;
  const keepValue = utility(current, d, planConfig) - P * keepStall;
  let best: { to: Rendition; stall: number; value: number } | null = null;
  for (let i = index - 1; i >= 0; i--) {
    const lower = input.ladder[i]!;
    const replacementSec = input.ttfbSec + (segmentBytes(lower, d) * 8) / rateBps;
    // A replacement that arrives no sooner than the rest of this download gains nothing: it
    // only throws away the bytes already in (seen on links below the lowest rung).
    if (replacementSec >= remainingSec) continue;
    const stall = Math.max(0, replacementSec - budgetSec);
    const value =
      utility(lower, d, planConfig) -
      P * stall -
      planConfig.switchPenalty *
        Math.abs(qualityUnits(current, planConfig) - qualityUnits(lower, planConfig));
    if (value > (best?.value ?? keepValue)) best = { to: lower, stall, value };
  }
  if (best === null) return KEEP;
  const reason =
    `rest needs ${remainingSec.toFixed(1)} s at ${(rateBps / 1e6).toFixed(2)} Mbit/s, ` +
    `buffer allows ${Math.max(0, budgetSec).toFixed(1)} s: waiting ${keepStall.toFixed(1)} s ` +
    `there, ${best.stall.toFixed(1)} s with ${best.to.id}: switch to ${best.to.id}`;
  return { abandon: true, switchTo: best.to.id, reason };
}

/** Expected size of a segment from the rendition's average bitrate. */
export function segmentBytes(r: Rendition, segmentDurationSec: number): number {
  return (r.averageBitrateBps * segmentDurationSec) / 8;
}
