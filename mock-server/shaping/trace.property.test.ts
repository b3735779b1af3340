/**
 * Property-based tests of the trace parsers (fast-check): whatever text arrives, a parse either
 * throws an Error naming what is wrong or returns a trace inside TRACE_LIMITS, in bounded time;
 * and the sliced parse a server uses gives exactly what the parse at once gives.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TRACE_LIMITS } from "../../src/schemas/admin.ts";
import { parseTrace, parseTraceSliced, type ThroughputTrace } from "./trace.ts";

/** Fields as traces and near-traces have them: numbers of every shape, and a few that are not. */
const field = fc.oneof(
  { arbitrary: fc.nat({ max: 100_000 }).map(String), weight: 4 },
  // Timestamps up to twice the limit: rare, since one near a day makes 864,000 windows.
  {
    arbitrary: fc.integer({ min: 0, max: 2 * TRACE_LIMITS.maxDurationSec * 1000 }).map(String),
    weight: 1,
  },
  { arbitrary: fc.double({ min: 0, max: 1e6, noNaN: true }).map((x) => x.toFixed(3)), weight: 3 },
  { arbitrary: fc.double().map(String), weight: 2 },
  {
    arbitrary: fc.constantFrom(
      "-1",
      "1e999",
      "Infinity",
      "NaN",
      "+5",
      ".5",
      "5.",
      "0x10",
      "1e3",
      "abc",
      "",
    ),
    weight: 2,
  },
);
/** Lines of one or two fields (the two formats), sometimes three, with any spacing. */
const line = fc
  .tuple(fc.array(field, { minLength: 1, maxLength: 3 }), fc.constantFrom(" ", "\t", "  "))
  .map(([fields, gap]) => fields.join(gap));
/** A trace-like text: lines, blank lines and either line ending. */
const traceLike = fc
  .tuple(fc.array(line, { maxLength: 60 }), fc.constantFrom("\n", "\r\n"))
  .map(([lines, end]) => lines.join(end));
/** Rising timestamps, as a valid mahimahi or Pensieve file mostly has them. */
const rising = fc
  .tuple(fc.array(fc.nat({ max: 5_000 }), { minLength: 1, maxLength: 200 }), fc.boolean())
  .map(([steps, pensieve]) => {
    let at = 0;
    return steps
      .map((step, i) => {
        at += pensieve ? step + 1 : step;
        return pensieve ? `${at / 1000} ${(i % 7) + 0.5}` : `${at}`;
      })
      .join("\n");
  });
const anyText = fc.oneof(fc.string({ maxLength: 300, unit: "binary" }), traceLike, rising);

/** What every trace that parses must be: inside the limits and well formed. */
function checkTrace(trace: ThroughputTrace): void {
  const { samples, durationSec } = trace;
  expect(samples.length).toBeGreaterThan(0);
  expect(samples.length).toBeLessThanOrEqual(TRACE_LIMITS.maxSamples);
  expect(samples[0]!.atSec).toBe(0);
  expect(durationSec).toBeGreaterThan(samples[samples.length - 1]!.atSec);
  expect(durationSec).toBeLessThanOrEqual(TRACE_LIMITS.maxDurationSec);
  for (let i = 0; i < samples.length; i++) {
    const { atSec, mbps } = samples[i]!;
    if (i > 0) expect(atSec).toBeGreaterThan(samples[i - 1]!.atSec);
    expect(Number.isFinite(mbps) && mbps >= 0 && mbps <= TRACE_LIMITS.maxMbps).toBe(true);
  }
  expect(samples.some((s) => s.mbps > 0)).toBe(true);
}

/** The outcome of a parse: the trace, or the error's message (never another kind of throw). */
function outcome(parse: () => ThroughputTrace): ThroughputTrace | string {
  try {
    return parse();
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    return (error as Error).message;
  }
}

describe("trace parsers on any input", () => {
  it("throw an Error with a message, or return a trace inside the limits, within a second", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const started = performance.now();
        const result = outcome(() => parseTrace(text));
        expect(performance.now() - started).toBeLessThan(1_000);
        if (typeof result === "string") expect(result.length).toBeLessThan(400);
        else checkTrace(result);
      }),
      { numRuns: 300 },
    );
  });

  it("give the same answer sliced as at once", async () => {
    await fc.assert(
      fc.asyncProperty(anyText, async (text) => {
        const atOnce = outcome(() => parseTrace(text));
        let sliced: ThroughputTrace | string;
        try {
          sliced = await parseTraceSliced(text);
        } catch (error) {
          sliced = (error as Error).message;
        }
        expect(sliced).toEqual(atOnce);
      }),
      { numRuns: 150 },
    );
  });
});
