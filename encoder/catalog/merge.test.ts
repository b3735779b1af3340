import { describe, expect, it } from "vitest";
import { emptyCatalog, type Title } from "../../src/schemas/catalog.ts";
import { withTitle } from "./merge.ts";

function title(id: string, episode?: { seriesId: string; season: number; episode: number }): Title {
  const at = (p: string) => `titles/${id}--abc/${p}`;
  return {
    id,
    kind: episode ? "episode" : "movie",
    ...(episode ? { episode } : {}),
    name: id,
    synopsis: "",
    year: 2024,
    genres: ["Drama"],
    tags: { mood: [], pace: "slow", themes: [] },
    durationSec: 10,
    path: `titles/${id}--abc`,
    manifests: { hls: at("master.m3u8"), dash: at("manifest.mpd") },
    artwork: { poster: at("art/poster.jpg"), backdrop: at("art/backdrop.jpg") },
    thumbnails: {
      vtt: at("t.vtt"),
      intervalSec: 2,
      width: 160,
      height: 90,
      columns: 5,
      rows: 5,
      sprites: [at("s.jpg")],
    },
    renditions: [
      {
        id: "h264-360p-300k",
        codec: "h264",
        codecs: "avc1.64001e",
        width: 640,
        height: 360,
        frameRate: 24,
        averageBitrateBps: 300_000,
        peakBitrateBps: 400_000,
        targetBitrateBps: 300_000,
        quality: { metric: "ssim", value: 0.95, score: 60 },
        playlist: at("video/a/media.m3u8"),
      },
    ],
    audio: [],
    subtitles: [],
    encoding: {
      metric: "ssim",
      bdRatePercent: -20,
      report: at("report.md"),
      inputHash: "0123456789abcdef",
      encodedAt: new Date(0).toISOString(),
    },
  };
}

const series = {
  id: "show",
  name: "Show",
  synopsis: "",
  year: 2024,
  genres: ["Drama"],
  tags: { mood: [], pace: "slow" as const, themes: [] },
};

describe("withTitle", () => {
  it("adds a movie and replaces it by id", () => {
    const one = withTitle(emptyCatalog(), title("a"), undefined);
    const two = withTitle(one, { ...title("a"), name: "renamed" }, undefined);
    expect(two.titles).toHaveLength(1);
    expect(two.titles[0]!.name).toBe("renamed");
  });

  it("keeps a series' episodes in episode order whatever order they arrive in", () => {
    let catalog = emptyCatalog();
    catalog = withTitle(catalog, title("e3", { seriesId: "show", season: 1, episode: 3 }), series);
    catalog = withTitle(catalog, title("e1", { seriesId: "show", season: 1, episode: 1 }), series);
    catalog = withTitle(
      catalog,
      title("e2", { seriesId: "show", season: 1, episode: 2 }),
      undefined,
    );
    expect(catalog.series).toHaveLength(1);
    expect(catalog.series[0]!.seasons).toEqual([{ number: 1, episodeIds: ["e1", "e2", "e3"] }]);
  });

  it("moves an episode that changed season, and drops emptied seasons", () => {
    let catalog = withTitle(
      emptyCatalog(),
      title("e1", { seriesId: "show", season: 1, episode: 1 }),
      series,
    );
    catalog = withTitle(
      catalog,
      title("e1", { seriesId: "show", season: 2, episode: 1 }),
      undefined,
    );
    expect(catalog.series[0]!.seasons).toEqual([{ number: 2, episodeIds: ["e1"] }]);
  });

  it("refuses an episode of a series nobody described", () => {
    expect(() =>
      withTitle(
        emptyCatalog(),
        title("e1", { seriesId: "ghost", season: 1, episode: 1 }),
        undefined,
      ),
    ).toThrow(/unknown series "ghost"/);
  });
});
