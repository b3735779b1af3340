/**
 * The catalog, loaded once for the whole app (home, title pages, search, the player's next
 * episode) with its loading and error states, and a retry that a server coming back answers.
 */
import { useEffect } from "react";
import { useStore } from "zustand";
import { createStore } from "zustand/vanilla";
import type { Catalog } from "../schemas/catalog.ts";
import { fetchCatalog } from "./api.ts";

export type CatalogLoad =
  | { state: "idle" }
  | { state: "loading" }
  | { state: "error"; message: string }
  | { state: "ready"; catalog: Catalog };

interface CatalogStore {
  load: CatalogLoad;
  /** Loads unless loaded or loading; `force` reloads after an error. */
  fetch(force?: boolean): Promise<void>;
}

export function createCatalogStore(
  fetcher: (signal?: AbortSignal) => Promise<Catalog> = fetchCatalog,
) {
  return createStore<CatalogStore>()((set, get) => ({
    load: { state: "idle" },
    async fetch(force = false) {
      const { state } = get().load;
      if (state === "loading" || (state !== "idle" && !force)) return;
      set({ load: { state: "loading" } });
      try {
        set({ load: { state: "ready", catalog: await fetcher() } });
      } catch (error) {
        set({ load: { state: "error", message: (error as Error).message } });
      }
    },
  }));
}

const catalogStore = createCatalogStore();

/** The catalog load state; starts loading on first use. */
export function useCatalog(): { load: CatalogLoad; retry: () => void } {
  const load = useStore(catalogStore, (s) => s.load);
  useEffect(() => {
    void catalogStore.getState().fetch();
  }, []);
  return { load, retry: () => void catalogStore.getState().fetch(true) };
}
