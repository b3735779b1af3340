/**
 * The network lab's state: the delivery network as the admin API last reported it, a short
 * history of each appliance's throughput for the charts, the profiles to choose from, and the
 * outcome of the last action. Every change goes through the admin API and is then re-read, so
 * the lab never shows a state the servers do not have.
 */
import { createStore } from "zustand/vanilla";
import type { NetworkState, ProfileInfo } from "../../schemas/admin.ts";
import type { AdminClient } from "./admin-client.ts";

/** About two minutes of one-second polls. */
export const HISTORY_POINTS = 120;

export interface LabState {
  network: NetworkState | null;
  profiles: ProfileInfo[];
  /** Throughput (bit/s) per appliance, oldest first, one point per refresh. */
  history: Record<string, number[]>;
  /** Why the last refresh failed (the servers are down, ...); cleared by the next success. */
  loadError: string | null;
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
    busy: null,
    outcome: null,

    async refresh(signal) {
      try {
        const network = await client.state(signal);
        set((s) => ({ network, loadError: null, history: appendHistory(s.history, network) }));
      } catch (error) {
        if ((error as Error).name === "AbortError") return;
        set({ loadError: (error as Error).message });
      }
    },

    async loadProfiles() {
      try {
        set({ profiles: await client.profiles() });
      } catch (error) {
        set({ loadError: (error as Error).message });
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
