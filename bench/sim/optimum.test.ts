import { describe, expect, it } from "vitest";
import { FixedAlgorithm } from "./algorithms/fixed.ts";
import { ALGORITHMS } from "./algorithms/index.ts";
import { Link } from "./link.ts";
import { sessionMetrics, utilities } from "./metrics.ts";
import { offlineOptimum } from "./optimum.ts";
import { runSession } from "./session.ts";
import { ladder, seeded, trace } from "./test-support.ts";

describe("offline optimum", () => {
  it("on a fast constant link takes the top rendition throughout", () => {
    const l = ladder([300, 1000, 2000], [30, 60, 80], 2, 10);
    const link = new Link(
      trace([
        [0, 20],
        [1, 20],
      ]),
      0.05,
    );
    const opt = offlineOptimum(l, link, { bufferCapSec: 30 }, utilities(l, "bitrate"));
    expect(opt.plan).toEqual(new Array<number>(10).fill(2));
    // 10 x 2 Mbit/s - 4.3 x startup (RTT + 4 Mbit at 20 Mbit/s).
    expect(opt.bound).toBeCloseTo(20 - 4.3 * (0.05 + 0.2), 9);
  });

  it("is never beaten, on random traces, by any algorithm or by its own plan replayed", () => {
    const random = seeded(42);
    const l = ladder([300, 750, 1200, 1850, 2850], [30, 55, 68, 79, 89], 2, 24);
    // A few hand-shaped links too: an outage, a step up, a short looping trace.
    const traces = [
      trace([
        [0, 3],
        [10, 0.05],
        [18, 3],
        [60, 3],
      ]),
      trace([
        [0, 0.4],
        [20, 5],
        [60, 5],
      ]),
      trace([
        [0, 0.5],
        [1.5, 4],
      ]),
    ];
    for (let i = 0; i < 9; i++) {
      const points: [number, number][] = [];
      const mean = 0.3 + random() * 4;
      for (let t = 0; t < 80; t += 0.5 + random() * 2) {
        points.push([t, Math.max(0.02, mean * (0.2 + 1.6 * random()))]);
      }
      traces.push(trace(points));
    }
    const session = { bufferCapSec: 12 };
    for (const [i, t] of traces.entries()) {
      const link = new Link(t, 0.08);
      const lin = offlineOptimum(l, link, session, utilities(l, "bitrate"));
      const q = offlineOptimum(l, link, session, utilities(l, "quality"));
      const replay = sessionMetrics(
        l,
        runSession(l, link, new FixedAlgorithm("o", lin.plan), session),
      );
      expect(replay.qoeLin, `trace ${i}: plan replayed`).toBeLessThanOrEqual(lin.bound + 1e-6);
      let best = replay.qoeLin;
      for (const [name, make] of Object.entries(ALGORITHMS)) {
        const m = sessionMetrics(l, runSession(l, link, make(l), session));
        best = Math.max(best, m.qoeLin);
        expect(m.qoeLin, `trace ${i}: ${name} QoE_lin`).toBeLessThanOrEqual(lin.bound + 1e-6);
        expect(m.qoeQuality, `trace ${i}: ${name} QoE_q`).toBeLessThanOrEqual(q.bound + 1e-6);
      }
      // Pruning with a floor some algorithm reached keeps it a bound (merges differ: it may be tighter).
      const pruned = offlineOptimum(l, link, session, utilities(l, "bitrate"), undefined, best);
      expect(pruned.bound).toBeLessThanOrEqual(lin.bound + 1e-9);
      expect(pruned.bound).toBeGreaterThanOrEqual(best - 1e-6);
    }
  });

  it("is never beaten by any fixed rendition sequence (exhaustive on a tiny case)", () => {
    const l = ladder([400, 1500, 3000], [40, 70, 90], 2, 6);
    const link = new Link(
      trace([
        [0, 2.5],
        [3, 0.3],
        [7, 1.2],
        [9, 4],
      ]),
      0.08,
    );
    const session = { bufferCapSec: 6 };
    const u = utilities(l, "bitrate");
    const opt = offlineOptimum(l, link, session, u);
    let best = Number.NEGATIVE_INFINITY;
    for (let code = 0; code < 3 ** 6; code++) {
      const plan = Array.from({ length: 6 }, (_, k) => Math.floor(code / 3 ** k) % 3);
      const m = sessionMetrics(l, runSession(l, link, new FixedAlgorithm("p", plan), session));
      best = Math.max(best, m.qoeLin);
    }
    expect(best).toBeLessThanOrEqual(opt.bound + 1e-6);
    // And the bound is tight here: within 2% of the true best.
    expect(opt.bound - best).toBeLessThan(0.02 * Math.abs(best) + 0.05);
  });
});
