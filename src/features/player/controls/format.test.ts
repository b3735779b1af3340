import { describe, expect, it } from "vitest";
import { formatTime, spokenTime } from "./format.ts";

describe("formatTime", () => {
  it("shows minutes and zero-padded seconds", () => {
    expect(formatTime(0)).toBe("0:00");
    expect(formatTime(5.9)).toBe("0:05");
    expect(formatTime(65)).toBe("1:05");
    expect(formatTime(600)).toBe("10:00");
  });
  it("adds hours when the time or the duration reaches an hour", () => {
    expect(formatTime(3725)).toBe("1:02:05");
    expect(formatTime(5, 3720)).toBe("0:00:05");
  });
  it("treats missing or odd values as zero", () => {
    expect(formatTime(Number.NaN)).toBe("0:00");
    expect(formatTime(-3)).toBe("0:00");
    expect(formatTime(Number.POSITIVE_INFINITY)).toBe("0:00");
    expect(formatTime(30, Number.POSITIVE_INFINITY)).toBe("0:30");
  });
});

describe("spokenTime", () => {
  it("spells units out", () => {
    expect(spokenTime(0)).toBe("0 seconds");
    expect(spokenTime(61)).toBe("1 minute 1 second");
    expect(spokenTime(7200)).toBe("2 hours");
  });
});
