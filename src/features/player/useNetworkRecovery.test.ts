import { describe, expect, it } from "vitest";
import { OUTAGE_AFTERMATH_MS, startsAgain } from "./useNetworkRecovery.ts";

describe("startsAgain: a fatal error, the network answering again", () => {
  const nowMs = 100_000;

  it("starts again when the network was down while the error stood", () => {
    expect(
      startsAgain({ error: "HTTP_ERROR", downDuringError: true, lastDownAtMs: null, nowMs }),
    ).toBe(true);
  });

  it("starts again when the error came just after an outage ended (the engine's last retry went into it)", () => {
    expect(
      startsAgain({
        error: "HTTP_ERROR",
        downDuringError: false,
        lastDownAtMs: nowMs - 4_000,
        nowMs,
      }),
    ).toBe(true);
  });

  it("leaves an error to its Retry button when no outage came before it, or one long ago", () => {
    expect(
      startsAgain({ error: "HTTP 404", downDuringError: false, lastDownAtMs: null, nowMs }),
    ).toBe(false);
    expect(
      startsAgain({
        error: "HTTP 404",
        downDuringError: false,
        lastDownAtMs: nowMs - OUTAGE_AFTERMATH_MS - 1,
        nowMs,
      }),
    ).toBe(false);
  });

  it("does nothing without an error: a stalled engine goes on by itself", () => {
    expect(startsAgain({ error: null, downDuringError: true, lastDownAtMs: nowMs, nowMs })).toBe(
      false,
    );
  });
});
