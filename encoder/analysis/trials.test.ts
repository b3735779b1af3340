import { describe, expect, it } from "vitest";
import { chooseExcerpts, excerptCountFor } from "./trials.ts";

describe("trial excerpts", () => {
  it('"auto" takes one a minute, at least two, at most six', () => {
    expect(excerptCountFor(8, "auto")).toBe(2);
    expect(excerptCountFor(60, "auto")).toBe(2);
    expect(excerptCountFor(240, "auto")).toBe(4);
    expect(excerptCountFor(3_600, "auto")).toBe(6);
    expect(excerptCountFor(240, 3)).toBe(3);
  });

  it("a feature of four one-minute scenes gets an excerpt in each scene", () => {
    const excerpts = chooseExcerpts(240, excerptCountFor(240, "auto"), 2);
    const scenes = excerpts.map((e) => Math.floor(e.startSec / 60));
    expect(scenes).toEqual([0, 1, 2, 3]);
    // Each excerpt stays inside its scene: no frames of two scenes in one trial.
    for (const e of excerpts) {
      expect(Math.floor((e.startSec + e.durationSec) / 60)).toBe(Math.floor(e.startSec / 60));
    }
  });

  it("a title shorter than its excerpts is sampled whole, once", () => {
    expect(chooseExcerpts(3, 2, 2)).toEqual([{ startSec: 0, durationSec: 3 }]);
  });
});
