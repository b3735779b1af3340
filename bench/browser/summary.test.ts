import { describe, expect, it } from "vitest";
import type { PlayerName } from "./args.ts";
import type { RunMetrics } from "./meter/measure.ts";
import {
  ALL_SETS,
  enginePairs,
  type RunOutcome,
  ratio,
  shapedShare,
  summarize,
  summarizeSet,
  tableCells,
} from "./summary.ts";

function metrics(over: Partial<RunMetrics>): RunMetrics {
  return {
    timeToFirstFrameMs: 1000,
    startupMs: 1100,
    stallCount: 0,
    stallSec: 0,
    stalledAtEnd: false,
    pausedSec: 0,
    mediaSec: 58,
    playedSegments: 29,
    playedMediaSec: 58,
    qoeLin: 10,
    qoeQ: 40,
    qoeLinPer4s: 0.7,
    qoeQPer4s: 2.8,
    averageBitrateKbps: 500,
    averageQuality: 60,
    switches: 2,
    unknownRenditions: 0,
    segmentRequests: 30,
    maxRequestsPerSegment: 1,
    abortedRequests: 0,
    failedRequests: 0,
    droppedFrames: 0,
    ...over,
  };
}

function run(set: string, player: PlayerName, over: Partial<RunMetrics> | null): RunOutcome {
  return { set, player, metrics: over === null ? null : metrics(over), shapedShare: 1 };
}

const ALL: PlayerName[] = ["ours-hlsjs", "engine-hlsjs", "ours-shaka", "engine-shaka"];
const row = (s: ReturnType<typeof summarizeSet>, key: keyof RunMetrics) =>
  s.rows.find((r) => r.metric.key === key)!;

describe("ratio", () => {
  it("is ours over the engine's, 1 for 0 vs 0, null when undefined", () => {
    expect(ratio(500, 1000)).toBe(0.5);
    expect(ratio(0, 0)).toBe(1);
    expect(ratio(3, 0)).toBeNull();
    expect(ratio(null, 1)).toBeNull();
  });
});

describe("shapedShare", () => {
  it("is the appliances' share of segment requests, null with none", () => {
    const hosts = ["127.0.0.1:48101", "127.0.0.1:48102"];
    expect(shapedShare({ "127.0.0.1:48101": 6, "127.0.0.1:48080": 2 }, hosts)).toBe(0.75);
    expect(shapedShare({ "127.0.0.1:48080": 5 }, hosts)).toBe(0);
    expect(shapedShare({}, hosts)).toBeNull();
  });
});

describe("enginePairs", () => {
  it("lists engines whose two players are both present, in player order", () => {
    expect(enginePairs(ALL)).toEqual(["hlsjs", "shaka"]);
    expect(enginePairs(["engine-shaka", "ours-hlsjs", "ours-shaka"])).toEqual(["shaka"]);
    expect(enginePairs(["ours-hlsjs"])).toEqual([]);
  });
});

describe("summarizeSet", () => {
  it("averages a set's runs per player and divides ours by the same engine's own ABR", () => {
    const results = [
      run("hsdpa", "ours-hlsjs", { timeToFirstFrameMs: 800, stallSec: 1 }),
      run("hsdpa", "ours-hlsjs", { timeToFirstFrameMs: 1200, stallSec: 3 }),
      run("hsdpa", "engine-hlsjs", { timeToFirstFrameMs: 2000, stallSec: 4 }),
      run("hsdpa", "ours-shaka", { averageBitrateKbps: 600 }),
      run("hsdpa", "engine-shaka", { averageBitrateKbps: 400 }),
      run("other", "ours-hlsjs", { timeToFirstFrameMs: 99_999 }),
    ];
    const s = summarizeSet(results, ALL, "hsdpa");
    expect(s.pairs).toEqual(["hlsjs", "shaka"]);
    expect(row(s, "timeToFirstFrameMs").values).toEqual([1000, 2000, 1000, 1000]);
    expect(row(s, "timeToFirstFrameMs").ratios).toEqual([0.5, 1]);
    expect(row(s, "stallSec").values[0]).toBe(2);
    expect(row(s, "stallSec").ratios).toEqual([0.5, 1]);
    expect(row(s, "averageBitrateKbps").ratios[1]).toBeCloseTo(1.5);
    expect(s.runs[0]).toEqual({ measured: 2, played: 2, total: 2 });
  });

  it("leaves failed runs out of the means, and time to first frame of runs that showed none", () => {
    const results = [
      run("t", "ours-hlsjs", { stallCount: 2, timeToFirstFrameMs: null }),
      run("t", "ours-hlsjs", null),
      run("t", "engine-hlsjs", null),
    ];
    const s = summarizeSet(results, ["ours-hlsjs", "engine-hlsjs"], "t");
    expect(row(s, "stallCount").values).toEqual([2, null]);
    expect(row(s, "stallCount").ratios).toEqual([null]);
    expect(row(s, "timeToFirstFrameMs").values).toEqual([null, null]);
    expect(s.runs[0]).toEqual({ measured: 1, played: 0, total: 2 });
  });
});

