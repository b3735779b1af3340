/**
 * Per-session metrics.
 *
 * - QoE_lin (Pensieve, Mao et al. 2017): sum over segments of the bitrate in Mbit/s, minus 4.3 x
 *   rebuffering seconds, minus the sum of |bitrate change| in Mbit/s between consecutive
 *   segments. Rebuffering includes the startup delay, as in Pensieve's simulator (the first
 *   segment is downloaded into an empty buffer).
 * - QoE_q (quality-aware): the same formula with the encoder's quality score / 20 in place of
 *   the bitrate in Mbit/s (0-100 becomes 0-5 per segment, the same range as the Pensieve
 *   ladder's 0.3-4.3 Mbit/s), so 4.3 per rebuffering second and |score change| / 20 per switch.
 * - Stall ratio: stalled seconds after startup / (media seconds + those stalled seconds).
 * - Startup time, stall count and seconds, mean bitrate and quality score over the segments
 *   played, switches (segments whose rendition differs from the previous one).
 */
import { QOE_Q } from "../../src/features/player/qoe.ts";
import type { SimLadder } from "./ladder.ts";
import type { SessionResult } from "./session.ts";

export const REBUFFER_PENALTY = QOE_Q.rebufferPenaltyPerSec;
export const QUALITY_SCALE = QOE_Q.qualityScale;

export interface SessionMetrics {
  qoeLin: number;
  qoeQuality: number;
  stallRatio: number;
  startupSec: number;
  stallSec: number;
  stallCount: number;
  avgBitrateKbps: number;
  avgQuality: number;
  switches: number;
  abandonments: number;
}

/** Per-rendition utility in QoE units: Mbit/s for QoE_lin, score / 20 for QoE_q. */
export type Utility = "bitrate" | "quality";

/** Any list of renditions will do: the browser benchmark passes a catalog title's, both codecs. */
export function utilities(ladder: Pick<SimLadder, "renditions">, utility: Utility): number[] {
  return ladder.renditions.map((r) =>
    utility === "bitrate" ? r.averageBitrateBps / 1e6 : r.quality.score / QUALITY_SCALE,
  );
}

/**
 * QoE of a rendition sequence with a given total rebuffering (startup included). `weights[k]`
 * scales segment k's utility (default 1, Pensieve's 4 s segments); the browser benchmark passes
 * length / 4 s, so the 2 s segments of our catalog earn per second of media what Pensieve's do.
 */
export function qoe(
  u: readonly number[],
  renditions: readonly number[],
  rebufferSec: number,
  weights?: readonly number[],
) {
  let sum = 0;
  renditions.forEach((r, k) => {
    sum += u[r]! * (weights?.[k] ?? 1);
    if (k > 0) sum -= Math.abs(u[r]! - u[renditions[k - 1]!]!);
  });
  return sum - REBUFFER_PENALTY * rebufferSec;
}

export function sessionMetrics(ladder: SimLadder, session: SessionResult): SessionMetrics {
  const stallSec = session.stalls.reduce((s, [a, b]) => s + (b - a), 0);
  const rebufferSec = session.startupSec + stallSec;
  const mediaSec = ladder.durationsSec.reduce((s, d) => s + d, 0);
  const rs = session.renditions;
  const mean = (f: (i: number) => number) => rs.reduce((s, r) => s + f(r), 0) / rs.length;
  return {
    qoeLin: qoe(utilities(ladder, "bitrate"), rs, rebufferSec),
    qoeQuality: qoe(utilities(ladder, "quality"), rs, rebufferSec),
    stallRatio: stallSec / (mediaSec + stallSec),
    startupSec: session.startupSec,
    stallSec,
    stallCount: session.stalls.length,
    avgBitrateKbps: mean((r) => ladder.renditions[r]!.averageBitrateBps / 1000),
    avgQuality: mean((r) => ladder.renditions[r]!.quality.score),
    switches: rs.filter((r, k) => k > 0 && r !== rs[k - 1]).length,
    abandonments: session.abandonments.length,
  };
}
