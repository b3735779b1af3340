import { describe, expect, it } from "vitest";
import { Backoff } from "./backoff.ts";

describe("Backoff", () => {
  it("doubles from the first wait up to the longest, and starts over after a success", () => {
    const backoff = new Backoff({ firstMs: 500, maxMs: 3_000 });
    expect([backoff.next(), backoff.next(), backoff.next(), backoff.next()]).toEqual([
      500, 1_000, 2_000, 3_000,
    ]);
    expect(backoff.next()).toBe(3_000);
    expect(backoff.attempts).toBe(5);
    backoff.reset();
    expect(backoff.attempts).toBe(0);
    expect(backoff.next()).toBe(500);
  });

  it("stays at the cap however long the outage (no overflow to Infinity)", () => {
    const backoff = new Backoff({ firstMs: 1, maxMs: 10 });
    for (let i = 0; i < 2_000; i++) backoff.next();
    expect(backoff.next()).toBe(10);
  });

  it("refuses a policy that would never wait or shrink", () => {
    expect(() => new Backoff({ firstMs: 0, maxMs: 10 })).toThrow(/firstMs must be above 0/);
    expect(() => new Backoff({ firstMs: 10, maxMs: 5 })).toThrow(/maxMs at least firstMs/);
  });
});
