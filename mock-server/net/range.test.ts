import { describe, expect, it } from "vitest";
import { contentRange, parseRange, rangeFor } from "./range.ts";
import { RANGE_BODY_BYTES, RANGE_CASES } from "./range-cases.ts";

describe("rangeFor (RFC 9110)", () => {
  it.each(RANGE_CASES)("$what: $header -> $status", (c) => {
    const answer = rangeFor(c.method ?? "GET", c.header, RANGE_BODY_BYTES);
    if (c.status === 200) expect(answer).toBeNull();
    if (c.status === 416) expect(answer).toBe("unsatisfiable");
    if (c.status === 206) expect(answer).toEqual({ start: c.bytes![0], end: c.bytes![1] });
  });

  it("has nothing to give from an empty body", () => {
    expect(parseRange("bytes=0-", 0)).toBe("unsatisfiable");
    expect(parseRange("bytes=-5", 0)).toBe("unsatisfiable");
    expect(parseRange("bytes=abc", 0)).toBeNull();
  });

  it("writes Content-Range for 206 and 416", () => {
    expect(contentRange({ start: 0, end: 9 }, 100)).toBe("bytes 0-9/100");
    expect(contentRange("unsatisfiable", 100)).toBe("bytes */100");
  });
});
