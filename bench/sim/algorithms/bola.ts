/**
 * BOLA (Spiteri et al., INFOCOM 2016) as dash.js's BolaRule parameterises it (BOLA-E):
 * - utilities u_i = ln(bitrate_i / bitrate_0) + 1;
 * - buffer target = max(stableBufferTime 12 s, 10 s + 2 s per rendition); with the minimum
 *   buffer of 10 s, gp = (u_max - 1) / (target / 10 - 1) and Vp = 10 / gp;
 * - in steady state pick argmax (Vp (u_i + gp) - B) / bitrate_i over B = buffer + placeholder;
 * - BOLA-O guard: no switch up past both the previous rendition and what the safe throughput
 *   (0.9 x estimate, dash.js bandwidthSafetyFactor) affords;
 * - startup (first segment, and after a stall): the throughput-safe rendition, with a
 *   placeholder buffer that makes the BOLA level consistent with it;
 * - when the (virtual) buffer is above the chosen rendition's level Vp (u + gp), wait the
 *   excess (dash.js delays the request), drawing down the placeholder first.
 * The throughput estimate is dash.js's EWMA (half-lives 3 s and 8 s of download time, the
 * smaller); before any sample the lowest rendition is used.
 */
import { Ewma } from "../../../src/abr/estimator/ewma.ts";
import type { SimLadder } from "../ladder.ts";
import type { Algorithm, Choice, Download, PlayerView } from "../session.ts";

export const DASHJS_BOLA = {
  minimumBufferSec: 10,
  minimumBufferPerLevelSec: 2,
  stableBufferSec: 12,
  safetyFactor: 0.9,
  fastHalfLifeSec: 3,
  slowHalfLifeSec: 8,
};

export class BolaAlgorithm implements Algorithm {
  readonly name = "bola";
  private readonly bitrates: number[];
  private readonly u: number[];
  private readonly gp: number;
  private readonly vp: number;
  private readonly fast = new Ewma(DASHJS_BOLA.fastHalfLifeSec);
  private readonly slow = new Ewma(DASHJS_BOLA.slowHalfLifeSec);
  private placeholderSec = 0;
  private startup = true;

  constructor(ladder: SimLadder) {
    this.bitrates = ladder.renditions.map((r) => r.averageBitrateBps);
    const b0 = this.bitrates[0]!;
    this.u = this.bitrates.map((b) => Math.log(b / b0) + 1);
    const c = DASHJS_BOLA;
    const target = Math.max(
      c.stableBufferSec,
      c.minimumBufferSec + c.minimumBufferPerLevelSec * this.bitrates.length,
    );
    const uMax = this.u[this.u.length - 1]!;
    // One rendition: gp would be 0; any positive value gives the same (only) choice.
    this.gp = uMax > 1 ? (uMax - 1) / (target / c.minimumBufferSec - 1) : 1;
    this.vp = c.minimumBufferSec / this.gp;
  }

  private safeThroughputIndex(): number | null {
    const f = this.fast.value();
    const s = this.slow.value();
    if (f === null || s === null) return null;
    const safe = Math.min(f, s) * DASHJS_BOLA.safetyFactor;
    let best = 0;
    this.bitrates.forEach((b, i) => {
      if (b <= safe) best = i;
    });
    return best;
  }

  private bolaIndex(bufferSec: number): number {
    let best = 0;
    let bestScore = Number.NEGATIVE_INFINITY;
    this.bitrates.forEach((b, i) => {
      const score = (this.vp * (this.u[i]! + this.gp) - bufferSec) / b;
      if (score >= bestScore) {
        bestScore = score;
        best = i;
      }
    });
    return best;
  }

  /** Lowest buffer at which BOLA would pick `q` over every lower rendition. */
  private minBufferFor(q: number): number {
    let min = 0;
    for (let i = q - 1; i >= 0; i--) {
      const bq = this.bitrates[q]!;
      const bi = this.bitrates[i]!;
      const level = this.vp * (this.gp + (bq * this.u[i]! - bi * this.u[q]!) / (bq - bi));
      min = Math.max(min, level);
    }
    return min;
  }

  choose(view: PlayerView): Choice {
    const throughputIndex = this.safeThroughputIndex();
    if (this.startup) {
      const q = throughputIndex ?? 0;
      this.placeholderSec = Math.max(0, this.minBufferFor(q) - view.bufferSec);
      return { rendition: q };
    }
    let q = this.bolaIndex(view.bufferSec + this.placeholderSec);
    const prev = view.previous ?? 0;
    if (throughputIndex !== null && q > prev && q > throughputIndex) {
      q = Math.max(throughputIndex, prev);
    }
    let delay = Math.max(
      0,
      view.bufferSec + this.placeholderSec - this.vp * (this.u[q]! + this.gp),
    );
    if (delay <= this.placeholderSec) {
      this.placeholderSec -= delay;
      delay = 0;
    } else {
      delay -= this.placeholderSec;
      this.placeholderSec = 0;
    }
    return { rendition: q, delaySec: delay };
  }

  downloaded(d: Download): void {
    const sec = d.doneSec - d.sentSec;
    this.fast.sample(sec, (d.bytes * 8) / sec);
    this.slow.sample(sec, (d.bytes * 8) / sec);
    // A segment that arrived into an empty buffer (after the first) is a stall: back to startup.
    const stalled = d.segment > 0 && d.bufferAtDoneSec <= 0;
    this.startup = stalled;
    if (stalled) this.placeholderSec = 0;
  }
}
