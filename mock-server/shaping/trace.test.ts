import { describe, expect, it } from "vitest";
import { harshTrace } from "./harsh.ts";
import {
  bitsBetween,
  formatPensieveTrace,
  meanBitsPerSecond,
  parseMahimahiTrace,
  parsePensieveTrace,
  parseTrace,
  rateAt,
  timeForBits,
} from "./trace.ts";

describe("formatPensieveTrace", () => {
  it("writes lines that parse back to the same trace", () => {
    const trace = harshTrace({ seed: 5, durationSec: 40 });
    const text = formatPensieveTrace(trace);
    expect(text.split("\n")[0]).toMatch(/^0 \d+(\.\d+)?$/);
    expect(parsePensieveTrace(text)).toEqual(trace);
  });
});

describe("parsePensieveTrace", () => {
  it("reads seconds and Mbit/s separated by tabs or spaces, skipping blank lines", () => {
    const trace = parsePensieveTrace("0 2\n\n1\t4.5\r\n  2   1  \n");
    expect(trace.samples).toEqual([
      { atSec: 0, mbps: 2 },
      { atSec: 1, mbps: 4.5 },
      { atSec: 2, mbps: 1 },
    ]);
    expect(trace.durationSec).toBe(3); // last timestamp + the 1 s gap
  });

  it("shifts a trace that starts late to 0 and ends it with the median gap", () => {
    const trace = parsePensieveTrace("10 1\n10.5 2\n11 3\n13 4\n");
    expect(trace.samples.map((s) => s.atSec)).toEqual([0, 0.5, 1, 3]);
    expect(trace.durationSec).toBe(3.5); // gaps 0.5, 0.5, 2: median 0.5
  });

  it("gives a lone sample one second", () => {
    expect(parsePensieveTrace("0 3").durationSec).toBe(1);
  });
});

describe("parseMahimahiTrace", () => {
  it("counts 1500-byte packets per 100 ms window", () => {
    // Window 0: 3 packets (one repeated timestamp); window 1: 1; window 2: 1 (the period end).
    const trace = parseMahimahiTrace("5\n5\n50\n150\n300\n");
    expect(trace.durationSec).toBe(0.3);
    // 300 ms maps to the next loop's 0 ms, so window 0 holds 4 packets.
    expect(trace.samples).toEqual([
      { atSec: 0, mbps: (4 * 12_000) / 0.1 / 1e6 },
      { atSec: 0.1, mbps: (1 * 12_000) / 0.1 / 1e6 },
      { atSec: 0.2, mbps: 0 },
    ]);
  });

  it("keeps the width of a short last window, so no bits are lost", () => {
    const trace = parseMahimahiTrace("20\n120\n150\n");
    expect(trace.durationSec).toBe(0.15);
    // 150 ms is the next loop's 0 ms: window 0 has 2 packets, the 50 ms window 1 has 1.
    expect(trace.samples[0]).toEqual({ atSec: 0, mbps: (2 * 12_000) / 0.1 / 1e6 });
    expect(trace.samples[1]).toEqual({ atSec: 0.1, mbps: 12_000 / 0.05 / 1e6 });
    expect(bitsBetween(trace, 0, 0.15)).toBeCloseTo(3 * 12_000, 6);
  });
});

describe("parseTrace", () => {
  it("detects the format from the columns", () => {
    expect(parseTrace("0 1\n1 2\n").samples).toHaveLength(2); // Pensieve
    expect(parseTrace("\n1\n2\n200\n").durationSec).toBe(0.2); // mahimahi
  });

  it("names the trace in errors", () => {
    expect(() => parseTrace("0 1 2\n", "hsdpa/bus")).toThrow(
      'hsdpa/bus: line 1: expected "<seconds> <Mbit/s>" (Pensieve) or "<ms>" (mahimahi), got "0 1 2"',
    );
  });
});

