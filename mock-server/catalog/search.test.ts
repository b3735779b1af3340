import { describe, expect, it } from "vitest";
import type { Catalog, Title } from "../../src/schemas/catalog.ts";
import { searchCatalog } from "./search.ts";

const title = (id: string, name: string, genres: string[], mood: string[], synopsis = ""): Title =>
  ({
    id,
    name,
    synopsis,
    genres,
    tags: { mood, pace: "slow", themes: ["sea"] },
  }) as unknown as Title;

const catalog = {
  titles: [
    title("a", "Paper Lanterns", ["Animation"], ["warm"], "A girl and a lantern."),
    title("b", "Grain", ["Thriller"], ["dark"], "A projectionist and a lost reel."),
    title("c", "Lantern Keeper", ["Drama"], ["warm"], "A keeper of a lighthouse."),
  ],
} as unknown as Catalog;

describe("searchCatalog", () => {
  it("matches every word in name, synopsis or labels, name hits first", () => {
    expect(searchCatalog(catalog, { text: "lantern" }).map((t) => t.id)).toEqual(["c", "a"]);
    expect(searchCatalog(catalog, { text: "lost reel" }).map((t) => t.id)).toEqual(["b"]);
  });

  it("filters by tags exactly, ignoring case and accents", () => {
    expect(searchCatalog(catalog, { tags: ["WARM"] }).map((t) => t.id)).toEqual(["c", "a"]);
    expect(searchCatalog(catalog, { tags: ["warm", "animation"] }).map((t) => t.id)).toEqual(["a"]);
    expect(searchCatalog(catalog, { text: "lántern", tags: ["drama"] }).map((t) => t.id)).toEqual([
      "c",
    ]);
  });

  it("returns everything for an empty query and nothing for a miss", () => {
    expect(searchCatalog(catalog, {})).toHaveLength(3);
    expect(searchCatalog(catalog, { text: "zebra" })).toEqual([]);
  });
});
