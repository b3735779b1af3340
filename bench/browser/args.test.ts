import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { BenchArgError, DEFAULT_PROFILE, PLAYERS, parseBenchArgs } from "./args.ts";

// Small traces made here, so the tests pass on any clone.
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "bench-args-"));
  mkdirSync(path.join(dir, "set"));
  writeFileSync(path.join(dir, "set", "b.log"), "0 1\n1 3\n");
  writeFileSync(path.join(dir, "set", "a.log"), "0.0\t2.0\n1.0\t2.0\n");
  writeFileSync(path.join(dir, "set", ".hidden"), "not a trace");
  writeFileSync(path.join(dir, "mahi.down"), "0\n5\n10\n100\n");
  writeFileSync(path.join(dir, "bad.log"), "0 1\n0.5 fast\n");
});

const NOW = new Date("2026-01-02T03:04:05.678Z");
const parse = (...argv: string[]) => parseBenchArgs(argv, dir, NOW);
const errorOf = (...argv: string[]): string => {
  try {
    parse(...argv);
  } catch (error) {
    expect(error).toBeInstanceOf(BenchArgError);
    return (error as Error).message;
  }
  throw new Error("expected an error");
};

describe("parseBenchArgs", () => {
  it("defaults: the generated profile, every player, one repeat, a timestamped JSON", () => {
    const o = parse();
    expect(o.scenarios).toEqual([{ kind: "profile", name: DEFAULT_PROFILE }]);
    expect(o.players).toEqual([...PLAYERS]);
    expect(o.repeat).toBe(1);
    expect(o.durationSec).toBeNull();
    expect(o.title).toBeNull();
    expect(o.catalog).toBeNull();
    expect(o.out).toBe(path.join(dir, ".cache/bench/browser-2026-01-02T03-04-05.json"));
  });

  it("reads trace files and folders (sorted, hidden files skipped), Pensieve and mahimahi", () => {
    const o = parse("--traces", "set", "--traces", "mahi.down");
    expect(o.scenarios.map((s) => s.name)).toEqual([
      "set/a",
      "set/b",
      `${path.basename(dir)}/mahi`,
    ]);
    const [a, b] = o.scenarios;
    expect(a?.kind === "trace" && a.meanMbps).toBeCloseTo(2);
    expect(b?.kind === "trace" && b.meanMbps).toBeCloseTo(2);
  });

  it("takes comma-separated lists", () => {
    const o = parse("--traces", "set/a.log,set/b.log", "--players", "ours-shaka,engine-shaka");
    expect(o.scenarios).toHaveLength(2);
    expect(o.players).toEqual(["ours-shaka", "engine-shaka"]);
  });

  it("takes a profile, numbers and an output path", () => {
    const o = parse("--profile", "3g", "--duration", "30", "--repeat", "3", "--out", "x.json");
    expect(o.scenarios).toEqual([{ kind: "profile", name: "3g" }]);
    expect(o.durationSec).toBe(30);
    expect(o.repeat).toBe(3);
    expect(o.out).toBe(path.join(dir, "x.json"));
  });

  it("names a missing trace file and says what to give", () => {
    expect(errorOf("--traces", "nope.log")).toMatch(
      /no such file or folder "nope.log".*trace file/,
    );
  });

  it("names an unparsable trace, its line, and the fix", () => {
    const message = errorOf("--traces", "bad.log");
    expect(message).toContain("bad.log is not a trace");
    expect(message).toContain("line 2");
    expect(message).toMatch(/fix the file/);
  });

  it("names an unknown player and lists the valid ones", () => {
    expect(errorOf("--players", "ours-hlsjs,dashjs")).toBe(
      `--players: unknown player "dashjs": choose from ${PLAYERS.join(", ")} (comma-separated)`,
    );
  });

  it("refuses an unknown profile, and traces with a profile", () => {
    expect(errorOf("--profile", "5g")).toMatch(/unknown shaping profile "5g": choose one of .*3g/);
    expect(errorOf("--profile", "3g", "--traces", "set")).toMatch(/not both/);
  });

  it("refuses bad numbers", () => {
    expect(errorOf("--duration", "soon")).toMatch(/--duration must be a number greater than 0/);
    expect(errorOf("--duration", "0")).toMatch(/--duration/);
    expect(errorOf("--repeat", "1.5")).toMatch(/--repeat must be a whole number/);
    expect(errorOf("--latency", "-5")).toMatch(/--latency/);
  });

  it("refuses unknown options and a catalog folder without catalog.json", () => {
    expect(errorOf("--trace", "x")).toMatch(/Unknown option '--trace'.*--help/);
    expect(errorOf("--catalog", "set")).toMatch(/no catalog.json in "set".*npm run encode/);
  });

  it("answers --help without checking the rest", () => {
    expect(parse("--help", "--players", "bogus").help).toBe(true);
  });
});
