/**
 * The network lab's state: the delivery network as the admin API last reported it, a short
 * history of each appliance's throughput for the charts, the profiles to choose from, and the
 * outcome of the last action. Every change goes through the admin API and is then re-read, so
 * the lab never shows a state the servers do not have. While the network does not answer, the
 * lab says so; its refreshes go on and the first that is answered brings it back.
 */
import { createStore } from "zustand/vanilla";
import type { AdminClient } from "../../lib/admin-client.ts";
import { NetworkDownError } from "../../lib/api.ts";
import type { NetworkState, ProfileInfo } from "../../schemas/admin.ts";

/** About two minutes of one-second polls. */
export const HISTORY_POINTS = 120;

export interface LabState {
  network: NetworkState | null;
  profiles: ProfileInfo[];
  /** Throughput (bit/s) per appliance, oldest first, one point per refresh. */
  history: Record<string, number[]>;
  /** Why the last refresh failed (a refusal, an answer not understood); cleared by the next success. */
  loadError: string | null;
  /** Which server did not answer at the last refresh and what to do (NetworkDownError.detail). */
  networkDown: string | null;
  /** The action running now, by label; actions do not overlap. */
  busy: string | null;
  /** What the last action did, or why it failed. */
  outcome: { ok: boolean; message: string } | null;
}

export interface LabActions {
  refresh(signal?: AbortSignal): Promise<void>;
  loadProfiles(): Promise<void>;
  /** Runs one admin action, reports its outcome, then re-reads the state. */
  run(label: string, action: (client: AdminClient) => Promise<void>): Promise<void>;
}

export type LabStore = ReturnType<typeof createLabStore>;

/** Appends each appliance's current throughput to its history, bounded. */
export function appendHistory(
  history: Record<string, number[]>,
  network: NetworkState,
  max = HISTORY_POINTS,
): Record<string, number[]> {
  const next: Record<string, number[]> = {};
  for (const appliance of network.appliances) {
    const points = history[appliance.id] ?? [];
    next[appliance.id] = [...points.slice(-(max - 1)), appliance.counters.throughputBps];
  }
  return next;
}

export function createLabStore(client: AdminClient) {
  return createStore<LabState & LabActions>()((set, get) => ({
    network: null,
    profiles: [],
    history: {},
    loadError: null,
    networkDown: null,
    busy: null,
    outcome: null,

    async refresh(signal) {
      try {
        const network = await client.state(signal);
        set((s) => ({
          network,
          loadError: null,
          networkDown: null,
          history: appendHistory(s.history, network),
        }));
      } catch (error) {
        if ((error as Error).name === "AbortError") return;
        if (error instanceof NetworkDownError) set({ networkDown: error.detail, loadError: null });
        else set({ loadError: (error as Error).message });
        return;
      }
      // Profiles asked for while the network was down were never read.
      if (get().profiles.length === 0) await get().loadProfiles();
    },

    async loadProfiles() {
      try {
        set({ profiles: await client.profiles() });
      } catch (error) {
        // The refresh says the network is down, and reads the profiles when it is back.
        if (!(error instanceof NetworkDownError)) set({ loadError: (error as Error).message });
      }
    },

    async run(label, action) {
      if (get().busy !== null) return;
      set({ busy: label, outcome: null });
      try {
        await action(client);
        set({ outcome: { ok: true, message: `${label}: done` } });
      } catch (error) {
        set({ outcome: { ok: false, message: (error as Error).message } });
      } finally {
        set({ busy: null });
      }
      await get().refresh();
    },
  }));
}
