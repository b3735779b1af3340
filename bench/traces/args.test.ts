import path from "node:path";
import { describe, expect, it } from "vitest";
import { parseTracesArgs, TracesArgError } from "./args.ts";

const parse = (...argv: string[]) => parseTracesArgs(argv, "/work");

describe("parseTracesArgs", () => {
  it("defaults to ten harsh traces from seed 1 in .cache/traces/harsh", () => {
    expect(parse()).toEqual({
      kind: "harsh",
      count: 10,
      seed: 1,
      durationSec: 300,
      out: path.resolve("/work", ".cache/traces/harsh"),
      help: false,
    });
  });

  it("reads kind, count, seed, duration and folder", () => {
    const o = parse("--kind", "fluctuating", "--count", "3", "--seed", "0", "--out", "t");
    expect(o).toMatchObject({ kind: "fluctuating", count: 3, seed: 0, out: "/work/t" });
    expect(parse("--duration", "60").durationSec).toBe(60);
  });

  it("refuses bad values, naming the option and the fix", () => {
    expect(() => parse("--kind", "calm")).toThrow(/--kind: unknown kind "calm": choose harsh or/);
    expect(() => parse("--count", "0")).toThrow(/--count must be a whole number of at least 1/);
    expect(() => parse("--seed", "1.5")).toThrow(TracesArgError);
    expect(() => parse("--colour")).toThrow(/^Unknown option '--colour'$/);
  });
});
