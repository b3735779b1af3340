/** Catalog search: text over name, synopsis, genres and tags; tags filter exactly. Pure. */
import type { Catalog, Title } from "../../src/schemas/catalog.ts";

export interface SearchQuery {
  text?: string;
  tags?: string[];
}

const normalise = (s: string) =>
  s
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase();

/** Every label a title can be filtered by: genres, moods, themes and its pace. */
export function labelsOf(title: Title): string[] {
  return [...title.genres, ...title.tags.mood, ...title.tags.themes, title.tags.pace].map(
    normalise,
  );
}

/** Titles matching every word of the text and every tag, best matches (name hits) first. */
export function searchCatalog(catalog: Catalog, query: SearchQuery): Title[] {
  const words = normalise(query.text ?? "")
    .split(/\s+/)
    .filter(Boolean);
  const tags = (query.tags ?? []).map(normalise);
  const scored = catalog.titles.flatMap((title) => {
    const labels = labelsOf(title);
    if (!tags.every((t) => labels.includes(t))) return [];
    const name = normalise(title.name);
    const haystack = [name, normalise(title.synopsis), ...labels].join(" ");
    if (!words.every((w) => haystack.includes(w))) return [];
    const score = words.filter((w) => name.includes(w)).length;
    return [{ title, score }];
  });
  return scored
    .sort((a, b) => b.score - a.score || a.title.name.localeCompare(b.title.name))
    .map((s) => s.title);
}
