/**
 * Which episode follows a title: the app shell works it out from the catalog and hands the
 * player a `next` (the player feature does not know the catalog).
 */
import type { Catalog, Title } from "../schemas/catalog.ts";

/**
 * The episode after `title` in its series: the series' seasons in number order, each season's
 * episode list in order. An episode the series does not list falls back to (season, episode)
 * order among the catalog's episodes of that series. Null for a movie or a last episode.
 */
export function nextEpisode(catalog: Catalog, title: Title): Title | null {
  const ref = title.episode;
  if (title.kind !== "episode" || !ref) return null;
  const byId = new Map(catalog.titles.map((t) => [t.id, t]));
  const series = catalog.series.find((s) => s.id === ref.seriesId);
  const listed = series
    ? [...series.seasons].sort((a, b) => a.number - b.number).flatMap((s) => s.episodeIds)
    : [];
  const at = listed.indexOf(title.id);
  if (at >= 0) {
    for (const id of listed.slice(at + 1)) {
      const next = byId.get(id);
      if (next) return next;
    }
    return null;
  }
  const order = (t: Title) => (t.episode ? t.episode.season * 1e6 + t.episode.episode : 0);
  return (
    catalog.titles
      .filter((t) => t.episode?.seriesId === ref.seriesId && order(t) > order(title))
      .sort((a, b) => order(a) - order(b))[0] ?? null
  );
}
