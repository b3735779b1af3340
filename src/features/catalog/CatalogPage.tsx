/** The catalog: every title with its artwork, and for the selected one its encoding ladder. */
import { type ReactNode, useEffect, useState } from "react";
import { fetchCatalog, originUrl } from "../../lib/api.ts";
import type { Catalog, Title } from "../../schemas/catalog.ts";
import { TitleDetails } from "./TitleDetails.tsx";

type Load =
  | { state: "loading" }
  | { state: "error"; message: string }
  | { state: "ready"; catalog: Catalog };

/**
 * `renderPlayer` comes from the app shell, which composes the features; it gets the catalog and
 * a way to open another title (the player's next episode).
 */
export function CatalogPage({
  renderPlayer,
}: {
  renderPlayer: (
    title: Title,
    context: { catalog: Catalog; select(title: Title): void },
  ) => ReactNode;
}) {
  const [load, setLoad] = useState<Load>({ state: "loading" });
  const [attempt, setAttempt] = useState(0);
  const [selected, setSelected] = useState<Title | null>(null);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` is the retry trigger.
  useEffect(() => {
    const controller = new AbortController();
    setLoad({ state: "loading" });
    fetchCatalog(controller.signal).then(
      (catalog) => setLoad({ state: "ready", catalog }),
      (error: Error) => {
        if (!controller.signal.aborted) setLoad({ state: "error", message: error.message });
      },
    );
    return () => controller.abort();
  }, [attempt]);

  if (load.state === "loading") return <p aria-busy="true">Loading the catalog…</p>;
  if (load.state === "error") {
    return (
      <div role="alert" className="error">
        <p>{load.message}</p>
        <button type="button" onClick={() => setAttempt((n) => n + 1)}>
          Retry
        </button>
      </div>
    );
  }
  const { catalog } = load;
  if (catalog.titles.length === 0) return <p>The catalog is empty: run `npm run encode`.</p>;
  return (
    <main>
      {selected && (
        <TitleDetails
          title={selected}
          onClose={() => setSelected(null)}
          player={renderPlayer(selected, { catalog, select: setSelected })}
        />
      )}
      <ul className="grid" aria-label="Titles">
        {catalog.titles.map((title) => (
          <li key={title.id}>
            <button type="button" className="card" onClick={() => setSelected(title)}>
              <img src={originUrl(title.artwork.poster)} alt="" loading="lazy" />
              <span className="card-name">{title.name}</span>
              <span className="card-meta">
                {title.year} · {title.genres.join(", ")}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </main>
  );
}
