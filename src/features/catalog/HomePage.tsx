/**
 * Home: the featured title on its backdrop, then rows of cards (continue watching, because you
 * watched, new, genres, moods), and the titles still being encoded. Arrow keys move across the
 * rows; Enter opens a title.
 */
import type { KeyboardEvent } from "react";
import { Link } from "wouter";
import { useStore } from "zustand";
import { originUrl } from "../../lib/api.ts";
import { usePendingTitles } from "../../lib/encode-status-store.ts";
import { paths } from "../../lib/routes.ts";
import { viewingHistory } from "../../lib/viewing-history.ts";
import type { Catalog } from "../../schemas/catalog.ts";
import { moveFocus } from "./focus-grid.ts";
import { PendingTitles } from "./PendingTitles.tsx";
import { featured, homeRows } from "./recommend.ts";
import { minutes, TitleCard } from "./TitleCard.tsx";

export function HomePage({ catalog }: { catalog: Catalog }) {
  const history = useStore(viewingHistory(), (s) => s.entries);
  const rows = homeRows(catalog, history);
  const hero = featured(catalog);
  const pending = usePendingTitles();

  const onKeyDown = (event: KeyboardEvent<HTMLElement>) => {
    const card = (event.target as HTMLElement).closest<HTMLElement>("[data-row]");
    if (!card) return;
    const to = moveFocus(
      rows.map((r) => r.titles.length),
      { row: Number(card.dataset.row), col: Number(card.dataset.col) },
      event.key,
    );
    if (!to) return;
    event.preventDefault();
    const next = event.currentTarget.querySelector<HTMLElement>(
      `[data-row="${to.row}"][data-col="${to.col}"]`,
    );
    next?.focus();
    next?.scrollIntoView({ block: "nearest", inline: "nearest" });
  };

  return (
    <main className="home">
      {hero && (
        <section
          className="hero"
          aria-label={`Featured: ${hero.name}`}
          style={{ backgroundImage: `url(${originUrl(hero.artwork.backdrop)})` }}
        >
          <div className="hero-text">
            <h2>{hero.name}</h2>
            <p className="card-meta">
              {hero.year} · {minutes(hero.durationSec)} · {hero.genres.join(", ")}
            </p>
            <p>{hero.synopsis}</p>
            <Link className="button primary" href={paths.watch(hero.id)}>
              ▶ Play
            </Link>{" "}
            <Link className="button" href={paths.title(hero.id)}>
              More info
            </Link>
          </div>
        </section>
      )}
      {/* Before the rows: where a title that is coming shows, and its progress. */}
      <PendingTitles titles={pending} />
      {/* biome-ignore lint/a11y/noStaticElementInteractions: arrow keys move focus between the links inside */}
      <div className="rows" onKeyDown={onKeyDown}>
        {rows.map((row, r) => (
          <section key={row.id} className="row" aria-label={row.label}>
            <h2>{row.label}</h2>
            <ul>
              {row.titles.map((title, c) => {
                const entry = history[title.id];
                return (
                  <li key={title.id}>
                    <TitleCard
                      title={title}
                      row={r}
                      col={c}
                      {...(row.id === "continue" && entry
                        ? { progress: entry.positionSec / entry.durationSec }
                        : {})}
                    />
                  </li>
                );
              })}
            </ul>
          </section>
        ))}
      </div>
    </main>
  );
}
