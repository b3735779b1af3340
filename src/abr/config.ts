/**
 * Every tunable of the ABR core, in one place. Each layer receives only its own slice.
 * Each value says where it comes from: another player's default, the brief, or our reasoning.
 */

export interface EstimatorConfig {
  /** Half-lives of the two throughput EWMAs, in seconds of transfer time (the sample weight). */
  fastHalfLifeSec: number;
  slowHalfLifeSec: number;
  /** Half-life of the TTFB average, in samples. */
  ttfbHalfLifeSamples: number;
  /** Used when neither the appliance nor any appliance has been measured. */
  defaultBitsPerSecond: number;
  defaultTtfbMs: number;
  /** Smaller downloads are ignored for throughput (TTFB still counts). */
  minSampleBytes: number;
  /** A sample this many times the estimate, transferred this fast, looks like a cache hit. */
  cacheHitRateFactor: number;
  cacheHitMaxTransferMs: number;
  /** After this many such samples in a row they are believed: the link really is that fast. */
  cacheHitBelieveAfter: number;
  /** In-download drop: once this much was transferred, a rate under ratio x estimate lowers it. */
  progressMinTransferMs: number;
  progressDropRatio: number;
}

export interface RulesConfig {
  /** Segments the plan looks ahead, and the most sequences it scores (a long ladder shortens
   * the horizon instead: candidates^horizon <= maxPlans). */
  horizonSegments: number;
  maxPlans: number;
  /** Quality score points per unit of utility: the score (0-100) becomes a 0-5 scale. */
  qualityScale: number;
  /** A segment of this length earns its full utility; shorter ones proportionally less. */
  referenceSegmentSec: number;
  /** Cost of one second of waiting (stall or startup), in utility units. */
  rebufferPenaltyPerSec: number;
  /** Cost of a switch per unit of utility changed. */
  switchPenalty: number;
  /** The plan is charged for ending with less buffer than it started with, up to the target:
   * this weight x the rebuffer penalty per second short. */
  bufferTargetSec: number;
  /** On a link near the ladder's bottom the target grows up to this... */
  maxBufferTargetSec: number;
  /** ...from this many times the lowest rendition's bitrate down to the lowest itself. */
  lowLinkRatio: number;
  bufferShortfallWeight: number;
  /** Recent prediction errors kept per appliance for the discount. */
  predictionErrorHistory: number;
  /** The discount's largest divisor: estimate / min(1 + largest error, this). */
  maxPredictionDiscount: number;
  /** Quality per bit: a rendition is skipped when it gains fewer score points than this... */
  minScoreGain: number;
  /** ...for at least this bitrate ratio over the rendition below it. */
  minBitrateRatioForSkip: number;
}

export interface AbandonConfig {
  /** No abandonment before the first byte, nor before this much time since it: a slow TTFB
   * is not a slow link, and the rate needs a window to be measured. */
  minTransferMs: number;
  minLoadedBytes: number;
  /** Keep this much buffer in hand when checking whether a download finishes in time. */
  safetyMarginSec: number;
}

export interface ApplianceConfig {
  /** Penalty box: base, doubled after each further failure, up to the cap. */
  penaltyBaseMs: number;
  penaltyMaxMs: number;
  /** Measurably slower: estimate below ratio x the best other known appliance's, N times in a row. */
  slowRatio: number;
  slowSegments: number;
  /** How long a slow (not failed) appliance is set aside before it is probed again. */
  slowPenaltyMs: number;
}

export interface AbrConfig {
  estimator: EstimatorConfig;
  rules: RulesConfig;
  abandon: AbandonConfig;
  appliances: ApplianceConfig;
  /** Decisions kept for `decisions()`; older ones are dropped. */
  decisionLogSize: number;
}

