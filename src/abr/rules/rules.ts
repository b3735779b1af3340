/**
 * Rendition rules, dash.js style: each is a pure function of the same input that returns one
 * outcome (a ceiling, a proposal or an override on a ladder index) with its reason. No rule
 * keeps state or sees another's output; `arbiter.ts` combines them.
 */
import type { RulesConfig } from "../config.ts";
import type { Rendition, RuleOutcome } from "../types.ts";
import { lowMidIndex } from "./ladder.ts";

export interface RuleInput {
  /** Candidates, lowest bitrate first. */
  ladder: readonly Rendition[];
  /** Index of the rendition of the previous segment; null before the first segment. */
  currentIndex: number | null;
  bufferSec: number;
  playbackRate: number;
  segmentDurationSec: number;
  estimateBitsPerSecond: number;
  /** False while the estimate is only the configured default. */
  measured: boolean;
  ttfbSec: number;
  nowMs: number;
  lastUpSwitchAtMs: number | null;
  /** Media seconds downloaded since that switch up (what the viewer will watch at the new rung). */
  mediaSinceUpSwitchSec: number | null;
  manualRenditionId: string | null;
  maxHeight: number | null;
  /** Set by an abandonment: the next segment must not go above this index. */
  abandonedToIndex: number | null;
}

export type Rule = (input: RuleInput, config: RulesConfig) => RuleOutcome;

const mbps = (bps: number) => `${(bps / 1e6).toFixed(2)} Mbit/s`;

/** Highest index whose rendition satisfies `fits`, or 0 when none does (the floor). */
function highestFitting(ladder: readonly Rendition[], fits: (r: Rendition, i: number) => boolean) {
  let best = 0;
  ladder.forEach((r, i) => {
    if (fits(r, i)) best = i;
  });
  return best;
}

const abstain = (rule: string, kind: RuleOutcome["kind"], reason: string): RuleOutcome => ({
  rule,
  kind,
  index: null,
  reason,
});

/** A rendition fixed by the user wins over everything. */
export const manualRule: Rule = (input) => {
  const index = input.ladder.findIndex((r) => r.id === input.manualRenditionId);
  if (input.manualRenditionId == null) return abstain("manual", "override", "automatic");
  if (index < 0) return abstain("manual", "override", `unknown ${input.manualRenditionId}`);
  return { rule: "manual", kind: "override", index, reason: "fixed by the viewer" };
};

/** What to aim for before the ceilings: the top once measured, low-mid before any estimate. */
export const targetRule: Rule = (input, config) => {
  const top = input.ladder.length - 1;
  if (input.measured) {
    return { rule: "target", kind: "proposal", index: top, reason: "best the ceilings allow" };
  }
  if (input.currentIndex !== null) {
    return { rule: "target", kind: "proposal", index: input.currentIndex, reason: "no estimate" };
  }
  const index = lowMidIndex(input.ladder.length, config.startupLadderFraction);
  return { rule: "target", kind: "proposal", index, reason: "startup without estimate: low-mid" };
};

/**
 * Throughput-safe ceiling. A rendition at or below the current one needs bitrate <= estimate x
 * keepSafetyFactor; above it, the stricter upSafetyFactor: the gap is the hysteresis band that
 * keeps a steady link from flip-flopping. The first segment uses startupSafetyFactor.
 */
export const throughputRule: Rule = (input, config) => {
  if (!input.measured) return abstain("throughput", "ceiling", "no estimate yet");
  const factorFor = (i: number) => {
    if (input.currentIndex === null) return config.startupSafetyFactor;
    return i <= input.currentIndex ? config.keepSafetyFactor : config.upSafetyFactor;
  };
  const index = highestFitting(
    input.ladder,
    (r, i) =>
      r.averageBitrateBps * input.playbackRate <= input.estimateBitsPerSecond * factorFor(i),
  );
  return {
    rule: "throughput",
    kind: "ceiling",
    index,
    reason: `estimate ${mbps(input.estimateBitsPerSecond)}`,
  };
};

