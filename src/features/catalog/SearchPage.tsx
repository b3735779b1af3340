/**
 * Search by text, genre and tag, with results as you type. The query lives in the address
 * (`/search?q=…&genre=…&tag=…`), so a search can be linked, reloaded and gone back to.
 */
import { useSearchParams } from "wouter";
import type { Catalog } from "../../schemas/catalog.ts";
import { facets, search } from "./search.ts";
import { TitleCard } from "./TitleCard.tsx";

export function SearchPage({ catalog }: { catalog: Catalog }) {
  const [params, setParams] = useSearchParams();
  const text = params.get("q") ?? "";
  const genres = params.getAll("genre");
  const tags = params.getAll("tag");
  const results = search(catalog, { text, genres, tags });
  const { genres: allGenres, tags: allTags } = facets(catalog);

  /** Typing replaces the history entry (no entry per keystroke); a filter adds one. */
  const update = (change: (p: URLSearchParams) => void, replace: boolean) => {
    const next = new URLSearchParams(params);
    change(next);
    setParams(next, { replace });
  };
  const toggle = (key: "genre" | "tag", value: string) =>
    update((p) => {
      const values = p.getAll(key);
      p.delete(key);
      const kept = values.includes(value) ? values.filter((v) => v !== value) : [...values, value];
      for (const v of kept) p.append(key, v);
    }, false);

  return (
    <main className="search">
      <h2>Search</h2>
      <input
        type="search"
        aria-label="Search titles"
        placeholder="Titles, genres, moods…"
        value={text}
        // biome-ignore lint/a11y/noAutofocus: the page exists to type into this field
        autoFocus
        onChange={(e) =>
          update((p) => (e.target.value ? p.set("q", e.target.value) : p.delete("q")), true)
        }
      />
      <fieldset className="chips">
        <legend>Genres</legend>
        {allGenres.map((g) => (
          <button
            key={g}
            type="button"
            aria-pressed={genres.includes(g)}
            onClick={() => toggle("genre", g)}
          >
            {g}
          </button>
        ))}
      </fieldset>
      <fieldset className="chips">
        <legend>Tags</legend>
        {allTags.map((t) => (
          <button
            key={t}
            type="button"
            aria-pressed={tags.includes(t)}
            onClick={() => toggle("tag", t)}
          >
            {t}
          </button>
        ))}
      </fieldset>
      <p role="status">
        {results.length} {results.length === 1 ? "title" : "titles"}
      </p>
      <ul className="grid" aria-label="Search results">
        {results.map(({ title }) => (
          <li key={title.id}>
            <TitleCard title={title} />
          </li>
        ))}
      </ul>
    </main>
  );
}
