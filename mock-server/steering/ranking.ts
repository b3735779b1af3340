/**
 * Which appliances a player should use for a title, in which order. Pure: statuses in,
 * answer out (no clock, no I/O), so every decision can be replayed in a test.
 *
 * score = health·freshness + load·headroom + content·held + proximity·closeness, each factor
 * in 0..1 and the weights summing to 1, minus OVERLOAD_PENALTY above 90% load. Appliances out
 * of rotation get -1 and come last. Ties go to the smaller id, so equal inputs give equal
 * answers on every steering instance.
 */
import type {
  ApplianceStatus,
  RankedAppliance,
  SteeringAnswer,
} from "../../src/schemas/steering.ts";

export const RANKING_WEIGHTS = {
  /**
   * Having the title is worth the most: a miss turns every segment request into an origin
   * fetch through the appliance (slower first byte, origin and transit load). This is the
   * reason ISP-embedded caches exist; the steering follows where the fill put the bytes.
   */
  content: 0.4,
  /**
   * Spreading load keeps every appliance out of the range where queues build up; it weighs
   * a little more than proximity because a busy nearby appliance hurts more than one more hop.
   */
  load: 0.3,
  /** Same region avoids transit links; the exchange is one hop from either ISP. */
  proximity: 0.25,
  /**
   * Health is mostly a gate (stale or unhealthy: out of rotation). Inside the gate only
   * heartbeat freshness is left to weigh, so it gets just enough to break near-ties.
   */
  health: 0.05,
} as const;

/** Above this share of sessions or link capacity an appliance is overloaded (the brief's 90%). */
export const OVERLOAD_UTILISATION = 0.9;

/**
 * Taken off an overloaded appliance's score. The most the other factors can differ between
 * two in-rotation appliances when one is over 90% is content 0.4 + proximity 0.25 + load
 * 0.3·0.1 + health 0.05·0.5 = 0.705, so 0.8 puts every overloaded appliance after every one
 * with headroom, while overloaded ones still rank among themselves.
 */
export const OVERLOAD_PENALTY = 0.8;

/** Score of an appliance out of rotation: below anything an in-rotation one can reach (-0.8). */
export const OUT_OF_ROTATION_SCORE = -1;

/** A cache holding at least this share counts as holding the title (rounding of byte counts). */
const FULL_FILL_SHARE = 0.999;

/**
 * A partly filled cache scores at most this much of a full one: misses on the missing part
 * still go to origin mid-playback, so half a title is worth less than half of a whole one.
 */
const PARTIAL_FILL_FACTOR = 0.7;

/** Freshness goes from 1 (heartbeat now) down to this at the timeout. */
const FRESHNESS_AT_TIMEOUT = 0.5;

/** Network hops between regions: "exchange" is the IX both ISPs peer at, one hop from each. */
const REGION_HOPS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  "isp-a": { "isp-a": 0, exchange: 1, "isp-b": 2 },
  "isp-b": { "isp-b": 0, exchange: 1, "isp-a": 2 },
  exchange: { exchange: 0, "isp-a": 1, "isp-b": 1 },
};

/** Closeness for 0 hops, 1 hop; anything further or unknown is 0. */
const CLOSENESS_BY_HOPS = [1, 0.5] as const;

export interface RankingInput {
  titleId: string;
  clientRegion: string | null;
  appliances: ApplianceStatus[];
  nowMs: number;
  heartbeatTimeoutMs: number;
  ttlSec: number;
  originBaseUrl: string;
  clientAddress: string | null;
  /** Hops between regions (the topology's); the demo's three regions when not given. */
  hops?: (from: string, to: string) => number | null;
}

/** Hops between two regions, or null if unknown (then same name still means 0). */
export function regionHops(from: string, to: string): number | null {
  if (from === to) return 0;
  return REGION_HOPS[from]?.[to] ?? null;
}

const percent = (share: number) => `${Math.round(share * 100)}%`;
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Share of capacity in use; no capacity at all counts as full. */
function utilisation(used: number, capacity: number): number {
  return capacity > 0 ? used / capacity : 1;
}

type Scored = Omit<RankedAppliance, "rank">;