/**
 * Insufficient buffer: the segment, at its peak bitrate, must arrive (TTFB + transfer) within a
 * fraction of the buffer, so the download cannot drain it. Before the first segment there is no
 * buffer to protect: the budget is the startup delay we accept.
 */
export const insufficientBufferRule: Rule = (input, config) => {
  if (!input.measured) return abstain("insufficient-buffer", "ceiling", "no estimate yet");
  const budgetSec =
    input.currentIndex === null
      ? config.startupDownloadBudgetSegments * input.segmentDurationSec
      : (input.bufferSec / input.playbackRate) * config.insufficientBufferFactor;
  const downloadSec = (r: Rendition) =>
    input.ttfbSec + (r.peakBitrateBps * input.segmentDurationSec) / input.estimateBitsPerSecond;
  const index = highestFitting(input.ladder, (r) => downloadSec(r) <= budgetSec);
  return {
    rule: "insufficient-buffer",
    kind: "ceiling",
    index,
    reason: `download budget ${budgetSec.toFixed(2)} s`,
  };
};

/** Player size: no rendition taller than the picture will be shown. */
export const maxHeightRule: Rule = (input) => {
  const maxHeight = input.maxHeight;
  if (maxHeight == null) return abstain("max-height", "ceiling", "no cap");
  const index = highestFitting(input.ladder, (r) => r.height <= maxHeight);
  return { rule: "max-height", kind: "ceiling", index, reason: `player ${maxHeight}p` };
};

/** Buffer-based hold (BBA's reservoir): below it, no switch up. */
export const reservoirRule: Rule = (input, config) => {
  if (input.currentIndex === null || input.bufferSec >= config.upSwitchMinBufferSec) {
    return abstain("reservoir", "ceiling", "buffer above reservoir");
  }
  return {
    rule: "reservoir",
    kind: "ceiling",
    index: input.currentIndex,
    reason: `buffer ${input.bufferSec.toFixed(1)} s < ${config.upSwitchMinBufferSec} s: hold`,
  };
};

/**
 * Switch up one step (two with a high buffer), and not again until the minimum interval has
 * passed in wall time or in media downloaded at the new rung. Media time is what the viewer
 * sees: a fast link that fills the buffer in seconds (hls.js buffers 30 s ahead) must not be
 * held for 8 s of wall clock per step, or a short title is buffered whole at a low rung.
 */
export const upSwitchPacingRule: Rule = (input, config) => {
  const current = input.currentIndex;
  if (current === null) return abstain("up-pacing", "ceiling", "first segment");
  const sinceMs = input.lastUpSwitchAtMs === null ? Infinity : input.nowMs - input.lastUpSwitchAtMs;
  const mediaSec = input.mediaSinceUpSwitchSec ?? Infinity;
  if (sinceMs < config.minUpSwitchIntervalMs && mediaSec < config.minUpSwitchMediaSec) {
    const reason = `last switch up ${(sinceMs / 1000).toFixed(1)} s ago, ${mediaSec.toFixed(0)} s of media since`;
    return { rule: "up-pacing", kind: "ceiling", index: current, reason };
  }
  const high = input.bufferSec >= config.highBufferSec;
  const steps = high ? config.maxUpStepsHighBuffer : config.maxUpSteps;
  const index = Math.min(input.ladder.length - 1, current + steps);
  return { rule: "up-pacing", kind: "ceiling", index, reason: `at most ${steps} step(s) up` };
};

/** After an abandonment, the next segment stays at or below the rendition switched to. */
export const abandonedRule: Rule = (input) => {
  if (input.abandonedToIndex === null) return abstain("abandoned", "ceiling", "none");
  const reason = "previous download abandoned";
  return { rule: "abandoned", kind: "ceiling", index: input.abandonedToIndex, reason };
};

/** In order: on equal ceilings the arbiter reports the first. */
export const RULES: readonly Rule[] = [
  manualRule,
  targetRule,
  abandonedRule,
  insufficientBufferRule,
  throughputRule,
  maxHeightRule,
  reservoirRule,
  upSwitchPacingRule,
];
