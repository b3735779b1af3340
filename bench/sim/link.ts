/**
 * The network model, the same for every algorithm: a request sent at `s` gets its first byte
 * one round-trip time later, then bytes arrive at the trace's rate (the trace's integral, so
 * a rate change mid-download counts exactly). One download at a time. The trace starts at the
 * session's t = 0 and, when the session outlives it, loops (mock-server/shaping/trace.ts:
 * `timeForBits` and `bitsBetween` wrap around; the traces' README asks for the same).
 */
import { bitsBetween, type ThroughputTrace, timeForBits } from "../../mock-server/shaping/trace.ts";

export class Link {
  constructor(
    readonly trace: ThroughputTrace,
    readonly rttSec: number,
  ) {}

  /** When a request sent at `sentSec` has delivered all `bytes`. */
  finishAt(sentSec: number, bytes: number): number {
    const start = sentSec + this.rttSec;
    if (bytes <= 0) return start;
    return timeForBits(this.trace, bitsBetween(this.trace, 0, start) + bytes * 8);
  }

  /** When the first byte of a request sent at `sentSec` arrives (later than the RTT if the link is idle then). */
  firstByteAt(sentSec: number): number {
    return this.finishAt(sentSec, 1);
  }

  /** Bytes of a request sent at `sentSec` delivered by `atSec`. */
  loadedBytes(sentSec: number, atSec: number): number {
    const start = sentSec + this.rttSec;
    if (atSec <= start) return 0;
    return bitsBetween(this.trace, start, atSec) / 8;
  }
}
