/**
 * A throughput rule of the hls.js kind: two EWMAs of the measured rate (half-lives 3 s and 9 s
 * of download time, hls.js's abrEwmaFastVoD / abrEwmaSlowVoD), estimate = the smaller, 500 kbit/s
 * before any sample (abrEwmaDefaultEstimate). Pick the highest rendition whose bitrate is at most
 * 0.95 x the estimate (abrBandWidthFactor) to stay or go down, 0.7 x (abrBandWidthUpFactor) to
 * go up. A sample is the segment's size over its whole request time (TTFB included), as hls.js
 * measures it.
 */
import { Ewma } from "../../../src/abr/estimator/ewma.ts";
import type { SimLadder } from "../ladder.ts";
import type { Algorithm, Choice, Download, PlayerView } from "../session.ts";

export const HLSJS = {
  fastHalfLifeSec: 3,
  slowHalfLifeSec: 9,
  defaultBps: 500_000,
  factor: 0.95,
  upFactor: 0.7,
};

export class ThroughputAlgorithm implements Algorithm {
  readonly name = "throughput";
  private readonly fast = new Ewma(HLSJS.fastHalfLifeSec);
  private readonly slow = new Ewma(HLSJS.slowHalfLifeSec);

  constructor(private readonly ladder: SimLadder) {}

  estimateBps(): number {
    const f = this.fast.value();
    const s = this.slow.value();
    return f === null || s === null ? HLSJS.defaultBps : Math.min(f, s);
  }

  choose(view: PlayerView): Choice {
    const estimate = this.estimateBps();
    let best = 0;
    this.ladder.renditions.forEach((r, i) => {
      const up = view.previous === null || i > view.previous;
      const factor = up ? HLSJS.upFactor : HLSJS.factor;
      if (r.averageBitrateBps <= estimate * factor) best = i;
    });
    return { rendition: best };
  }

  downloaded(d: Download): void {
    const sec = d.doneSec - d.sentSec;
    this.fast.sample(sec, (d.bytes * 8) / sec);
    this.slow.sample(sec, (d.bytes * 8) / sec);
  }
}
