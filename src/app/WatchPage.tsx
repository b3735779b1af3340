/**
 * `/watch/:id`: a catalog title in the player, started where the link says (`?t=`) or where the
 * viewer left it, its position saved to the viewing history as it plays, the next episode
 * offered at the end, Escape back to the title page, and the network lab one click away
 * (`?lab=1` opens it with the page). `?engine=`, `?abr=`, `?cap=`, `?profile=` and `?codec=` set the
 * player up as the link says (src/lib/routes.ts, `playerSettingsFrom`).
 */
import { lazy, Suspense, useCallback, useEffect, useMemo, useState } from "react";
import { Link, useLocation, useSearchParams } from "wouter";
import { NetworkLab } from "../features/lab/NetworkLab.tsx";
import { Player } from "../features/player/Player.tsx";
import type { SessionStore } from "../features/player/session-store.ts";
import { paths, playerSettingsFrom, startTimeFrom } from "../lib/routes.ts";
import { resumePositionSec, viewingHistory } from "../lib/viewing-history.ts";
import type { Catalog } from "../schemas/catalog.ts";

/** The player's charts in the lab: their code (uPlot) loads only when the lab opens. */
const SessionCharts = lazy(() =>
  import("../features/player/SessionCharts.tsx").then((m) => ({ default: m.SessionCharts })),
);

import { nextEpisode } from "./next-episode.ts";

/** Whether an Escape press is the page's to take: not one a widget used or typing needs. */
function leavesOnEscape(event: KeyboardEvent): boolean {
  if (event.key !== "Escape" || event.defaultPrevented) return false;
  // In full screen the browser takes Escape to leave it; the page stays.
  if (document.fullscreenElement) return false;
  const target = event.target instanceof HTMLElement ? event.target : null;
  return !target?.closest("input, select, textarea, [contenteditable], .lab");
}

/** The shell keys this by title id, so a new title (the next episode) starts afresh. */
export function WatchPage({ catalog, id }: { catalog: Catalog; id: string }) {
  const [, navigate] = useLocation();
  const [params, setParams] = useSearchParams();
  const showLab = params.get("lab") === "1";
  const title = catalog.titles.find((t) => t.id === id) ?? null;

  // Fixed when the title opens: the positions saved while playing must not move the start.
  const [startAtSec] = useState(
    () => startTimeFrom(params) ?? resumePositionSec(viewingHistory().getState().entries[id]),
  );

  // Read once, as the start is: toggling the lab rewrites the query, not the player's setup.
  const [link] = useState(() => playerSettingsFrom(params));
  // The player's session, for its charts in the lab beside it.
  const [session, setSession] = useState<SessionStore | null>(null);
  const item = useMemo(() => (title ? { kind: "title" as const, title } : null), [title]);
  const next = useMemo(() => {
    const following = title ? nextEpisode(catalog, title) : null;
    return following ? { title: following, play: () => navigate(paths.watch(following.id)) } : null;
  }, [catalog, title, navigate]);

  const onPosition = useCallback(
    (positionSec: number, durationSec: number) =>
      viewingHistory().getState().record(id, positionSec, durationSec, Date.now()),
    [id],
  );

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (leavesOnEscape(event)) navigate(paths.title(id));
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [id, navigate]);

  const toggleLab = () =>
    // Replace, not push: Back leaves the player rather than closing the lab.
    setParams(
      (p) => {
        const nextParams = new URLSearchParams(p);
        if (showLab) nextParams.delete("lab");
        else nextParams.set("lab", "1");
        return nextParams;
      },
      { replace: true },
    );

  if (!title || !item) {
    return (
      <main>
        <div role="alert" className="error">
          <p>There is no title "{id}" in this catalog: the link may be old.</p>
          <Link href={paths.home()}>Back to the catalog</Link>
        </div>
      </main>
    );
  }
  return (
    <main className={showLab ? "watch with-lab" : "watch"}>
      <div className="watch-bar">
        <Link href={paths.title(id)} className="watch-back">
          ← <span>{title.name}</span>
        </Link>
        <button type="button" className="button" aria-pressed={showLab} onClick={toggleLab}>
          Network lab
        </button>
      </div>
      <div className="watch-player">
        <Player
          item={item}
          next={next}
          startAtSec={startAtSec}
          onPosition={onPosition}
          link={link}
          onSession={setSession}
        />
      </div>
      {showLab && (
        <div className="watch-lab">
          <NetworkLab
            titleId={id}
            playerCharts={
              session ? (
                <Suspense fallback={<p className="chart-loading">Loading the charts…</p>}>
                  <SessionCharts store={session} />
                </Suspense>
              ) : null
            }
          />
        </div>
      )}
    </main>
  );
}
