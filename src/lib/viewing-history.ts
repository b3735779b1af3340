/**
 * What the viewer has watched and where they stopped, kept in localStorage so "continue
 * watching" and resume survive a reload. The player writes it, the catalog reads it; it lives
 * in `src/lib` because features do not import each other.
 */
import { z } from "zod";
import { createJSONStorage, persist, type StateStorage } from "zustand/middleware";
import { createStore } from "zustand/vanilla";

export const ViewingEntry = z.object({
  positionSec: z.number().min(0),
  durationSec: z.number().positive(),
  /** Epoch milliseconds of the last update: orders "continue watching". */
  updatedAt: z.number(),
});
export type ViewingEntry = z.infer<typeof ViewingEntry>;

const Persisted = z.object({ entries: z.record(z.string(), ViewingEntry) });

export interface ViewingHistory {
  entries: Record<string, ViewingEntry>;
  record(titleId: string, positionSec: number, durationSec: number, nowMs: number): void;
  forget(titleId: string): void;
}

export const STORAGE_KEY = "streamlab.viewing-history";
/** Entries kept: older ones are dropped first. */
const MAX_ENTRIES = 200;

/** Watched to the end, or near enough that resuming would only show the credits. */
export function isFinished(entry: ViewingEntry): boolean {
  const remaining = entry.durationSec - entry.positionSec;
  return remaining <= Math.max(2, entry.durationSec * 0.05);
}

/** Started for real: a few seconds in (a tenth of a short title). */
export function isStarted(entry: ViewingEntry): boolean {
  return entry.positionSec >= Math.min(5, entry.durationSec * 0.1);
}

/** Where to resume a title, or 0 to start from the beginning. */
export function resumePositionSec(entry: ViewingEntry | undefined): number {
  if (!entry || !isStarted(entry) || isFinished(entry)) return 0;
  return entry.positionSec;
}

/** Titles started and not finished, most recent first. */
export function continueWatching(entries: Record<string, ViewingEntry>): string[] {
  return Object.entries(entries)
    .filter(([, e]) => isStarted(e) && !isFinished(e))
    .sort(([, a], [, b]) => b.updatedAt - a.updatedAt)
    .map(([id]) => id);
}

/** Titles watched at all (started), most recent first: the input of "because you watched". */
export function watched(entries: Record<string, ViewingEntry>): string[] {
  return Object.entries(entries)
    .filter(([, e]) => isStarted(e))
    .sort(([, a], [, b]) => b.updatedAt - a.updatedAt)
    .map(([id]) => id);
}

export function createViewingHistory(storage: StateStorage = localStorage) {
  return createStore<ViewingHistory>()(
    persist(
      (set) => ({
        entries: {},
        record: (titleId, positionSec, durationSec, nowMs) => {
          if (!(durationSec > 0) || !(positionSec >= 0)) return;
          set((s) => {
            const entry = {
              positionSec: Math.min(positionSec, durationSec),
              durationSec,
              updatedAt: nowMs,
            };
            const next = Object.entries({ ...s.entries, [titleId]: entry })
              .sort(([, a], [, b]) => b.updatedAt - a.updatedAt)
              .slice(0, MAX_ENTRIES);
            return { entries: Object.fromEntries(next) };
          });
        },
        forget: (titleId) =>
          set((s) => {
            const { [titleId]: _gone, ...rest } = s.entries;
            return { entries: rest };
          }),
      }),
      {
        name: STORAGE_KEY,
        version: 1,
        storage: createJSONStorage(() => storage),
        partialize: (s) => ({ entries: s.entries }),
        // Whatever is in storage was written by another version or by hand: keep it only if
        // it has the right shape, else start empty rather than break the app.
        merge: (persisted, current) => {
          const parsed = Persisted.safeParse(persisted);
          return parsed.success ? { ...current, entries: parsed.data.entries } : current;
        },
      },
    ),
  );
}

export type ViewingHistoryStore = ReturnType<typeof createViewingHistory>;

let shared: ViewingHistoryStore | null = null;

/** The app's one history, on the browser's localStorage (created on first use). */
export function viewingHistory(): ViewingHistoryStore {
  shared ??= createViewingHistory(localStorage);
  return shared;
}
