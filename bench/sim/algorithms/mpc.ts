/**
 * RobustMPC (Yin et al., SIGCOMM 2015), as in Pensieve's comparison: throughput prediction =
 * harmonic mean of the last 5 measured rates (size / request time) divided by (1 + the largest
 * relative error of the last 5 harmonic-mean predictions against the rate then measured); then every rendition sequence over the
 * next 5 segments (fewer near the end) is scored with QoE_lin under that constant rate, using
 * the real sizes of those segments, and the first rendition of the best sequence is taken.
 * The buffer model of the look-ahead is Pensieve's (no cap, no RTT). Before any measurement the
 * lowest rendition is used.
 */
import type { SimLadder } from "../ladder.ts";
import { REBUFFER_PENALTY } from "../metrics.ts";
import type { Algorithm, Choice, Download, PlayerView } from "../session.ts";

export const MPC = { horizon: 5, history: 5 };

export class MpcAlgorithm implements Algorithm {
  readonly name = "robustmpc";
  private readonly rates: number[] = [];
  private readonly errors: number[] = [];
  private lastPrediction: number | null = null;
  private readonly mbps: number[];

  constructor(private readonly ladder: SimLadder) {
    this.mbps = ladder.renditions.map((r) => r.averageBitrateBps / 1e6);
  }

  /** Harmonic mean of the last rates, or null before any sample. */
  harmonicBps(): number | null {
    if (this.rates.length === 0) return null;
    return this.rates.length / this.rates.reduce((s, r) => s + 1 / r, 0);
  }

  /** The robust prediction: the harmonic mean discounted by the worst recent error. */
  predictBps(): number | null {
    const harmonic = this.harmonicBps();
    if (harmonic === null) return null;
    const maxError = this.errors.length === 0 ? 0 : Math.max(...this.errors);
    return harmonic / (1 + maxError);
  }

  choose(view: PlayerView): Choice {
    const rate = this.predictBps();
    // The error is measured on the undiscounted mean, as in Pensieve's RobustMPC.
    this.lastPrediction = this.harmonicBps();
    if (rate === null) return { rendition: 0 };
    const n = this.ladder.durationsSec.length;
    const horizon = Math.min(MPC.horizon, n - view.segment);
    const count = this.mbps.length;
    let bestValue = Number.NEGATIVE_INFINITY;
    let bestFirst = 0;
    // Depth-first over sequences, sharing prefixes.
    const search = (depth: number, prev: number, buffer: number, value: number, first: number) => {
      if (depth === horizon) {
        if (value > bestValue) {
          bestValue = value;
          bestFirst = first;
        }
        return;
      }
      const k = view.segment + depth;
      for (let r = 0; r < count; r++) {
        const downloadSec = (this.ladder.sizesBytes[r]![k]! * 8) / rate;
        const rebuffer = Math.max(0, downloadSec - buffer);
        const next = Math.max(0, buffer - downloadSec) + this.ladder.durationsSec[k]!;
        const switchCost = prev < 0 ? 0 : Math.abs(this.mbps[r]! - this.mbps[prev]!);
        const v = value + this.mbps[r]! - REBUFFER_PENALTY * rebuffer - switchCost;
        search(depth + 1, r, next, v, depth === 0 ? r : first);
      }
    };
    search(0, view.previous ?? -1, view.bufferSec, 0, 0);
    return { rendition: bestFirst };
  }

  downloaded(d: Download): void {
    const actual = (d.bytes * 8) / (d.doneSec - d.sentSec);
    if (this.lastPrediction !== null) {
      this.errors.push(Math.abs(this.lastPrediction - actual) / actual);
      if (this.errors.length > MPC.history) this.errors.shift();
    }
    this.rates.push(actual);
    if (this.rates.length > MPC.history) this.rates.shift();
  }
}
