import { describe, expect, it } from "vitest";
import { facets, search } from "./search.ts";
import { catalog, cellular, episode, title } from "./test-catalog.ts";

const grain = title("grain", "Grain", ["Drama"], {
  mood: ["warm"],
  themes: ["memory"],
  pace: "slow",
});
const fractal = title(
  "fractal",
  "Fractal Dive",
  ["Science", "Abstract"],
  { mood: ["hypnotic"] },
  {
    synopsis: "A café of infinite grain and colour.",
  },
);
const ep = episode("cellular-s1e1", 1);
const c = catalog([grain, fractal, ep], [cellular]);
const ids = (q: Parameters<typeof search>[1]) => search(c, q).map((r) => r.title.id);

describe("search", () => {
  it("matches word prefixes as the viewer types, name before synopsis", () => {
    expect(ids({ text: "gra", genres: [], tags: [] })).toEqual(["grain", "fractal"]);
    expect(ids({ text: "fract di", genres: [], tags: [] })).toEqual(["fractal"]);
  });

  it("needs every word to match, ignoring case and accents", () => {
    expect(ids({ text: "CAFE colour", genres: [], tags: [] })).toEqual(["fractal"]);
    expect(ids({ text: "grain zebra", genres: [], tags: [] })).toEqual([]);
  });

  it("finds an episode by its series' name", () => {
    expect(ids({ text: "cellular", genres: [], tags: [] })).toEqual(["cellular-s1e1"]);
  });

  it("filters by every chosen genre and tag, with or without text", () => {
    expect(ids({ text: "", genres: ["science"], tags: [] })).toEqual(["fractal", "cellular-s1e1"]);
    expect(ids({ text: "", genres: ["Science"], tags: ["curious"] })).toEqual(["cellular-s1e1"]);
    expect(ids({ text: "", genres: [], tags: ["slow"] })).toEqual(["grain"]);
    expect(ids({ text: "", genres: ["Drama", "Science"], tags: [] })).toEqual([]);
  });

  it("lists the catalog's genres and tags for the filters", () => {
    expect(facets(c).genres).toEqual(["Abstract", "Documentary", "Drama", "Science"]);
    expect(facets(c).tags).toContain("warm");
    expect(facets(c).tags).toContain("slow");
  });
});
