/**
 * Putting a title into the catalog document: replace or add it, keep series and their episode
 * lists in step, and validate the result. Pure, so every rule is tested without files.
 */
import {
  type Catalog,
  parseCatalog,
  type Series,
  type Title,
  type TitleInfo,
} from "../../src/schemas/catalog.ts";

export function withTitle(
  catalog: Catalog,
  title: Title,
  seriesInfo: (TitleInfo & { id: string }) | undefined,
  now = new Date(),
): Catalog {
  const titles = [...catalog.titles.filter((t) => t.id !== title.id), title];
  let series = catalog.series.map((s) => ({
    ...s,
    seasons: s.seasons
      .map((season) => ({
        ...season,
        episodeIds: season.episodeIds.filter((id) => id !== title.id),
      }))
      .filter((season) => season.episodeIds.length > 0),
  }));
  if (title.episode) {
    const ref = title.episode;
    const existing = series.find((s) => s.id === ref.seriesId);
    if (!existing && !seriesInfo) {
      throw new Error(
        `episode of unknown series "${ref.seriesId}": describe the series in the sidecar's "series" field`,
      );
    }
    const base: Series = existing ?? { ...seriesInfo!, seasons: [] };
    const updated: Series = seriesInfo ? { ...base, ...seriesInfo, seasons: base.seasons } : base;
    const season = updated.seasons.find((s) => s.number === ref.season) ?? {
      number: ref.season,
      episodeIds: [],
    };
    const episodeNumber = (id: string) => titles.find((t) => t.id === id)?.episode?.episode ?? 0;
    const episodeIds = [...season.episodeIds, title.id].sort(
      (a, b) => episodeNumber(a) - episodeNumber(b),
    );
    const seasons = [
      ...updated.seasons.filter((s) => s.number !== ref.season),
      { number: ref.season, episodeIds },
    ].sort((a, b) => a.number - b.number);
    series = [...series.filter((s) => s.id !== ref.seriesId), { ...updated, seasons }];
  }
  series = series.filter((s) => s.seasons.length > 0);
  const order = (a: { id: string }, b: { id: string }) => a.id.localeCompare(b.id);
  return parseCatalog({
    ...catalog,
    generatedAt: now.toISOString(),
    titles: titles.sort(order),
    series: series.sort(order),
  });
}
