/** A small catalog for the catalog feature's unit tests: only the fields the logic reads vary. */
import type { Catalog, Series, Tags, Title } from "../../schemas/catalog.ts";

export function title(
  id: string,
  name: string,
  genres: string[],
  tags: Partial<Tags> = {},
  more: Partial<Title> = {},
): Title {
  return {
    id,
    name,
    synopsis: `${name} synopsis`,
    year: 2025,
    genres,
    tags: { mood: [], themes: [], pace: "medium", ...tags },
    kind: "movie",
    durationSec: 100,
    path: `titles/${id}--000000000000`,
    manifests: { hls: `titles/${id}/master.m3u8`, dash: `titles/${id}/manifest.mpd` },
    artwork: { poster: `titles/${id}/poster.jpg`, backdrop: `titles/${id}/backdrop.jpg` },
    thumbnails: {
      vtt: `titles/${id}/thumbs.vtt`,
      intervalSec: 2,
      width: 160,
      height: 90,
      columns: 5,
      sprites: [`titles/${id}/sprite-0.jpg`],
    },
    renditions: [],
    audio: [],
    subtitles: [],
    encoding: {
      metric: "ssim",
      bdRatePercent: null,
      report: `titles/${id}/report.json`,
      inputHash: "0123456789abcdef",
      encodedAt: "2026-01-01T00:00:00.000Z",
    },
    ...more,
  } as Title;
}

export function episode(id: string, n: number, season = 1): Title {
  return title(
    id,
    `Cellular ${n}`,
    ["Documentary", "Science"],
    { mood: ["curious"], themes: ["emergence"] },
    {
      kind: "episode",
      episode: { seriesId: "cellular", season, episode: n },
    },
  );
}

export function catalog(titles: Title[], series: Series[] = []): Catalog {
  return {
    schemaVersion: 1,
    generatedAt: "2026-01-01T00:00:00.000Z",
    titles,
    series,
  } as unknown as Catalog;
}

export const cellular: Series = {
  id: "cellular",
  name: "Cellular",
  synopsis: "cells",
  year: 2026,
  genres: ["Documentary", "Science"],
  tags: { mood: ["curious"], pace: "medium", themes: ["emergence"] },
  seasons: [
    { number: 2, episodeIds: ["cellular-s2e1"] },
    { number: 1, episodeIds: ["cellular-s1e1", "cellular-s1e2"] },
  ],
};
