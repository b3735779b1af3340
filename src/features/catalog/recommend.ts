/**
 * The home page's rows, computed from the catalog and the viewing history: continue watching,
 * because you watched X (tag similarity), new, one row per genre and per mood. Pure functions,
 * so the rows are tested without a browser.
 */
import { continueWatching, type ViewingEntry, watched } from "../../lib/viewing-history.ts";
import type { Catalog, Title } from "../../schemas/catalog.ts";
import { tagsOf } from "./search.ts";

export interface Row {
  id: string;
  label: string;
  titles: Title[];
}

/** Weighted Jaccard similarity in [0, 1]: genres count most, then themes, mood, pace. */
export function similarity(a: Title, b: Title): number {
  const jaccard = (x: readonly string[], y: readonly string[]) => {
    const sx = new Set(x);
    const sy = new Set(y);
    const union = new Set([...sx, ...sy]).size;
    if (union === 0) return 0;
    let common = 0;
    for (const v of sx) if (sy.has(v)) common++;
    return common / union;
  };
  return (
    0.4 * jaccard(a.genres, b.genres) +
    0.3 * jaccard(a.tags.themes, b.tags.themes) +
    0.2 * jaccard(a.tags.mood, b.tags.mood) +
    0.1 * (a.tags.pace === b.tags.pace ? 1 : 0)
  );
}

const seriesOf = (t: Title) => t.episode?.seriesId ?? null;

/**
 * One card per series: a row shows the episode to watch next (the first one not finished,
 * by season and episode), not every episode.
 */
export function collapseSeries(titles: readonly Title[], finished: ReadonlySet<string>): Title[] {
  const bySeries = new Map<string, Title[]>();
  for (const t of titles) {
    const s = seriesOf(t);
    if (s) bySeries.set(s, [...(bySeries.get(s) ?? []), t]);
  }
  const seen = new Set<string>();
  const out: Title[] = [];
  for (const t of titles) {
    const s = seriesOf(t);
    if (!s) {
      out.push(t);
      continue;
    }
    if (seen.has(s)) continue;
    seen.add(s);
    const episodes = [...(bySeries.get(s) ?? [])].sort(
      (x, y) =>
        (x.episode?.season ?? 0) - (y.episode?.season ?? 0) ||
        (x.episode?.episode ?? 0) - (y.episode?.episode ?? 0),
    );
    out.push(episodes.find((e) => !finished.has(e.id)) ?? episodes[0]!);
  }
  return out;
}

/** Titles most like `seed`, best first, leaving out the seed's own series and `exclude`. */
export function similarTo(
  seed: Title,
  titles: readonly Title[],
  exclude: ReadonlySet<string>,
  limit = 10,
): Title[] {
  return titles
    .filter((t) => t.id !== seed.id && !exclude.has(t.id))
    .filter((t) => seriesOf(seed) === null || seriesOf(t) !== seriesOf(seed))
    .map((t) => ({ t, score: similarity(seed, t) }))
    .filter((x) => x.score > 0)
    .sort((a, b) => b.score - a.score)
    .slice(0, limit)
    .map((x) => x.t);
}

/** The featured title: the newest movie or series start, by year then by encoding date. */
export function featured(catalog: Catalog): Title | null {
  return newest(collapseSeries(catalog.titles, new Set()))[0] ?? null;
}

function newest(titles: readonly Title[]): Title[] {
  return [...titles].sort(
    (a, b) => b.year - a.year || b.encoding.encodedAt.localeCompare(a.encoding.encodedAt),
  );
}

export function homeRows(catalog: Catalog, history: Record<string, ViewingEntry>): Row[] {
  const byId = new Map(catalog.titles.map((t) => [t.id, t]));
  const known = (ids: string[]) => ids.flatMap((id) => byId.get(id) ?? []);
  const watchedTitles = known(watched(history));
  const inProgress = known(continueWatching(history));
  const finished = new Set(watchedTitles.filter((t) => !inProgress.includes(t)).map((t) => t.id));
  const all = collapseSeries(catalog.titles, finished);
  const rows: Row[] = [];

  if (inProgress.length > 0) {
    rows.push({ id: "continue", label: "Continue watching", titles: inProgress });
  }
  const seed = watchedTitles[0];
  if (seed) {
    const similar = collapseSeries(similarTo(seed, catalog.titles, finished), finished);
    if (similar.length > 0) {
      rows.push({
        id: `because-${seed.id}`,
        label: `Because you watched ${seed.name}`,
        titles: similar,
      });
    }
  }
  rows.push({ id: "new", label: "New", titles: newest(all).slice(0, 10) });

  const genres = [...new Set(all.flatMap((t) => t.genres))].sort((a, b) => a.localeCompare(b));
  for (const genre of genres) {
    rows.push({
      id: `genre-${genre}`,
      label: genre,
      titles: all.filter((t) => t.genres.includes(genre)),
    });
  }
  // Moods shared by at least two titles: a row of one is not a row.
  const moods = [...new Set(all.flatMap((t) => t.tags.mood))].sort((a, b) => a.localeCompare(b));
  for (const mood of moods) {
    const titles = all.filter((t) => tagsOf(t).includes(mood));
    if (titles.length >= 2) rows.push({ id: `mood-${mood}`, label: `Feeling ${mood}`, titles });
  }
  return rows;
}
