/**
 * Search over the catalog in the browser: the catalog is small and already loaded, so results
 * follow every keystroke with no round trip. Every word must match somewhere in a title (name,
 * synopsis, genres, tags, or its series' name), and every chosen genre and tag must be the
 * title's; results are ranked by where the words matched (a name beats a synopsis).
 */
import type { Catalog, Title } from "../../schemas/catalog.ts";

export interface SearchQuery {
  text: string;
  genres: readonly string[];
  /** Mood, theme or pace tags. */
  tags: readonly string[];
}

export interface SearchResult {
  title: Title;
  score: number;
}

/** Lower case, accents removed: "Café" finds "cafe". */
export function normalise(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .toLowerCase();
}

export function words(text: string): string[] {
  return normalise(text)
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length > 0);
}

/** Every tag of a title, one flat list: mood, themes and pace. */
export function tagsOf(title: Pick<Title, "tags">): string[] {
  return [...title.tags.mood, ...title.tags.themes, title.tags.pace];
}

/** How much each field is worth when a word matches it. */
const FIELD_WEIGHTS = { name: 10, series: 6, genre: 4, tag: 3, synopsis: 1 } as const;

function fieldsOf(title: Title, seriesName: string | undefined) {
  return {
    name: words(title.name),
    series: seriesName ? words(seriesName) : [],
    genre: title.genres.flatMap(words),
    tag: tagsOf(title).flatMap(words),
    synopsis: words(title.synopsis),
  };
}

/** A word matches a field word it starts (prefix: results as you type). */
function wordScore(word: string, fields: ReturnType<typeof fieldsOf>): number {
  let best = 0;
  for (const [field, list] of Object.entries(fields) as [keyof typeof FIELD_WEIGHTS, string[]][]) {
    if (list.some((w) => w.startsWith(word))) best = Math.max(best, FIELD_WEIGHTS[field]);
  }
  return best;
}

export function search(catalog: Catalog, query: SearchQuery): SearchResult[] {
  const queryWords = words(query.text);
  const genres = query.genres.map(normalise);
  const tags = query.tags.map(normalise);
  const seriesName = new Map(catalog.series.map((s) => [s.id, s.name]));
  const results: SearchResult[] = [];
  for (const title of catalog.titles) {
    const titleGenres = title.genres.map(normalise);
    const titleTags = tagsOf(title).map(normalise);
    if (!genres.every((g) => titleGenres.includes(g))) continue;
    if (!tags.every((t) => titleTags.includes(t))) continue;
    const fields = fieldsOf(title, title.episode && seriesName.get(title.episode.seriesId));
    let score = 0;
    let allMatched = true;
    for (const word of queryWords) {
      const s = wordScore(word, fields);
      if (s === 0) {
        allMatched = false;
        break;
      }
      score += s;
    }
    if (allMatched) results.push({ title, score });
  }
  // Best score first; equal scores keep the catalog's order (stable sort).
  return results.sort((a, b) => b.score - a.score);
}

/** The genres and tags present in the catalog, for the filter chips, alphabetically. */
export function facets(catalog: Catalog): { genres: string[]; tags: string[] } {
  const genres = new Set<string>();
  const tags = new Set<string>();
  for (const title of catalog.titles) {
    for (const g of title.genres) genres.add(g);
    for (const t of tagsOf(title)) tags.add(t);
  }
  const sorted = (set: Set<string>) => [...set].sort((a, b) => a.localeCompare(b));
  return { genres: sorted(genres), tags: sorted(tags) };
}
