/**
 * Faults of the delivery network: inject any kind on any appliance, always, on the Nth request
 * of a kind, on every Kth, or inside a window of seconds; see them hit, clear them.
 */
import { useState } from "react";
import { type Fault, FaultRequest, type FaultRequestKind, FaultType } from "../../schemas/admin.ts";
import type { RunAction } from "./ApplianceCard.tsx";
import { scheduleText } from "./fault-schedule.ts";

/** What each fault does, for the form's hint. */
const HINTS: Record<FaultType, string> = {
  down: "refuses connections, as if the appliance were gone",
  error: "answers an HTTP error status",
  stall: "sends headers, then nothing for the delay, then cuts",
  "slow-first-byte": "waits the delay before the first byte",
  truncate: "cuts the connection part way through the body",
  corrupt: "flips bytes in the body",
};

type When = "always" | "nth" | "every";

export function FaultPanel({
  faults,
  applianceIds,
  run,
  busy,
}: {
  faults: Fault[];
  applianceIds: string[];
  run: RunAction;
  busy: boolean;
}) {
  const [type, setType] = useState<FaultType>("error");
  const [appliance, setAppliance] = useState("*");
  const [rendition, setRendition] = useState("");
  const [probability, setProbability] = useState("1");
  const [status, setStatus] = useState("503");
  const [delayMs, setDelayMs] = useState("5000");
  const [fraction, setFraction] = useState("0.5");
  const [requests, setRequests] = useState<FaultRequestKind>("any");
  const [when, setWhen] = useState<When>("always");
  const [count, setCount] = useState("3");
  const [fromSec, setFromSec] = useState("");
  const [toSec, setToSec] = useState("");
  const [formError, setFormError] = useState<string | null>(null);

  const add = () => {
    // The shared schema validates here exactly as the server will: a bad field is named
    // before anything is sent.
    const parsed = FaultRequest.safeParse({
      type,
      appliance,
      ...(rendition.trim() ? { rendition: rendition.trim() } : {}),
      probability: Number(probability),
      ...(type === "error" ? { status: Number(status) } : {}),
      ...(type === "stall" || type === "slow-first-byte" ? { delayMs: Number(delayMs) } : {}),
      ...(type === "truncate" ? { fraction: Number(fraction) } : {}),
      requests,
      ...(when === "nth"
        ? { nth: Number(count) }
        : when === "every"
          ? { every: Number(count) }
          : {}),
      ...(fromSec.trim() ? { fromSec: Number(fromSec) } : {}),
      ...(toSec.trim() ? { toSec: Number(toSec) } : {}),
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      setFormError(`${issue?.path.join(".") || "fault"}: ${issue?.message ?? "invalid"}`);
      return;
    }
    setFormError(null);
    run(`fault ${type}`, (c) => c.addFault(parsed.data));
  };

  return (
    <section className="lab-faults" aria-label="Faults">
      <h3>Faults</h3>
      <fieldset disabled={busy}>
        <legend>Inject a fault</legend>
        <label>
          Fault type
          <select value={type} onChange={(e) => setType(e.target.value as FaultType)}>
            {FaultType.options.map((t) => (
              <option key={t} value={t}>
                {t}
              </option>
            ))}
          </select>
        </label>
        <label>
          On appliance
          <select value={appliance} onChange={(e) => setAppliance(e.target.value)}>
            <option value="*">every appliance</option>
            {applianceIds.map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
        </label>
        <label>
          Only rendition (optional)
          <input
            value={rendition}
            placeholder="h264-720p-1009k or audio/en"
            onChange={(e) => setRendition(e.target.value)}
          />
        </label>
        <label>
          Probability
          <input
            type="number"
            min="0"
            max="1"
            step="0.1"
            value={probability}
            onChange={(e) => setProbability(e.target.value)}
          />
        </label>
        {type === "error" && (
          <label>
            Status
            <input type="number" value={status} onChange={(e) => setStatus(e.target.value)} />
          </label>
        )}
        {(type === "stall" || type === "slow-first-byte") && (
          <label>
            Delay (ms)
            <input type="number" value={delayMs} onChange={(e) => setDelayMs(e.target.value)} />
          </label>
        )}
        {type === "truncate" && (
          <label>
            Fraction sent
            <input
              type="number"
              step="0.1"
              value={fraction}
              onChange={(e) => setFraction(e.target.value)}
            />
          </label>
        )}
        <label>
          Counting
          <select
            value={requests}
            onChange={(e) => setRequests(e.target.value as FaultRequestKind)}
          >
            <option value="any">every request</option>
            <option value="segment">segment requests</option>
            <option value="manifest">manifest requests</option>
          </select>
        </label>
        <label>
          When
          <select value={when} onChange={(e) => setWhen(e.target.value as When)}>
            <option value="always">each counted request</option>
            <option value="nth">only the Nth</option>
            <option value="every">every Kth</option>
          </select>
        </label>
        {when !== "always" && (
          <label>
            {when === "nth" ? "N" : "K"}
            <input
              type="number"
              min="1"
              step="1"
              value={count}
              onChange={(e) => setCount(e.target.value)}
            />
          </label>
        )}
        <label>
          From (s after set, optional)
          <input
            type="number"
            min="0"
            value={fromSec}
            placeholder="0"
            onChange={(e) => setFromSec(e.target.value)}
          />
        </label>
        <label>
          To (s, optional)
          <input
            type="number"
            min="0"
            value={toSec}
            placeholder="no end"
            onChange={(e) => setToSec(e.target.value)}
          />
        </label>
        <button type="button" onClick={add}>
          Inject fault
        </button>
        <p className="lab-hint">{HINTS[type]}</p>
        {formError && (
          <p className="lab-form-error" role="alert">
            {formError}
          </p>
        )}
      </fieldset>
      {faults.length === 0 ? (
        <p>No faults.</p>
      ) : (
        <ul className="lab-fault-list">
          {faults.map((f) => (
            <li key={f.id}>
              <span>
                {f.type} on {f.appliance === "*" ? "every appliance" : f.appliance}
                {f.rendition ? ` (${f.rendition})` : ""}, {scheduleText(f)}, p={f.probability}:{" "}
                {f.injected} injected of {f.counted} counted
              </span>
              <button
                type="button"
                disabled={busy}
                onClick={() => run("clear fault", (c) => c.removeFault(f.id))}
              >
                Remove
              </button>
            </li>
          ))}
          <li>
            <button
              type="button"
              disabled={busy}
              onClick={() => run("clear faults", (c) => c.clearFaults())}
            >
              Clear all faults
            </button>
          </li>
        </ul>
      )}
    </section>
  );
}
