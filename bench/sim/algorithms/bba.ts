/**
 * BBA-0 (Huang et al., SIGCOMM 2014, Algorithm 1): the rate map f(B) is the lowest bitrate up to
 * the reservoir r, the highest from r + cushion on, linear between. Stay at the previous rate
 * until f(B) crosses the next rate up (then take the highest rate below f(B)) or the next rate
 * down (then the lowest rate above f(B)). The paper uses a 240 s buffer with r = 90 s and
 * cushion = 126 s (24 s upper reservoir); we keep those proportions of our buffer cap
 * (30 s cap: r = 11.25 s, cushion = 15.75 s). The first segment is at the lowest rate.
 */
import type { SimLadder } from "../ladder.ts";
import type { Algorithm, Choice, PlayerView } from "../session.ts";

export const BBA_PAPER = { bufferSec: 240, reservoirSec: 90, cushionSec: 126 };

export class BbaAlgorithm implements Algorithm {
  readonly name = "bba";
  private readonly rates: number[];

  constructor(ladder: SimLadder) {
    this.rates = ladder.renditions.map((r) => r.averageBitrateBps);
  }

  choose(view: PlayerView): Choice {
    const rates = this.rates;
    const top = rates.length - 1;
    const reservoir = (BBA_PAPER.reservoirSec / BBA_PAPER.bufferSec) * view.bufferCapSec;
    const cushion = (BBA_PAPER.cushionSec / BBA_PAPER.bufferSec) * view.bufferCapSec;
    const prev = view.previous ?? 0;
    const b = view.bufferSec;
    if (b <= reservoir) return { rendition: 0 };
    if (b >= reservoir + cushion) return { rendition: top };
    const f = rates[0]! + ((rates[top]! - rates[0]!) * (b - reservoir)) / cushion;
    const plus = rates[Math.min(top, prev + 1)]!;
    const minus = rates[Math.max(0, prev - 1)]!;
    if (f >= plus) {
      // Highest rate strictly below f(B).
      let i = 0;
      while (i < top && rates[i + 1]! < f) i++;
      return { rendition: i };
    }
    if (f <= minus) {
      // Lowest rate strictly above f(B).
      let i = top;
      while (i > 0 && rates[i - 1]! > f) i--;
      return { rendition: i };
    }
    return { rendition: prev };
  }

  downloaded(): void {}
}