function scoreAppliance(a: ApplianceStatus, input: RankingInput): Scored {
  const w = RANKING_WEIGHTS;
  // A heartbeat stamped in the future (clock skew between hosts) counts as fresh.
  const ageMs = Math.max(0, input.nowMs - a.lastHeartbeatMs);
  const stale = ageMs > input.heartbeatTimeoutMs;

  const sessionShare = utilisation(a.activeSessions, a.capacitySessions);
  const linkShare = utilisation(a.throughputBps, a.capacityBps);
  const busiest = Math.max(sessionShare, linkShare);
  const overloaded = busiest > OVERLOAD_UTILISATION;
  let load = `${a.activeSessions}/${a.capacitySessions} sessions, ${percent(linkShare)} of link`;
  if (overloaded) load += `, over ${percent(OVERLOAD_UTILISATION)}: demoted`;

  const held = a.titles[input.titleId] ?? 0;
  const full = held >= FULL_FILL_SHARE;
  const contentFactor = full ? 1 : held * PARTIAL_FILL_FACTOR;
  const content = full
    ? "holds 100% of the title"
    : held > 0
      ? `holds ${percent(held)} of the title, the rest from origin`
      : "does not hold the title (fills from origin)";

  const hops =
    input.clientRegion === null ? null : (input.hops ?? regionHops)(input.clientRegion, a.region);
  const closeness = hops === null ? 0 : (CLOSENESS_BY_HOPS[hops] ?? 0);
  const proximity =
    input.clientRegion === null
      ? `client region unknown (appliance in ${a.region})`
      : hops === 0
        ? `same region (${a.region})`
        : hops === 1
          ? `neighbouring region (${a.region}, 1 hop from ${input.clientRegion})`
          : hops === null
            ? `other region (${a.region})`
            : `other region (${a.region}, ${hops} hops from ${input.clientRegion})`;

  const base = { id: a.id, baseUrl: a.baseUrl };
  if (!a.healthy || stale) {
    const why = !a.healthy
      ? "appliance reports unhealthy"
      : `no heartbeat for ${seconds(ageMs)} (timeout ${seconds(input.heartbeatTimeoutMs)})`;
    return {
      ...base,
      score: OUT_OF_ROTATION_SCORE,
      reasons: { health: `out of rotation: ${why}`, load, content, proximity },
    };
  }

  const freshness =
    input.heartbeatTimeoutMs > 0
      ? 1 - (1 - FRESHNESS_AT_TIMEOUT) * (ageMs / input.heartbeatTimeoutMs)
      : 1;
  const headroom = Math.max(0, 1 - busiest);
  const weighted =
    w.health * freshness + w.load * headroom + w.content * contentFactor + w.proximity * closeness;
  const score = weighted - (overloaded ? OVERLOAD_PENALTY : 0);
  return {
    ...base,
    // Rounded so that float noise cannot reorder equal appliances before the id tie-break.
    score: Math.round(score * 1e6) / 1e6,
    reasons: { health: `up, heartbeat ${seconds(ageMs)} ago`, load, content, proximity },
  };
}

export function rankAppliances(input: RankingInput): SteeringAnswer {
  const scored = input.appliances.map((a) => scoreAppliance(a, input));
  // Ids compared by code unit, not locale, so every host sorts the same way.
  scored.sort((a, b) => b.score - a.score || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    titleId: input.titleId,
    client: { region: input.clientRegion, address: input.clientAddress },
    ttlSec: input.ttlSec,
    generatedAt: new Date(input.nowMs).toISOString(),
    appliances: scored.map((s, i) => ({ ...s, rank: i + 1 })),
    origin: { baseUrl: input.originBaseUrl },
  };
}

/** The appliances a player may use, best first (those out of rotation left out). */
export function inRotation(answer: SteeringAnswer): SteeringAnswer["appliances"] {
  return answer.appliances.filter((a) => a.score > OUT_OF_ROTATION_SCORE);
}

/**
 * Why an answer put its first appliance first, in one word for counting (the admin API's
 * `/metrics`): where it stands from the client, or "origin" when no appliance is in rotation.
 */
export type AnswerReason =
  | "same-region"
  | "neighbouring-region"
  | "other-region"
  | "region-unknown"
  | "origin";

export function answerReason(answer: SteeringAnswer): AnswerReason {
  const first = inRotation(answer)[0];
  if (!first) return "origin";
  const proximity = first.reasons.proximity;
  if (proximity.startsWith("same region")) return "same-region";
  if (proximity.startsWith("neighbouring region")) return "neighbouring-region";
  if (proximity.startsWith("client region unknown")) return "region-unknown";
  return "other-region";
}
