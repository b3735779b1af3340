/**
 * Shaping for one client session, or for all: the sessions the network has seen lately (and
 * those shaped on their own), which are shaped and how, and a form that shapes one of them
 * (a profile or a constant rate) on every appliance, or every session at once.
 */
import { useState } from "react";
import { type NetworkState, type ProfileInfo, ShapingRequest } from "../../schemas/admin.ts";
import type { RunAction } from "./ApplianceCard.tsx";
import { sessionsOf, shapingText } from "./sessions.ts";

const ALL = "*";
/** A session id is a UUID or an address: the start is enough to tell them apart on screen. */
const short = (id: string) => (id.length > 13 ? `${id.slice(0, 8)}…` : id);

export function SessionShaping({
  network,
  profiles,
  run,
  busy,
}: {
  network: NetworkState;
  profiles: ProfileInfo[];
  run: RunAction;
  busy: boolean;
}) {
  const rows = sessionsOf(network);
  const applianceIds = network.appliances.map((a) => a.id);
  const [target, setTarget] = useState(ALL);
  const [mode, setMode] = useState<"profile" | "rate">("profile");
  const [profile, setProfile] = useState("3g");
  const [rateMbps, setRateMbps] = useState("2");
  const [formError, setFormError] = useState<string | null>(null);
  // A session that went away and was never shaped leaves the list: fall back to all.
  const chosen = target === ALL || rows.some((r) => r.id === target) ? target : ALL;

  const apply = () => {
    const session = chosen === ALL ? {} : { session: chosen };
    const parsed = ShapingRequest.safeParse(
      mode === "profile"
        ? { profile, ...session }
        : { bitsPerSecond: Math.round(Number(rateMbps) * 1e6), ...session },
    );
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.join(".") === "bitsPerSecond" ? "rate" : issue?.path.join(".");
      setFormError(`${field || "shaping"}: ${issue?.message ?? "invalid"}`);
      return;
    }
    setFormError(null);
    const who = chosen === ALL ? "every session" : `session ${short(chosen)}`;
    run(`shape ${who}`, async (c) => {
      await Promise.all(applianceIds.map((id) => c.shape(id, parsed.data)));
    });
  };

  const unshape = (session: string) =>
    run(`unshape session ${short(session)}`, async (c) => {
      await Promise.all(applianceIds.map((id) => c.unshape(id, session)));
    });

  return (
    <section className="lab-sessions" aria-label="Sessions">
      <h3>Sessions</h3>
      {rows.length === 0 ? (
        <p>No session seen in the last 5 s.</p>
      ) : (
        <table className="lab-session-table">
          <thead>
            <tr>
              <th scope="col">session</th>
              <th scope="col">on</th>
              <th scope="col">shaping</th>
              <th scope="col">
                <span className="visually-hidden">actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id} data-testid={`lab-session-${r.id}`}>
                <td title={r.id}>{short(r.id)}</td>
                <td>{r.activeOn.join(", ") || "gone quiet"}</td>
                <td>{shapingText(r)}</td>
                <td>
                  {Object.keys(r.shaping).length > 0 && (
                    <button type="button" disabled={busy} onClick={() => unshape(r.id)}>
                      Unshape
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <fieldset disabled={busy}>
        <legend>Shape a session</legend>
        <label>
          Session
          <select value={chosen} onChange={(e) => setTarget(e.target.value)}>
            <option value={ALL}>every session (the appliances' own shaping)</option>
            {rows.map((r) => (
              <option key={r.id} value={r.id}>
                {r.id}
              </option>
            ))}
          </select>
        </label>
        <label>
          Shape with
          <select value={mode} onChange={(e) => setMode(e.target.value as "profile" | "rate")}>
            <option value="profile">profile</option>
            <option value="rate">constant rate</option>
          </select>
        </label>
        {mode === "profile" ? (
          <label>
            Profile
            <select value={profile} onChange={(e) => setProfile(e.target.value)}>
              {profiles.map((p) => (
                <option key={p.name} value={p.name}>
                  {p.name}
                </option>
              ))}
            </select>
          </label>
        ) : (
          <label>
            Rate (Mbit/s)
            <input
              type="number"
              min="0.008"
              step="0.5"
              value={rateMbps}
              onChange={(e) => setRateMbps(e.target.value)}
            />
          </label>
        )}
        <button type="button" onClick={apply}>
          Apply on every appliance
        </button>
        {formError && (
          <p className="lab-form-error" role="alert">
            {formError}
          </p>
        )}
      </fieldset>
    </section>
  );
}
