import { describe, expect, it } from "vitest";
import type { ViewingEntry } from "../../lib/viewing-history.ts";
import { collapseSeries, featured, homeRows, similarity, similarTo } from "./recommend.ts";
import { catalog, cellular, episode, title } from "./test-catalog.ts";

const warmDrama = title("a", "A", ["Drama"], { mood: ["warm"], themes: ["memory"], pace: "slow" });
const warmDrama2 = title(
  "b",
  "B",
  ["Drama"],
  { mood: ["warm"], themes: ["memory"], pace: "fast" },
  { year: 2026 },
);
const comedy = title("c", "C", ["Comedy"], { mood: ["warm"], themes: ["family"] });
const scifi = title("d", "D", ["Science"], { mood: ["cold"], themes: ["space"], pace: "fast" });
const e1 = episode("cellular-s1e1", 1);
const e2 = episode("cellular-s1e2", 2);
const e3 = episode("cellular-s2e1", 1, 2);
const all = [warmDrama, warmDrama2, comedy, scifi, e1, e2, e3];
const c = catalog(all, [cellular]);
const at = (positionSec: number, updatedAt: number): ViewingEntry => ({
  positionSec,
  durationSec: 100,
  updatedAt,
});

describe("similarity", () => {
  it("is 1 for identical tags, 0 for nothing shared, and symmetric", () => {
    expect(similarity(warmDrama, warmDrama)).toBeCloseTo(1);
    expect(similarity(warmDrama, warmDrama2)).toBeCloseTo(0.9);
    expect(similarity(comedy, scifi)).toBe(0);
    expect(similarity(warmDrama, comedy)).toBe(similarity(comedy, warmDrama));
  });

  it("ranks the most similar first and leaves out the seed's own series", () => {
    expect(similarTo(warmDrama, all, new Set()).map((t) => t.id)).toEqual(["b", "c"]);
    expect(similarTo(e1, all, new Set()).map((t) => t.id)).not.toContain("cellular-s1e2");
  });
});

describe("rows", () => {
  it("shows one card per series: the first episode not finished, in season order", () => {
    expect(collapseSeries(all, new Set()).map((t) => t.id)).toEqual([
      "a",
      "b",
      "c",
      "d",
      "cellular-s1e1",
    ]);
    expect(collapseSeries(all, new Set(["cellular-s1e1"])).map((t) => t.id)).toContain(
      "cellular-s1e2",
    );
  });

  it("starts with continue watching and because-you-watched from the history", () => {
    const rows = homeRows(c, { a: at(50, 2), d: at(99, 3), ghost: at(50, 4) });
    expect(rows[0]).toMatchObject({ id: "continue", titles: [warmDrama] });
    // d was finished last, so it seeds the recommendation; the unknown id is ignored.
    expect(rows[1]?.label).toBe("Because you watched D");
    expect(rows[1]?.titles.map((t) => t.id)).not.toContain("d");
    expect(rows.find((r) => r.id === "new")?.titles[0]?.id).toBe("b");
    expect(rows.find((r) => r.id === "genre-Drama")?.titles.map((t) => t.id)).toEqual(["a", "b"]);
    expect(rows.find((r) => r.id === "mood-warm")?.titles).toHaveLength(3);
    expect(rows.find((r) => r.id === "mood-cold")).toBeUndefined();
  });

  it("has no history rows for a new viewer, and a featured title", () => {
    expect(homeRows(c, {})[0]?.id).toBe("new");
    expect(featured(c)?.id).toBe("b");
  });
});
