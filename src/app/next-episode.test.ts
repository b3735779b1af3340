import { describe, expect, it } from "vitest";
import type { Catalog, Title } from "../schemas/catalog.ts";
import { nextEpisode } from "./next-episode.ts";

const title = (id: string, episode?: { season: number; episode: number; seriesId?: string }) =>
  ({
    id,
    name: id,
    kind: episode ? "episode" : "movie",
    episode: episode && { seriesId: episode.seriesId ?? "show", ...episode },
  }) as unknown as Title;

const catalog = (titles: Title[], seasons: Record<number, string[]> | null): Catalog =>
  ({
    titles,
    series: seasons
      ? [
          {
            id: "show",
            seasons: Object.entries(seasons).map(([n, ids]) => ({
              number: Number(n),
              episodeIds: ids,
            })),
          },
        ]
      : [],
  }) as unknown as Catalog;

const s1e1 = title("s1e1", { season: 1, episode: 1 });
const s1e2 = title("s1e2", { season: 1, episode: 2 });
const s2e1 = title("s2e1", { season: 2, episode: 1 });
const movie = title("film");

describe("nextEpisode", () => {
  it("follows the season's list, then the next season", () => {
    const c = catalog([movie, s2e1, s1e2, s1e1], { 2: ["s2e1"], 1: ["s1e1", "s1e2"] });
    expect(nextEpisode(c, s1e1)?.id).toBe("s1e2");
    expect(nextEpisode(c, s1e2)?.id).toBe("s2e1");
  });

  it("has none after the last episode or for a movie", () => {
    const c = catalog([movie, s1e1, s1e2], { 1: ["s1e1", "s1e2"] });
    expect(nextEpisode(c, s1e2)).toBeNull();
    expect(nextEpisode(c, movie)).toBeNull();
  });

  it("skips listed episodes the catalog lacks", () => {
    const c = catalog([s1e1, s2e1], { 1: ["s1e1", "s1e2"], 2: ["s2e1"] });
    expect(nextEpisode(c, s1e1)?.id).toBe("s2e1");
  });

  it("falls back to season and episode numbers when the series does not list the title", () => {
    const other = title("other", { season: 1, episode: 3, seriesId: "elsewhere" });
    const c = catalog([s2e1, s1e2, s1e1, other], null);
    expect(nextEpisode(c, s1e1)?.id).toBe("s1e2");
    expect(nextEpisode(c, s1e2)?.id).toBe("s2e1");
    expect(nextEpisode(c, s2e1)).toBeNull();
  });
});
