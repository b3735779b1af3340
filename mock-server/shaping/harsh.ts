/**
 * Harsh links, generated: a seeded Markov chain over four link states, one step a second, for
 * testing ABR where it hurts. Most of the time is spent between 0.1 and 1 Mbit/s, with dips of
 * several seconds near 0.1-0.2 Mbit/s and occasional short recoveries above 1 Mbit/s; the mean
 * stays well under 1 Mbit/s (about 0.48 over five minutes). Pure: the same seed gives the same
 * trace on every machine, so the generator ships and the traces do not.
 */
import { seededRandom } from "./random.ts";
import type { ThroughputTrace } from "./trace.ts";

type HarshStateName = "dip" | "low" | "mid" | "recovery";

interface HarshState {
  /** Rates in the state, drawn log-uniformly every second (a real link jitters within a state). */
  minMbps: number;
  maxMbps: number;
  /** Mean time in the state: each second it is left with probability 1 / meanStaySec. */
  meanStaySec: number;
  /** Where it goes when it leaves, as weights summing to 1. */
  next: Partial<Record<HarshStateName, number>>;
}

/**
 * Dwell times and transitions chosen so the dips are long (6 s on average) and recoveries
 * short (2 s) and rare (about 5% of the time); over seeds 1-20 (five minutes each) the
 * share of seconds in 0.1-1 Mbit/s is 0.89-0.97 and the mean 0.40-0.57 Mbit/s (harsh.test.ts).
 */
const STATES: Record<HarshStateName, HarshState> = {
  dip: { minMbps: 0.1, maxMbps: 0.2, meanStaySec: 6, next: { low: 0.7, mid: 0.3 } },
  low: {
    minMbps: 0.2,
    maxMbps: 0.5,
    meanStaySec: 4,
    next: { dip: 0.35, mid: 0.5, recovery: 0.15 },
  },
  mid: { minMbps: 0.5, maxMbps: 1, meanStaySec: 4, next: { low: 0.5, dip: 0.25, recovery: 0.25 } },
  recovery: { minMbps: 1, maxMbps: 2.5, meanStaySec: 2, next: { mid: 0.6, low: 0.4 } },
};

/** Where a trace starts, as weights: roughly the chain's own time shares. */
const START: Record<HarshStateName, number> = { dip: 0.3, low: 0.35, mid: 0.3, recovery: 0.05 };

/** Any fixed seed; the harsh shaping profile uses this one. */
export const HARSH_DEFAULT_SEED = 7;
/** Five minutes: longer than a benchmark session, so a session does not see the loop. */
export const HARSH_DEFAULT_SECONDS = 300;

function pick<K extends string>(weights: Partial<Record<K, number>>, u: number): K {
  let sum = 0;
  const entries = Object.entries(weights) as [K, number][];
  for (const [key, weight] of entries) {
    sum += weight;
    if (u < sum) return key;
  }
  return entries[entries.length - 1]![0];
}

export interface HarshOptions {
  seed: number;
  durationSec?: number;
}

/** One sample a second, rates rounded to 1 kbit/s (as written to a Pensieve file). */
export function harshTrace({
  seed,
  durationSec = HARSH_DEFAULT_SECONDS,
}: HarshOptions): ThroughputTrace {
  if (!Number.isInteger(durationSec) || durationSec < 1) {
    throw new Error(
      `harsh trace: duration must be a whole number of seconds, at least 1, got ${durationSec}`,
    );
  }
  const random = seededRandom(seed);
  let state = pick(START, random());
  const samples: ThroughputTrace["samples"] = [];
  for (let atSec = 0; atSec < durationSec; atSec++) {
    const { minMbps, maxMbps, meanStaySec, next } = STATES[state];
    const mbps = minMbps * (maxMbps / minMbps) ** random();
    samples.push({ atSec, mbps: Math.round(mbps * 1000) / 1000 });
    if (random() < 1 / meanStaySec) state = pick(next, random());
  }
  return { samples, durationSec };
}
