import { describe, expect, it } from "vitest";
import { Ewma } from "./ewma.ts";

describe("Ewma", () => {
  it("has no value before a sample, and exactly the first sample after one", () => {
    const e = new Ewma(2);
    expect(e.value()).toBeNull();
    e.sample(0.1, 5_000_000);
    expect(e.value()).toBeCloseTo(5_000_000, 3);
  });

  it("moves halfway to a new value after one half-life of weight", () => {
    const e = new Ewma(2);
    e.sample(100, 10);
    e.sample(2, 20);
    expect(e.value()).toBeCloseTo(15, 3);
  });

  it("ignores samples without a positive weight or a finite value", () => {
    const e = new Ewma(2);
    e.sample(1, 10);
    e.sample(0, 1000);
    e.sample(-1, 1000);
    e.sample(1, Number.NaN);
    expect(e.value()).toBeCloseTo(10, 6);
  });

  it("capAt lowers the value but never raises it", () => {
    const e = new Ewma(5);
    e.sample(10, 100);
    e.capAt(40);
    expect(e.value()).toBeCloseTo(40, 6);
    e.capAt(80);
    expect(e.value()).toBeCloseTo(40, 6);
  });

  it("rejects a non-positive half-life", () => {
    expect(() => new Ewma(0)).toThrow(/half-life/);
  });
});
