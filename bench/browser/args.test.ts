import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { BenchArgError, DEFAULT_PROFILE, PLAYERS, parseBenchArgs, parseWindow } from "./args.ts";
import { sample } from "./scenarios.ts";

// Small traces made here, so the tests pass on any clone.
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "bench-args-"));
  mkdirSync(path.join(dir, "set"));
  writeFileSync(path.join(dir, "set", "b.log"), "0 1\n1 3\n");
  writeFileSync(path.join(dir, "set", "a.log"), "0.0\t2.0\n1.0\t2.0\n");
  writeFileSync(path.join(dir, "set", ".hidden"), "not a trace");
  mkdirSync(path.join(dir, "sets", "fcc"), { recursive: true });
  mkdirSync(path.join(dir, "sets", "hsdpa"));
  for (let i = 0; i < 6; i++) writeFileSync(path.join(dir, "sets", "fcc", `f${i}.log`), "0 1\n");
  writeFileSync(path.join(dir, "sets", "hsdpa", "h.log"), "0 2\n1 2\n");
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
const names = (o: ReturnType<typeof parse>) =>
  o.sets.map((s) => `${s.name}: ${s.scenarios.map((c) => c.name).join(" ")}`);

describe("parseBenchArgs", () => {
  it("defaults: the generated profile, every player, a minute at 1280x720, a timestamped JSON", () => {
    const o = parse();
    expect(o.sets).toEqual([
      {
        name: `profile ${DEFAULT_PROFILE}`,
        scenarios: [{ kind: "profile", name: DEFAULT_PROFILE }],
      },
    ]);
    expect(o.players).toEqual([...PLAYERS]);
    expect(o.repeat).toBe(1);
    expect(o.durationSec).toBe(60);
    expect(o.window).toEqual({ width: 1280, height: 720 });
    expect(o.title).toBeNull();
    expect(o.catalog).toBeNull();
    expect(o.portOffset).toBeNull();
    expect(o.out).toBe(path.join(dir, ".cache/bench/browser-2026-01-02T03-04-05.json"));
  });

  it("makes a set of a folder, one per subfolder of a folder of folders, and of a file's folder", () => {
    expect(names(parse("--traces", "set"))).toEqual(["set: a b"]);
    expect(names(parse("--traces", "sets"))).toEqual(["fcc: f0 f1 f2 f3 f4 f5", "hsdpa: h"]);
    expect(names(parse("--traces", "set/b.log,sets/hsdpa/h.log", "--traces", "set/a.log"))).toEqual(
      ["set: b a", "hsdpa: h"],
    );
    const trace = parse("--traces", "mahi.down").sets[0]!.scenarios[0]!;
    expect(trace.kind === "trace" && trace.meanMbps).toBeGreaterThan(0);
  });

  it("samples n traces per set by seed, the same every time", () => {
    const a = parse("--traces", "sets", "--sample", "2", "--seed", "3");
    expect(a.sets.map((s) => s.scenarios.length)).toEqual([2, 1]);
    expect(names(parse("--traces", "sets", "--sample", "2", "--seed", "3"))).toEqual(names(a));
    const seeds = [1, 2, 3, 4, 5].map(
      (seed) => names(parse("--traces", "sets", "--sample", "2", "--seed", String(seed)))[0],
    );
    expect(new Set(seeds).size).toBeGreaterThan(1);
  });

  it("generates harsh traces from consecutive seeds, beside other sets", () => {
    const o = parse("--harsh", "2", "--seed", "7", "--traces", "set");
    expect(names(o)).toEqual(["set: a b", "harsh: harsh-seed7 harsh-seed8"]);
    const harsh = o.sets[1]!.scenarios[0]!;
    expect(harsh.kind === "trace" && harsh.meanMbps).toBeLessThan(1);
    expect(harsh.kind === "trace" && harsh.text.split("\n")[0]).toMatch(/^0 [\d.]+$/);
  });

  it("reads duration, window, players, port offset and the rest", () => {
    const o = parse(
      "--duration",
      "20",
      "--window",
      "1920x1080",
      "--players",
      "ours-shaka,engine-shaka",
      "--port-offset",
      "40000",
      "--profile",
      "harsh",
      "--latency",
      "40",
      "--repeat",
      "2",
    );
    expect(o).toMatchObject({
      durationSec: 20,
      window: { width: 1920, height: 1080 },
      players: ["ours-shaka", "engine-shaka"],
      portOffset: 40000,
      latencyMs: 40,
      repeat: 2,
    });
    expect(names(o)).toEqual(["profile harsh: harsh"]);
  });

  it("refuses bad input with the cause and the fix", () => {
    expect(errorOf("--traces", "nope")).toMatch(/no such file or folder "nope"/);
    expect(errorOf("--traces", "bad.log")).toMatch(/bad.log is not a trace: line 2.*fix the file/);
    expect(errorOf("--players", "ours-dash")).toMatch(/unknown player "ours-dash": choose from/);
    expect(errorOf("--profile", "5g")).toMatch(/unknown shaping profile "5g": choose one of/);
    expect(errorOf("--sample", "2")).toMatch(/--sample picks traces from --traces sets/);
    expect(errorOf("--seed", "2")).toMatch(/--seed only chooses --sample and --harsh/);
    expect(errorOf("--harsh", "0")).toMatch(/--harsh must be a whole number of at least 1/);
    expect(errorOf("--duration", "2")).toMatch(/--duration must be a number of at least 5/);
    expect(errorOf("--window", "big")).toMatch(/--window must be WIDTHxHEIGHT .* got "big"/);
    expect(errorOf("--port-offset", "60000")).toMatch(/at most 50000/);
    expect(errorOf("--catalog", "set")).toMatch(/no catalog.json in "set": build it first/);
    expect(errorOf("--title", "Bad Id")).toMatch(/not a title id/);
    expect(errorOf("--colour", "red")).toBe("Unknown option '--colour'");
  });

  it("answers --help without checking the networks", () => {
    expect(parse("--help", "--traces", "nope").help).toBe(true);
  });
});

describe("parseWindow", () => {
  it("reads WIDTHxHEIGHT", () => {
    expect(parseWindow("1280x720")).toEqual({ width: 1280, height: 720 });
    expect(() => parseWindow("1280×720")).toThrow(BenchArgError);
    expect(() => parseWindow("100x100")).toThrow(/from 320x180/);
  });
});

describe("sample", () => {
  it("keeps the original order and everything when asked for more than there is", () => {
    const items = ["a", "b", "c", "d", "e", "f", "g"];
    const picked = sample(items, 3, 11);
    expect(picked).toHaveLength(3);
    expect([...picked].sort()).toEqual(picked);
    expect(sample(items, 3, 11)).toEqual(picked);
    expect(sample(items, 10, 11)).toEqual(items);
  });
});