describe("bad input", () => {
  const cases: [string, () => unknown, string][] = [
    ["empty Pensieve", () => parsePensieveTrace(" \n\n"), "empty trace"],
    ["empty mahimahi", () => parseMahimahiTrace(""), "empty trace"],
    ["empty, any format", () => parseTrace("\n"), "empty trace"],
    [
      "one column in Pensieve",
      () => parsePensieveTrace("0 1\n1 2\nabc\n"),
      'line 3: expected "<seconds> <Mbit/s>", got "abc"',
    ],
    [
      "three columns",
      () => parsePensieveTrace("0 1 2"),
      'line 1: expected "<seconds> <Mbit/s>", got "0 1 2"',
    ],
    [
      "text rate",
      () => parsePensieveTrace("0 1\n1 fast"),
      'line 2: rate (Mbit/s) is not a number: "fast"',
    ],
    [
      "negative rate",
      () => parsePensieveTrace("0 -1"),
      'line 1: rate (Mbit/s) must not be negative, got "-1"',
    ],
    [
      "negative time",
      () => parsePensieveTrace("-1 1"),
      'line 1: time must not be negative, got "-1"',
    ],
    [
      "infinite rate",
      () => parsePensieveTrace("0 Infinity"),
      'line 1: rate (Mbit/s) must be finite, got "Infinity"',
    ],
    ["NaN time", () => parsePensieveTrace("0 1\nNaN 1"), 'line 2: time must be finite, got "NaN"'],
    [
      "overflowing rate",
      () => parsePensieveTrace("0 1e999"),
      'line 1: rate (Mbit/s) must be finite, got "1e999"',
    ],
    [
      "decreasing time",
      () => parsePensieveTrace("0 1\n2 1\n\n1 1"),
      "line 4: time 1 s is not after the previous 2 s",
    ],
    [
      "repeated time",
      () => parsePensieveTrace("0 1\n0 2"),
      "line 2: time 0 s is not after the previous 0 s",
    ],
    ["all-zero rates", () => parsePensieveTrace("0 0\n1 0"), "trace never delivers any data"],
    [
      "two columns in mahimahi",
      () => parseMahimahiTrace("1\n2 3"),
      'line 2: expected one integer millisecond timestamp, got "2 3"',
    ],
    [
      "fractional ms",
      () => parseMahimahiTrace("1\n2.5"),
      'line 2: timestamp must be an integer number of ms, got "2.5"',
    ],
    [
      "negative ms",
      () => parseMahimahiTrace("-3"),
      'line 1: timestamp (ms) must not be negative, got "-3"',
    ],
    ["text ms", () => parseMahimahiTrace("1\nx"), 'line 2: timestamp (ms) is not a number: "x"'],
    [
      "decreasing ms",
      () => parseMahimahiTrace("5\n9\n7"),
      "line 3: timestamp 7 ms is before the previous 9 ms",
    ],
    [
      "zero period",
      () => parseMahimahiTrace("0\n0"),
      "period (its last timestamp) must be more than 0 ms",
    ],
  ];
  for (const [what, parse, message] of cases) {
    it(`rejects ${what}`, () => {
      expect(parse).toThrow(Error);
      expect(parse).toThrow(message);
    });
  }
});

describe("rateAt and bitsBetween", () => {
  // 2 Mbit/s for 1 s, 0 for 0.5 s, 4 Mbit/s for 0.5 s: 4 Mbit per 2 s period.
  // Every gap is 0.5 s, so the last step lasts 0.5 s too and the period is 2 s.
  const trace = parsePensieveTrace("0 2\n0.5 2\n1 0\n1.5 4\n");

  it("steps and wraps around, in both directions", () => {
    expect(trace.durationSec).toBe(2);
    expect(rateAt(trace, 0)).toBe(2e6);
    expect(rateAt(trace, 1.2)).toBe(0);
    expect(rateAt(trace, 1.99)).toBe(4e6);
    expect(rateAt(trace, 2)).toBe(2e6);
    expect(rateAt(trace, 203.7)).toBe(4e6);
    expect(rateAt(trace, -0.25)).toBe(4e6);
  });

  it("integrates hand-computed spans", () => {
    expect(bitsBetween(trace, 0, 1)).toBeCloseTo(2e6, 3);
    expect(bitsBetween(trace, 0.5, 1.75)).toBeCloseTo(1e6 + 0 + 1e6, 3);
    expect(bitsBetween(trace, 1.1, 1.4)).toBe(0);
    // Across the wrap: 0.25 s at 4 Mbit/s + 0.25 s at 2 Mbit/s.
    expect(bitsBetween(trace, 1.75, 2.25)).toBeCloseTo(1e6 + 0.5e6, 3);
    expect(bitsBetween(trace, 3, 3)).toBe(0);
  });

  it("integrates long spans by whole periods (a million periods, exactly)", () => {
    expect(bitsBetween(trace, 0.5, 0.5 + 2e6)).toBeCloseTo(1e6 * 4e6, -1);
    expect(bitsBetween(trace, 1, 2e6 + 1.75)).toBeCloseTo(1e6 * 4e6 + 1e6, -1);
    expect(meanBitsPerSecond(trace)).toBe(2e6);
  });

  it("refuses a reversed span", () => {
    expect(() => bitsBetween(trace, 2, 1)).toThrow("end 1 s is before start 2 s");
  });

  it("inverts the integral, skipping zero-rate stretches", () => {
    expect(timeForBits(trace, 0)).toBe(0);
    expect(timeForBits(trace, 1e6)).toBeCloseTo(0.5, 9);
    expect(timeForBits(trace, 2e6)).toBeCloseTo(1, 9); // end of the 2 Mbit/s step, not 1.5
    expect(timeForBits(trace, 3e6)).toBeCloseTo(1.75, 9);
    expect(timeForBits(trace, 4e6)).toBeCloseTo(2, 9);
    expect(timeForBits(trace, 4e6 * 10 + 2e6)).toBeCloseTo(21, 9);
    for (const t of [0.3, 1.6, 7.9, 12345.6]) {
      expect(timeForBits(trace, bitsBetween(trace, 0, t))).toBeCloseTo(t, 6);
    }
  });
});
