/**
 * The stats overlay: what the session store holds, live, with small charts of buffer,
 * throughput estimate and quality over the last minutes, and the last decisions' reasons.
 */
import { useEffect, useState } from "react";
import { useStore } from "zustand";
import { useShallow } from "zustand/react/shallow";
import type { Decision } from "../../abr/types.ts";
import { Sparkline } from "../../lib/Sparkline.tsx";
import type { SessionStore, TimelinePoint } from "./session-store.ts";

const mbps = (bps: number) => `${(bps / 1e6).toFixed(2)} Mbit/s`;

/** Which appliance served the session over time: one coloured band per appliance. */
function ApplianceStrip({ points }: { points: TimelinePoint[] }) {
  const width = 240;
  // null: no segment loaded yet (not the origin), drawn grey and left out of the legend.
  const ids = [...new Set(points.flatMap((p) => (p.applianceId === null ? [] : [p.applianceId])))];
  const step = width / Math.max(1, points.length);
  return (
    <figure className="spark">
      <svg
        width={width}
        height={12}
        role="img"
        aria-label={`appliance over time: ${ids.join(", ")}`}
      >
        {points.map((p, i) => (
          <rect
            // biome-ignore lint/suspicious/noArrayIndexKey: the timeline is append-only; index is its time
            key={i}
            x={i * step}
            width={step + 0.5}
            height={12}
            fill={
              p.applianceId === null
                ? "#444"
                : `hsl(${(ids.indexOf(p.applianceId) * 137) % 360} 60% 55%)`
            }
          />
        ))}
      </svg>
      <figcaption>appliance: {ids.join(" · ") || "—"}</figcaption>
    </figure>
  );
}

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
      timeline: st.timeline,
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
      <Sparkline values={s.timeline.map((p) => p.bufferSec)} label="buffer (s)" />
      <Sparkline values={s.timeline.map((p) => p.estimateBps)} label="throughput estimate" />
      <Sparkline values={s.timeline.map((p) => p.quality)} label="quality score" max={100} />
      <ApplianceStrip points={s.timeline} />
      {s.warnings.length > 0 && <p className="warning">{s.warnings.at(-1)}</p>}
      {onExport && (
        <button type="button" className="stats-export" onClick={onExport}>
          Export session
        </button>
      )}
    </aside>
  );
}
