/**
 * The catalog, loaded once for the whole app (home, title pages, search, the player's next
 * episode) with its loading and error states, and a retry that a server coming back answers.
 * While the delivery network does not answer at all, the store says so and asks again by
 * itself, waiting longer each time (1 s, 2 s, 4 s, then every 5 s).
 */
import { useEffect } from "react";
import { useStore } from "zustand";
import { createStore } from "zustand/vanilla";
import type { Catalog } from "../schemas/catalog.ts";
import { fetchCatalog, NetworkDownError } from "./api.ts";
import { Backoff } from "./backoff.ts";

export type CatalogLoad =
  | { state: "idle" }
  | { state: "loading" }
  /** The network does not answer; the next try is scheduled. */
  | { state: "down"; detail: string }
  | { state: "error"; message: string }
  | { state: "ready"; catalog: Catalog };

interface CatalogStore {
  load: CatalogLoad;
  /** Loads unless loaded or loading; `force` reloads after an error, or tries again now. */
  fetch(force?: boolean): Promise<void>;
  /**
   * Looks again without showing "Loading" (titles published while the app is open); the
   * catalog is replaced only when the document changed. Failures are left to the next look.
   */
  refresh(): Promise<void>;
}

/** Runs `run` after `ms`; returns what cancels it. */
export type Schedule = (run: () => void, ms: number) => () => void;

const RETRY = { firstMs: 1_000, maxMs: 5_000 };

const timeoutSchedule: Schedule = (run, ms) => {
  const timer = setTimeout(run, ms);
  return () => clearTimeout(timer);
};

export function createCatalogStore(
  fetcher: (signal?: AbortSignal) => Promise<Catalog> = fetchCatalog,
  schedule: Schedule = timeoutSchedule,
) {
  const backoff = new Backoff(RETRY);
  let inFlight = false;
  let cancelRetry = () => {};
  return createStore<CatalogStore>()((set, get) => ({
    load: { state: "idle" },
    async fetch(force = false) {
      const { state } = get().load;
      if (inFlight || (state !== "idle" && !force)) return;
      inFlight = true;
      cancelRetry();
      // While down, the message stays up through the retries instead of flashing "Loading".
      if (state !== "down") set({ load: { state: "loading" } });
      try {
        const catalog = await fetcher();
        backoff.reset();
        set({ load: { state: "ready", catalog } });
      } catch (error) {
        if (error instanceof NetworkDownError) {
          set({ load: { state: "down", detail: error.detail } });
          cancelRetry = schedule(() => void get().fetch(true), backoff.next());
        } else set({ load: { state: "error", message: (error as Error).message } });
      } finally {
        inFlight = false;
      }
    },
    async refresh() {
      const { load } = get();
      if (inFlight || load.state !== "ready") return;
      inFlight = true;
      try {
        const catalog = await fetcher();
        const current = get().load;
        if (current.state === "ready" && current.catalog.generatedAt !== catalog.generatedAt)
          set({ load: { state: "ready", catalog } });
      } catch {
        // The next look, or a page's own load, says what is wrong.
      } finally {
        inFlight = false;
      }
    },
  }));
}

export const catalogStore = createCatalogStore();

/** The catalog load state; starts loading on first use. */
export function useCatalog(): { load: CatalogLoad; retry: () => void } {
  const load = useStore(catalogStore, (s) => s.load);
  useEffect(() => {
    void catalogStore.getState().fetch();
  }, []);
  return { load, retry: () => void catalogStore.getState().fetch(true) };
}
