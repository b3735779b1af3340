/**
 * The stats overlay: what the session store holds, live, with charts of buffer, throughput
 * (estimate and measured), quality and appliance over the last minutes (SessionCharts), and
 * the last decision's reason.
 */
import { lazy, Suspense, useEffect, useState } from "react";
import { useStore } from "zustand";
import { useShallow } from "zustand/react/shallow";
import type { Decision } from "../../abr/types.ts";
import type { SessionStore } from "./session-store.ts";

/** The charts' code (uPlot, about 50 kB) loads when the overlay first opens, not with the app. */
const SessionCharts = lazy(() =>
  import("./SessionCharts.tsx").then((m) => ({ default: m.SessionCharts })),
);

const mbps = (bps: number) => `${(bps / 1e6).toFixed(2)} Mbit/s`;

/** The "cap to player size" setting and what it allows now, from the latest decision. */
function capText(on: boolean, last: Decision | undefined): string {
  if (!on) return "off";
  const rule = last?.inputs.rules.find((o) => o.rule === "max-height");
  return rule && rule.index !== null ? `on: ${rule.reason}` : "on";
}

export function StatsOverlay({
  store,
  onExport,
}: {
  store: SessionStore;
  /** Save the session as evidence (JSON and a CSV of the segments). */
  onExport?: () => void;
}) {
  const s = useStore(
    store,
    useShallow((st) => ({
      engine: st.engine,
      abr: st.abr,
      status: st.status,
      rendition: st.rendition,
      applianceId: st.applianceId,
      applianceBaseUrl: st.applianceBaseUrl,
      bufferSec: st.bufferSec,
      estimateBps: st.estimateBps,
      decisions: st.decisions,
      warnings: st.warnings,
      capToPlayerSize: st.capToPlayerSize,
    })),
  );
  // Re-render every second so running figures (an ongoing stall) move on.
  const [now, setNow] = useState(() => performance.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(performance.now()), 1000);
    return () => clearInterval(timer);
  }, []);
  const qoe = store.getState().qoeFigures(now);
  const last = s.decisions.at(-1);
  return (
    <aside className="stats" aria-label="Playback statistics">
      <dl>
        <dt>engine</dt>
        <dd>
          {s.engine === "hlsjs" ? "hls.js" : "shaka-player"} ·{" "}
          {s.abr === "ours" ? "our ABR" : "engine's ABR"} · {s.status}
        </dd>
        <dt>appliance</dt>
        <dd data-testid="stats-appliance">{s.applianceId ?? "—"}</dd>
        <dt>rendition</dt>
        <dd data-testid="stats-rendition">
          {s.rendition
            ? `${s.rendition.id} (${s.rendition.width}x${s.rendition.height}, score ${s.rendition.quality.score.toFixed(0)})`
            : "—"}
        </dd>
        <dt>size cap</dt>
        <dd data-testid="stats-cap">{capText(s.capToPlayerSize, last)}</dd>
        <dt>buffer</dt>
        <dd>{s.bufferSec.toFixed(1)} s</dd>
        <dt>estimate</dt>
        <dd>{mbps(s.estimateBps)}</dd>
        <dt>first frame</dt>
        <dd>
          {qoe.timeToFirstFrameMs === null ? "—" : `${Math.round(qoe.timeToFirstFrameMs)} ms`}
        </dd>
        <dt>stalls</dt>
        <dd data-testid="stats-stalls">
          {qoe.stallCount} ({(qoe.stallMs / 1000).toFixed(1)} s)
          {qoe.freezes > 0 ? `, ${qoe.freezes} unannounced (freeze watchdog)` : ""}
        </dd>
        <dt>average</dt>
        <dd>
          {mbps(qoe.averageBitrateBps)}, quality {qoe.averageQuality.toFixed(0)}
        </dd>
        <dt>switches</dt>
        <dd>
          {qoe.switches} rendition, {qoe.applianceChanges} appliance
        </dd>
        <dt>dropped frames</dt>
        <dd>{qoe.droppedFrames}</dd>
        <dt>codec</dt>
        <dd data-testid="stats-codec">
          {last ? `${last.inputs.codec}: ${last.inputs.codecReason}` : "—"}
        </dd>
        <dt>last decision</dt>
        <dd data-testid="stats-reason">{last?.reason ?? "—"}</dd>
      </dl>
      <Suspense fallback={<p className="chart-loading">Loading the charts…</p>}>
        <SessionCharts store={store} />
      </Suspense>
      {s.warnings.length > 0 && <p className="warning">{s.warnings.at(-1)}</p>}
      {onExport && (
        <button type="button" className="stats-export" onClick={onExport}>
          Export session
        </button>
      )}
    </aside>
  );
}