describe("summarize", () => {
  it("adds an overall table where each set counts once", () => {
    const results = [
      run("a", "ours-hlsjs", { stallSec: 1 }),
      run("a", "ours-hlsjs", { stallSec: 3 }),
      run("a", "engine-hlsjs", { stallSec: 1 }),
      run("b", "ours-hlsjs", { stallSec: 0 }),
      run("b", "engine-hlsjs", { stallSec: 3 }),
    ];
    const tables = summarize(results, ["ours-hlsjs", "engine-hlsjs"], ["a", "b"]);
    expect(tables.map((t) => t.set)).toEqual(["a", "b", ALL_SETS]);
    const overall = tables[2]!;
    // a: ours 2, engine 1; b: ours 0, engine 3 -> 1 vs 2.
    expect(row(overall, "stallSec").values).toEqual([1, 2]);
    expect(row(overall, "stallSec").ratios).toEqual([0.5]);
    expect(overall.runs[0]).toEqual({ measured: 3, played: 3, total: 3 });
  });

  it("gives one table for one set", () => {
    expect(summarize([run("a", "ours-hlsjs", {})], ["ours-hlsjs"], ["a"])).toHaveLength(1);
  });
});

describe("tableCells", () => {
  it("shows the difference where a QoE is negative, as a ratio would read backwards", () => {
    const results = [
      run("t", "ours-shaka", { qoeQPer4s: -2.9 }),
      run("t", "engine-shaka", { qoeQPer4s: -9.4 }),
    ];
    const { body } = tableCells(summarizeSet(results, ["ours-shaka", "engine-shaka"], "t"));
    expect(body[1]).toEqual([
      "QoE_q per 4 s (higher is better)",
      "-2.90",
      "-9.40",
      "+6.50 (diff.)",
    ]);
  });

  it("shows figures in display units, ratios as multiples, and dashes where none exist", () => {
    const results = [
      run("t", "ours-hlsjs", { timeToFirstFrameMs: 812.4, stallSec: 2.345, stallCount: 1 }),
      run("t", "engine-hlsjs", { timeToFirstFrameMs: 1624.8, stallSec: 0, stallCount: 0 }),
    ];
    const { head, body } = tableCells(summarizeSet(results, ["ours-hlsjs", "engine-hlsjs"], "t"));
    expect(head).toEqual(["t", "ours-hlsjs", "engine-hlsjs", "ours/engine hlsjs"]);
    expect(body[0]).toEqual(["QoE_lin per 4 s (higher is better)", "0.70", "0.70", "1.00x"]);
    expect(body[2]).toEqual(["time to first frame, s (lower is better)", "0.81", "1.62", "0.50x"]);
    expect(body[4]).toEqual(["stall time, s (lower is better)", "2.35", "0.00", "—"]);
    expect(body[5]).toEqual(["average bitrate, kbit/s (higher is better)", "500", "500", "1.00x"]);
    expect(body.at(-2)).toEqual(["segment requests to shaped appliances", "100%", "100%", ""]);
    expect(body.at(-1)).toEqual([
      "runs measured / showed a frame / all",
      "1 / 1 / 1",
      "1 / 1 / 1",
      "",
    ]);
  });
});
