/**
 * One appliance in the lab: up or down, its shaping (a profile, a constant rate, a trace file,
 * added latency), a fill, and its counters with a live throughput chart.
 */
import { lazy, Suspense, useState } from "react";
import type { AdminClient } from "../../lib/admin-client.ts";

/** The chart's code (uPlot) loads with the first chart, not with the app. */
const ThroughputChart = lazy(() =>
  import("./ThroughputChart.tsx").then((m) => ({ default: m.ThroughputChart })),
);

import type { ApplianceState, ProfileInfo, ShapingRequest } from "../../schemas/admin.ts";

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

export type RunAction = (label: string, action: (client: AdminClient) => Promise<void>) => void;

/** The shaping form's choice: a named profile, a constant rate, or unlimited. */
type Mode = "profile" | "rate" | "trace" | "unlimited";

export function ApplianceCard({
  appliance,
  profiles,
  history,
  run,
  busy,
  titleId,
}: {
  appliance: ApplianceState;
  profiles: ProfileInfo[];
  history: number[];
  run: RunAction;
  busy: boolean;
  /** The title playing beside the lab, if any: the fill button fills it. */
  titleId: string | null;
}) {
  const { id, counters } = appliance;
  const [mode, setMode] = useState<Mode>("profile");
  const [profile, setProfile] = useState("3g");
  const [rateMbps, setRateMbps] = useState("1.5");
  const [latencyMs, setLatencyMs] = useState("0");
  const [trace, setTrace] = useState<{ name: string; text: string } | null>(null);
  const [formError, setFormError] = useState<string | null>(null);

  /** The request the form describes, or a sentence saying what to fix. */
  const shapingRequest = (): ShapingRequest | string => {
    const latency = Number(latencyMs);
    if (!Number.isInteger(latency) || latency < 0 || latency > 60_000) {
      return "Latency must be a whole number of milliseconds from 0 to 60000.";
    }
    const withLatency = latency > 0 ? { latencyMs: latency } : {};
    if (mode === "profile") return { profile, ...withLatency };
    if (mode === "trace") {
      if (!trace) return "Choose a trace file first (Pensieve `seconds Mbit/s` or mahimahi lines).";
      return { trace: trace.text, ...withLatency };
    }
    const rate = Number(rateMbps);
    if (!Number.isFinite(rate) || rate < 0.008 || rate > 10_000) {
      return "The rate must be a number of Mbit/s from 0.008 to 10000 (to stop traffic, take the appliance down).";
    }
    return { bitsPerSecond: Math.round(rate * 1e6), ...withLatency };
  };

  const apply = () => {
    if (mode === "unlimited") {
      setFormError(null);
      run(`${id}: unlimited`, (c) => c.unshape(id));
      return;
    }
    const request = shapingRequest();
    if (typeof request === "string") {
      setFormError(request);
      return;
    }
    setFormError(null);
    run(`${id}: shape`, (c) => c.shape(id, request));
  };

  return (
    <article
      className={`lab-appliance${appliance.up ? "" : " down"}`}
      aria-label={`appliance ${id}`}
    >
      <header>
        <h3>
          {id} <small>{appliance.region}</small>
        </h3>
        <span className="badge" data-testid={`lab-status-${id}`}>
          {appliance.up ? "up" : "down"}
        </span>
        <button
          type="button"
          disabled={busy}
          onClick={() =>
            run(`${id}: ${appliance.up ? "down" : "up"}`, (c) => c.setUp(id, !appliance.up))
          }
        >
          {appliance.up ? `Take ${id} down` : `Bring ${id} up`}
        </button>
      </header>

      <p className="lab-shaping" data-testid={`lab-shaping-${id}`}>
        {appliance.shaping.description}
        {appliance.shaping.latencyMs > 0 ? ` + ${appliance.shaping.latencyMs} ms` : ""}
      </p>
      <fieldset disabled={busy}>
        <legend>Shape {id}</legend>
        <label>
          Shaping of {id}
          <select value={mode} onChange={(e) => setMode(e.target.value as Mode)}>
            <option value="profile">profile</option>
            <option value="rate">constant rate</option>
            <option value="trace">trace file</option>
            <option value="unlimited">unlimited</option>
          </select>
        </label>
        {mode === "profile" && (
          <label>
            Profile for {id}
            <select value={profile} onChange={(e) => setProfile(e.target.value)}>
              {profiles.map((p) => (
                <option key={p.name} value={p.name} title={p.description}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
        )}
        {mode === "rate" && (
          <label>
            Rate of {id} (Mbit/s)
            <input
              type="number"
              min="0.008"
              step="0.1"
              value={rateMbps}
              onChange={(e) => setRateMbps(e.target.value)}
            />
          </label>
        )}
        {mode === "trace" && (
          <label>
            Trace for {id}
            <input
              type="file"
              accept=".txt,.log,.trace,text/plain"
              onChange={async (e) => {
                const file = e.target.files?.[0];
                setTrace(file ? { name: file.name, text: await file.text() } : null);
              }}
            />
          </label>
        )}
        {mode !== "unlimited" && (
          <label>
            Latency of {id} (ms)
            <input
              type="number"
              min="0"
              step="10"
              value={latencyMs}
              onChange={(e) => setLatencyMs(e.target.value)}
            />
          </label>
        )}
        <button type="button" onClick={apply}>
          Apply to {id}
        </button>
        {formError && (
          <p className="lab-form-error" role="alert">
            {formError}
          </p>
        )}
      </fieldset>

      <Suspense fallback={<p className="chart-loading">Loading the chart…</p>}>
        <ThroughputChart applianceId={id} history={history} refreshMs={1000} />
      </Suspense>
      <dl className="lab-counters">
        <dt>served</dt>
        <dd>
          {mb(counters.bytesServed)} in {counters.requests} requests
        </dd>
        <dt>cache</dt>
        <dd data-testid={`lab-hit-ratio-${id}`}>
          {(counters.hitRatio * 100).toFixed(0)}% hits · {mb(appliance.usedBytes)} of{" "}
          {mb(appliance.capacityBytes)}
        </dd>
        <dt>fills</dt>
        <dd>
          {counters.fills} ({mb(counters.fillBytes)}), {counters.evictions} evicted
        </dd>
        <dt>sessions</dt>
        <dd>{counters.activeSessions}</dd>
        <dt>faults</dt>
        <dd>{counters.faultsInjected} injected</dd>
      </dl>
      <button
        type="button"
        disabled={busy || !appliance.up}
        onClick={() =>
          run(`${id}: fill`, (c) => c.fill(id, titleId ? { titles: [titleId] } : { top: 3 }))
        }
      >
        {titleId ? `Fill ${id} with this title` : `Fill ${id} with the top 3 titles`}
      </button>
    </article>
  );
}
