/**
 * What the encoder is still making, for the home page: the encoder's progress document
 * (`encode-status.json`, served by the origin) looked at every few seconds while an encoder
 * runs, or while the catalog is empty and none has said anything yet (npm start serves the app
 * before its encoder starts). Each title the encoder finishes makes the catalog store look
 * again, so new titles appear without a reload.
 */
import { useEffect } from "react";
import { useStore } from "zustand";
import { createStore } from "zustand/vanilla";
import {
  type EncodeStatus,
  type EncodeStatusTitle,
  pendingTitles,
} from "../schemas/encode-status.ts";
import { fetchEncodeStatus } from "./api.ts";
import { catalogStore, type Schedule } from "./catalog-store.ts";

/** Every 3 s: a stage of a title lasts seconds to minutes, and the document is tiny. */
export const POLL_MS = 3_000;

interface EncodeStatusStore {
  pending: EncodeStatusTitle[];
  /** Starts looking, once; later calls do nothing. */
  start(): void;
}

export interface EncodeStatusDeps {
  fetcher: () => Promise<EncodeStatus | null>;
  /** A title was published since the last look: the catalog is worth reading again. */
  onPublished: () => void;
  /** True while the catalog holds no title (or is not loaded): worth waiting for an encoder. */
  catalogEmpty: () => boolean;
  schedule: Schedule;
}

export function createEncodeStatusStore(deps: EncodeStatusDeps) {
  let started = false;
  let done = new Set<string>();
  let lastState: EncodeStatus["state"] | null = null;
  return createStore<EncodeStatusStore>()((set) => {
    const look = async () => {
      let status: EncodeStatus | null = null;
      let failed = false;
      try {
        status = await deps.fetcher();
      } catch {
        failed = true; // the network down: the pages say so; look again later
      }
      if (status) {
        const nowDone = new Set(status.titles.filter((t) => t.stage === "done").map((t) => t.id));
        const published = [...nowDone].some((id) => !done.has(id));
        const ended = lastState === "running" && status.state !== "running";
        done = nowDone;
        lastState = status.state;
        if (published || ended) deps.onPublished();
      }
      set({ pending: status ? pendingTitles(status) : [] });
      const more = failed || status?.state === "running" || (!status && deps.catalogEmpty());
      if (more) deps.schedule(() => void look(), POLL_MS);
    };
    return {
      pending: [],
      start() {
        if (started) return;
        started = true;
        void look();
      },
    };
  });
}

const timeoutSchedule: Schedule = (run, ms) => {
  const timer = setTimeout(run, ms);
  return () => clearTimeout(timer);
};

const encodeStatusStore = createEncodeStatusStore({
  fetcher: () => fetchEncodeStatus(),
  onPublished: () => void catalogStore.getState().refresh(),
  catalogEmpty: () => {
    const { load } = catalogStore.getState();
    return load.state !== "ready" || load.catalog.titles.length === 0;
  },
  schedule: timeoutSchedule,
});

/** The titles still being made, with their stage and percent; starts looking on first use. */
export function usePendingTitles(): EncodeStatusTitle[] {
  const pending = useStore(encodeStatusStore, (s) => s.pending);
  useEffect(() => encodeStatusStore.getState().start(), []);
  return pending;
}