export const DEFAULT_ABR_CONFIG: AbrConfig = {
  estimator: {
    fastHalfLifeSec: 2, // shaka-player abr.advanced.fastHalfLife
    slowHalfLifeSec: 5, // shaka-player abr.advanced.slowHalfLife
    ttfbHalfLifeSamples: 3, // ours: follows a server slowing down within a few segments
    defaultBitsPerSecond: 1_000_000, // shaka-player abr.defaultBandwidthEstimate (1 Mbit/s)
    defaultTtfbMs: 200, // ours: a pessimistic round trip plus server time for a first guess
    // shaka-player's abr.advanced.minBytes is 16 kB, but our lowest rungs (3G rates, AV1 below
    // them) make 2 s segments of 8-40 kB: at 16 kB a player on the bottom rung never measured
    // anything and never climbed (seen through hls.js on a 32 kbit/s AV1 rung). 4 kB is about
    // the smallest transfer whose time, TTFB removed, is more than timer noise on loopback.
    minSampleBytes: 4_000,
    cacheHitRateFactor: 10, // the brief: > 10x the estimate is implausible for the network
    cacheHitMaxTransferMs: 20, // ours: a disk/memory cache answers a 2 s segment in a few ms
    cacheHitBelieveAfter: 3, // ours: a 4th in a row is a fast link, not a burst of cache hits
    progressMinTransferMs: 250, // ours: an eighth of a 2 s segment, past TCP slow start noise
    progressDropRatio: 0.5, // ours: half the estimate is a drop, not jitter
  },
  rules: {
    horizonSegments: 5, // RobustMPC (Yin et al. 2015) and Pensieve's MPC baseline
    maxPlans: 20_000, // ours: 5 segments of a 7-rung ladder (16807), about a millisecond
    qualityScale: 20, // the benchmark's QoE_q: 0-100 becomes 0-5, the Pensieve ladder's range
    referenceSegmentSec: 4, // Pensieve's 4 s segments, the scale the penalties below come from
    rebufferPenaltyPerSec: 4.3, // Pensieve's QoE_lin: a stalled second costs the top rung's utility
    switchPenalty: 1, // Pensieve's QoE_lin and MPC: one unit per unit of utility changed
    bufferTargetSec: 8, // ours: two 4 s segments; simulator sweep 8-20 s, more lost bitrate
    // ours: sweep on half of each trace folder and 30 generated harsh links (the other half and
    // 30 other links held out): 12-24 s and 3-6x; 16 s below 6x the bottom rung stalled no more
    // than the throughput rule on harsh links and lost nothing on fcc, hsdpa or oboe.
    maxBufferTargetSec: 16,
    lowLinkRatio: 6,
    bufferShortfallWeight: 0.2, // ours: simulator sweep 0.1-0.25 (3G traces: fewer, later ups)
    predictionErrorHistory: 5, // RobustMPC: the largest error of the last 5 predictions
    maxPredictionDiscount: 1.25, // ours: simulator sweep 1-3, best 1.2-1.33 on all three folders
    minScoreGain: 2, // ours: 2 VMAF points is below a just-noticeable difference (~6)
    minBitrateRatioForSkip: 1.25, // ours: 25% more bits is a real cost
  },
  abandon: {
    minTransferMs: 500, // ours: a quarter of a 2 s segment
    minLoadedBytes: 16_000, // same as the estimator's minimum sample
    safetyMarginSec: 1, // ours: half a segment of buffer kept in hand
  },
  appliances: {
    penaltyBaseMs: 5_000, // the brief: 5 s, 10 s, 20 s...
    penaltyMaxMs: 60_000, // ours: past a minute the steering answer (TTL ~30 s) knows better
    slowRatio: 0.6, // ours: 40% slower is measurable, not noise
    slowSegments: 3, // ours: three 2 s segments in a row, not one unlucky one
    slowPenaltyMs: 30_000, // ours: about one steering TTL before looking again
  },
  decisionLogSize: 500, // the brief
};

export interface AbrConfigOverrides {
  estimator?: Partial<EstimatorConfig>;
  rules?: Partial<RulesConfig>;
  abandon?: Partial<AbandonConfig>;
  appliances?: Partial<ApplianceConfig>;
  decisionLogSize?: number;
}

/** The defaults with some fields replaced, slice by slice. */
export function abrConfig(overrides: AbrConfigOverrides = {}): AbrConfig {
  const d = DEFAULT_ABR_CONFIG;
  return {
    estimator: { ...d.estimator, ...overrides.estimator },
    rules: { ...d.rules, ...overrides.rules },
    abandon: { ...d.abandon, ...overrides.abandon },
    appliances: { ...d.appliances, ...overrides.appliances },
    decisionLogSize: overrides.decisionLogSize ?? d.decisionLogSize,
  };
}
