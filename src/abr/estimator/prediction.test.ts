import { describe, expect, it } from "vitest";
import { PredictionErrors } from "./prediction.ts";

describe("PredictionErrors", () => {
  it("keeps the largest of the last N relative errors, per appliance", () => {
    const e = new PredictionErrors(3);
    expect(e.maxError("a")).toBe(0);
    e.predicted("a", 4_000_000);
    e.observed("a", 1_000_000); // over-estimate: 3
    expect(e.maxError("a")).toBeCloseTo(3);
    expect(e.maxError("b")).toBe(0);
    for (let i = 0; i < 3; i++) {
      e.predicted("a", 1_000_000);
      e.observed("a", 1_250_000); // under-estimate: 0.2
    }
    expect(e.maxError("a")).toBeCloseTo(0.2); // the big one has aged out
  });

  it("ignores a measurement with no prediction before it", () => {
    const e = new PredictionErrors(5);
    e.observed("a", 1_000_000);
    e.predicted("a", 2_000_000);
    e.observed("a", 2_000_000);
    e.observed("a", 100_000); // a second sample for one prediction
    expect(e.maxError("a")).toBe(0);
  });
});
