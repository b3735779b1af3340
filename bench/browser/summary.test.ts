import { describe, expect, it } from "vitest";
import type { QoeFigures } from "../../src/features/player/qoe.ts";
import type { PlayerName } from "./args.ts";
import {
  ALL_SCENARIOS,
  enginePairs,
  type RunResult,
  ratio,
  shapedShare,
  summarize,
  summarizeScenario,
  tableCells,
} from "./summary.ts";

function figures(over: Partial<QoeFigures>): QoeFigures {
  return {
    timeToFirstFrameMs: 1000,
    stallCount: 0,
    stallMs: 0,
    freezes: 0,
    averageBitrateBps: 500_000,
    averageQuality: 80,
    switches: 2,
    applianceChanges: 0,
    droppedFrames: 0,
    qualityQoe: 40,
    ...over,
  };
}

function run(
  scenario: string,
  player: PlayerName,
  over: Partial<QoeFigures> | null,
  repeat = 1,
): RunResult {
  return {
    scenario,
    player,
    repeat,
    metrics: over === null ? null : figures(over),
    renditionReported: true,
    shapedShare: 1,
    complete: over !== null,
    mediaSec: 60,
    wallSec: 65,
    error: over === null ? "crashed" : null,
  };
}

const ALL: PlayerName[] = ["ours-hlsjs", "engine-hlsjs", "ours-shaka", "engine-shaka"];
const row = (s: ReturnType<typeof summarizeScenario>, key: keyof QoeFigures) =>
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
    const hosts = ["127.0.0.1:18101", "127.0.0.1:18102"];
    expect(shapedShare({ "127.0.0.1:18101": 6, "127.0.0.1:18080": 2 }, hosts)).toBe(0.75);
    expect(shapedShare({ "127.0.0.1:18080": 5 }, hosts)).toBe(0);
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

describe("summarizeScenario", () => {
  it("averages repeats per player and divides ours by the same engine's own ABR", () => {
    const results = [
      run("t", "ours-hlsjs", { timeToFirstFrameMs: 800, stallMs: 1000 }, 1),
      run("t", "ours-hlsjs", { timeToFirstFrameMs: 1200, stallMs: 3000 }, 2),
      run("t", "engine-hlsjs", { timeToFirstFrameMs: 2000, stallMs: 4000 }),
      run("t", "ours-shaka", { averageBitrateBps: 600_000 }),
      run("t", "engine-shaka", { averageBitrateBps: 400_000 }),
      run("other", "ours-hlsjs", { timeToFirstFrameMs: 99_999 }),
    ];
    const s = summarizeScenario(results, ALL, "t");
    expect(s.pairs).toEqual(["hlsjs", "shaka"]);
    expect(row(s, "timeToFirstFrameMs").values).toEqual([1000, 2000, 1000, 1000]);
    expect(row(s, "timeToFirstFrameMs").ratios).toEqual([0.5, 1]);
    expect(row(s, "stallMs").values[0]).toBe(2000);
    expect(row(s, "stallMs").ratios).toEqual([0.5, 1]);
    expect(row(s, "averageBitrateBps").ratios[1]).toBeCloseTo(1.5);
    expect(s.runs).toEqual([
      { ok: 2, total: 2, complete: 2 },
      { ok: 1, total: 1, complete: 1 },
      { ok: 1, total: 1, complete: 1 },
      { ok: 1, total: 1, complete: 1 },
    ]);
  });

  it("leaves failed runs out of the means, and a player with none shows no figure", () => {
    const results = [
      run("t", "ours-hlsjs", { stallCount: 2 }),
      run("t", "ours-hlsjs", null, 2),
      run("t", "engine-hlsjs", null),
    ];
    const s = summarizeScenario(results, ["ours-hlsjs", "engine-hlsjs"], "t");
    expect(row(s, "stallCount").values).toEqual([2, null]);
    expect(row(s, "stallCount").ratios).toEqual([null]);
    expect(s.runs[0]).toEqual({ ok: 1, total: 2, complete: 1 });
  });

  it("leaves bitrate and quality out of runs that never reported a rendition", () => {
    const silent = {
      ...run("t", "engine-shaka", { averageBitrateBps: 0 }),
      renditionReported: false,
    };
    const s = summarizeScenario(
      [run("t", "engine-shaka", { averageBitrateBps: 400_000, stallCount: 1 }, 2), silent],
      ["engine-shaka"],
      "t",
    );
    expect(row(s, "averageBitrateBps").values).toEqual([400_000]);
    expect(row(s, "stallCount").values).toEqual([0.5]);
  });

  it("averages time to first frame over the runs that showed a frame", () => {
    const results = [
      run("t", "ours-shaka", { timeToFirstFrameMs: null }),
      run("t", "ours-shaka", { timeToFirstFrameMs: 900 }, 2),
    ];
    const s = summarizeScenario(results, ["ours-shaka"], "t");
    expect(row(s, "timeToFirstFrameMs").values).toEqual([900]);
  });
});

describe("summarize", () => {
  it("adds an overall table where each network counts once", () => {
    const results = [
      run("a", "ours-hlsjs", { stallMs: 1000 }),
      run("a", "ours-hlsjs", { stallMs: 3000 }, 2),
      run("a", "engine-hlsjs", { stallMs: 1000 }),
      run("b", "ours-hlsjs", { stallMs: 0 }),
      run("b", "engine-hlsjs", { stallMs: 3000 }),
    ];
    const tables = summarize(results, ["ours-hlsjs", "engine-hlsjs"], ["a", "b"]);
    expect(tables.map((t) => t.scenario)).toEqual(["a", "b", ALL_SCENARIOS]);
    const overall = tables[2]!;
    // a: ours 2000, engine 1000; b: ours 0, engine 3000 -> 1000 vs 2000.
    expect(row(overall, "stallMs").values).toEqual([1000, 2000]);
    expect(row(overall, "stallMs").ratios).toEqual([0.5]);
    expect(overall.runs[0]).toEqual({ ok: 3, total: 3, complete: 3 });
  });

  it("gives one table for one network", () => {
    expect(summarize([run("a", "ours-hlsjs", {})], ["ours-hlsjs"], ["a"])).toHaveLength(1);
  });
});

describe("tableCells", () => {
  it("shows figures in display units, ratios as multiples, and dashes where none exist", () => {
    const results = [
      run("t", "ours-hlsjs", { timeToFirstFrameMs: 812.4, stallMs: 2345, stallCount: 1 }),
      run("t", "engine-hlsjs", { timeToFirstFrameMs: 1624.8, stallMs: 0, stallCount: 0 }),
    ];
    const { head, body } = tableCells(
      summarizeScenario(results, ["ours-hlsjs", "engine-hlsjs"], "t"),
    );
    expect(head).toEqual(["t", "ours-hlsjs", "engine-hlsjs", "ours/engine hlsjs"]);
    expect(body[0]).toEqual(["quality-aware QoE (higher is better)", "40.0", "40.0", "1.00x"]);
    expect(body[1]).toEqual(["time to first frame, ms (lower is better)", "812", "1625", "0.50x"]);
    expect(body[3]).toEqual(["stall time, s (lower is better)", "2.35", "0.00", "—"]);
    expect(body[4]).toEqual(["average bitrate, kbit/s (higher is better)", "500", "500", "1.00x"]);
    expect(body.at(-2)).toEqual(["segment requests to shaped appliances", "100%", "100%", ""]);
    expect(body.at(-1)).toEqual([
      "runs with figures / complete / all",
      "1 / 1 / 1",
      "1 / 1 / 1",
      "",
    ]);
  });
});
