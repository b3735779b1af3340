/**
 * What a page shows while the catalog loads or when it could not: never a blank page. While the
 * delivery network does not answer, it says so and the catalog store asks again by itself.
 */
import type { ReactNode } from "react";
import { type CatalogLoad, useCatalog } from "../../lib/catalog-store.ts";
import { usePendingTitles } from "../../lib/encode-status-store.ts";
import { NetworkDown } from "../../lib/NetworkDown.tsx";
import type { Catalog } from "../../schemas/catalog.ts";
import { PendingTitles } from "./PendingTitles.tsx";

export function WithCatalog({ children }: { children: (catalog: Catalog) => ReactNode }) {
  const { load, retry } = useCatalog();
  return (
    <CatalogStatus load={load} retry={retry}>
      {children}
    </CatalogStatus>
  );
}

export function CatalogStatus({
  load,
  retry,
  children,
}: {
  load: CatalogLoad;
  retry: () => void;
  children: (catalog: Catalog) => ReactNode;
}) {
  if (load.state === "idle" || load.state === "loading") {
    return (
      <main>
        <p aria-busy="true">Loading the catalog…</p>
      </main>
    );
  }
  if (load.state === "down") {
    return (
      <main>
        <NetworkDown detail={load.detail} onRetry={retry} />
      </main>
    );
  }
  if (load.state === "error") {
    return (
      <main>
        <div role="alert" className="error">
          <p>{load.message}</p>
          <button type="button" onClick={retry}>
            Retry
          </button>
        </div>
      </main>
    );
  }
  if (load.catalog.titles.length === 0) return <EmptyCatalog />;
  return <>{children(load.catalog)}</>;
}

/** No title yet: those the encoder is making, if it is running, else how to make some. */
function EmptyCatalog() {
  const pending = usePendingTitles();
  return (
    <main className="home">
      {pending.length > 0 ? (
        <>
          <p>The first titles are being encoded: each appears here as soon as it is ready.</p>
          <PendingTitles titles={pending} />
        </>
      ) : (
        <p>The catalog is empty: run `npm run encode` to encode titles into it.</p>
      )}
    </main>
  );
}
