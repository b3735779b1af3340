/**
 * The network lab: the delivery network live (each appliance's state, shaping and counters,
 * refreshed every second) and every lever of the admin API, for throttled-network demos.
 * It sits beside the player or on its own page; it knows nothing of the player. While the network
 * does not answer, it says so instead of showing the last state, and comes back by itself.
 */
import { type ReactNode, useEffect, useMemo } from "react";
import { useStore } from "zustand";
import { type AdminClient, createAdminClient } from "../../lib/admin-client.ts";
import { ADMIN_URL } from "../../lib/api.ts";
import { NetworkDown } from "../../lib/NetworkDown.tsx";
import { ApplianceCard } from "./ApplianceCard.tsx";
import { FaultPanel } from "./FaultPanel.tsx";
import { ForeignHosts } from "./ForeignHosts.tsx";
import { createLabStore } from "./lab-store.ts";
import { SessionShaping } from "./SessionShaping.tsx";

const REFRESH_MS = 1000;

export function NetworkLab({
  titleId = null,
  client,
  playerCharts = null,
}: {
  /** The player's charts beside the lab (composed by the page: the lab knows no player). */
  playerCharts?: ReactNode;
  /** The title playing beside the lab, if any. */
  titleId?: string | null;
  /** Defaults to the admin API at ADMIN_URL (src/lib/api.ts). */
  client?: AdminClient;
}) {
  const store = useMemo(() => createLabStore(client ?? createAdminClient(ADMIN_URL)), [client]);
  const s = useStore(store);

  useEffect(() => {
    const abort = new AbortController();
    void store.getState().loadProfiles();
    void store.getState().refresh(abort.signal);
    const timer = setInterval(() => void store.getState().refresh(abort.signal), REFRESH_MS);
    return () => {
      clearInterval(timer);
      abort.abort();
    };
  }, [store]);

  const run = (label: string, action: (c: AdminClient) => Promise<void>) =>
    void s.run(label, action);
  const busy = s.busy !== null;

  return (
    <section className="lab" aria-label="Network lab">
      <header className="lab-header">
        <h2>Network lab</h2>
        {s.network?.clock && (
          <span
            className="lab-clock"
            title={`Appliances fill ahead of demand off-peak, ${s.network.clock.fillWindow} simulated time`}
          >
            Simulated time {s.network.clock.time}
            {s.network.clock.offPeak
              ? " · off-peak: filling"
              : ` · fill window ${s.network.clock.fillWindow}`}
          </span>
        )}
        {s.network && !s.networkDown && (
          <button
            type="button"
            disabled={busy}
            onClick={() =>
              run(`steering ${s.network?.steering.up ? "down" : "up"}`, (c) =>
                c.setSteeringUp(!s.network?.steering.up),
              )
            }
          >
            {s.network.steering.up ? "Take steering down" : "Bring steering up"}
          </button>
        )}
        <button type="button" disabled={busy} onClick={() => run("reset", (c) => c.reset())}>
          Reset the network
        </button>
      </header>
      {s.loadError && (
        <div className="lab-error" role="alert">
          <p>{s.loadError}</p>
          <button type="button" onClick={() => void store.getState().refresh()}>
            Retry
          </button>
        </div>
      )}
      {s.networkDown && (
        <NetworkDown
          detail={s.networkDown}
          onRetry={() => void store.getState().refresh()}
          className="lab-error"
        />
      )}
      {s.outcome && (
        <p className={s.outcome.ok ? "lab-outcome" : "lab-outcome failed"} role="status">
          {s.outcome.message}
        </p>
      )}
      {playerCharts && (
        <section className="lab-player" aria-label="This player">
          <h3>This player</h3>
          {playerCharts}
        </section>
      )}
      {!s.network && !s.loadError && !s.networkDown && <p>Reading the network…</p>}
      {s.network && !s.networkDown && (
        <>
          <div className="lab-appliances">
            {s.network.appliances.map((a) => (
              <ApplianceCard
                key={a.id}
                appliance={a}
                profiles={s.profiles}
                history={s.history[a.id] ?? []}
                run={run}
                busy={busy}
                titleId={titleId}
              />
            ))}
          </div>
          <ForeignHosts hosts={s.network.proxy?.allowedHosts ?? []} />
          <SessionShaping network={s.network} profiles={s.profiles} run={run} busy={busy} />
          <FaultPanel
            faults={s.network.faults}
            applianceIds={s.network.appliances.map((a) => a.id)}
            run={run}
            busy={busy}
          />
        </>
      )}
    </section>
  );
}
