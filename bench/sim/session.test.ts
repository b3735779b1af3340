import { describe, expect, it } from "vitest";
import { FixedAlgorithm } from "./algorithms/fixed.ts";
import { Link } from "./link.ts";
import { sessionMetrics } from "./metrics.ts";
import { type Algorithm, runSession } from "./session.ts";
import { ladder, trace } from "./test-support.ts";

const TWO = ladder([1000, 2000], [50, 80], 2, 5);
const top = (n: number) => new FixedAlgorithm("top", new Array<number>(n).fill(1));

describe("session model, hand-computed", () => {
  it("constant link: each 4 Mbit segment takes RTT + 1 s at 4 Mbit/s, no stall", () => {
    const link = new Link(
      trace([
        [0, 4],
        [1, 4],
      ]),
      0.1,
    );
    const result = runSession(TWO, link, top(5), { bufferCapSec: 30 });
    const done = result.downloads.map((d) => d.doneSec);
    // Back to back: the buffer never reaches the cap.
    for (const [i, t] of [1.1, 2.2, 3.3, 4.4, 5.5].entries()) expect(done[i]).toBeCloseTo(t, 9);
    expect(result.startupSec).toBeCloseTo(1.1, 9);
    expect(result.stalls).toEqual([]);
    expect(result.endSec).toBeCloseTo(1.1 + 10, 9);
    const m = sessionMetrics(TWO, result);
    // 5 x 2 Mbit/s - 4.3 x 1.1 s startup, no switch.
    expect(m.qoeLin).toBeCloseTo(10 - 4.3 * 1.1, 9);
    expect(m.qoeQuality).toBeCloseTo(5 * (80 / 20) - 4.3 * 1.1, 9);
    expect(m.stallRatio).toBe(0);
    expect(m.switches).toBe(0);
    expect(m.avgBitrateKbps).toBe(2000);
  });

  it("step drop: 4 Mbit/s for 2 s then 0.5 Mbit/s stalls the third segment for 5 s", () => {
    const link = new Link(
      trace([
        [0, 4],
        [2, 0.5],
        [60, 0.5],
      ]),
      0,
    );
    const three = ladder([1000, 2000], [50, 80], 2, 3);
    const result = runSession(three, link, top(3), { bufferCapSec: 30 });
    // Segment 0: 0-1 s; 1: 1-2 s; 2: 4 Mbit at 0.5 Mbit/s = 2-10 s, while the buffer ran out at 5 s.
    expect(result.downloads.map((d) => d.doneSec)).toEqual([1, 2, 10]);
    expect(result.stalls).toEqual([[5, 10]]);
    const m = sessionMetrics(three, result);
    expect(m.stallSec).toBe(5);
    expect(m.qoeLin).toBeCloseTo(3 * 2 - 4.3 * (1 + 5), 9);
    expect(m.stallRatio).toBeCloseTo(5 / (6 + 5), 9);
  });

  it("a trace shorter than the session loops from its start", () => {
    // 2 s period: 1 Mbit/s then 3 Mbit/s, 4 Mbit per period = one 2 Mbit/s x 2 s segment.
    const link = new Link(
      trace([
        [0, 1],
        [1, 3],
      ]),
      0,
    );
    const three = ladder([1000, 2000], [50, 80], 2, 3);
    const result = runSession(three, link, top(3), { bufferCapSec: 30 });
    expect(result.downloads.map((d) => d.doneSec)).toEqual([2, 4, 6]);
    expect(result.stalls).toEqual([]);
  });

  it("waits for room in the buffer: never above the cap", () => {
    const link = new Link(
      trace([
        [0, 100],
        [1, 100],
      ]),
      0,
    );
    const many = ladder([1000, 2000], [50, 80], 2, 20);
    const result = runSession(many, link, top(20), { bufferCapSec: 6 });
    for (const d of result.downloads.slice(1)) {
      expect(d.bufferAtSendSec).toBeLessThanOrEqual(4 + 1e-9);
      expect(d.bufferAtDoneSec + d.mediaSec).toBeLessThanOrEqual(6 + 1e-9);
    }
    expect(result.downloads.at(-1)!.bufferAtSendSec).toBeCloseTo(4, 6);
  });

  it("abandonment: the bytes so far are lost and the segment is fetched again at once", () => {
    const link = new Link(
      trace([
        [0, 1],
        [1, 1],
      ]),
      0,
    );
    const one = ladder([500, 2000], [50, 80], 2, 1);
    const abandoner: Algorithm = {
      name: "abandoner",
      choose: () => ({ rendition: 1 }),
      progress: (p) => (p.nowSec >= 0.5 ? 0 : null),
      downloaded: () => {},
    };
    const result = runSession(one, link, abandoner, { bufferCapSec: 30 });
    expect(result.abandonments).toHaveLength(1);
    expect(result.abandonments[0]!.wastedBytes).toBeCloseTo((0.5 * 1e6) / 8, 3);
    // 1 Mbit at 1 Mbit/s from 0.5 s.
    expect(result.downloads[0]!.rendition).toBe(0);
    expect(result.downloads[0]!.doneSec).toBeCloseTo(1.5, 9);
  });

  it("honours an algorithm's extra wait (BOLA)", () => {
    const link = new Link(
      trace([
        [0, 10],
        [1, 10],
      ]),
      0,
    );
    const waiter: Algorithm = {
      name: "waiter",
      choose: (v) => ({ rendition: 0, delaySec: v.segment === 1 ? 3 : 0 }),
      downloaded: () => {},
    };
    const result = runSession(ladder([1000, 2000], [50, 80], 2, 2), link, waiter, {
      bufferCapSec: 30,
    });
    expect(result.downloads[1]!.sentSec).toBeCloseTo(0.2 + 3, 9);
  });
});
