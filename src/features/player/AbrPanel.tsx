/**
 * The ABR controller's main tunables in the player's Settings (as dash.js's reference player
 * offers its rules' settings): each field is checked by the shared schema
 * (`src/schemas/abr-tunables.ts`) as it is typed; a value out of range shows the schema's
 * message beside the field and changes nothing; a valid one reaches the running session.
 */
import { useId, useState } from "react";
import {
  ABR_TUNABLE_FIELDS,
  type AbrTunableName,
  type AbrTunables,
  DEFAULT_ABR_TUNABLES,
  tunableError,
} from "../../schemas/abr-tunables.ts";

type Drafts = Record<AbrTunableName, string>;

const draftsOf = (tunables: AbrTunables): Drafts =>
  Object.fromEntries(ABR_TUNABLE_FIELDS.map((f) => [f.name, String(tunables[f.name])])) as Drafts;

export function AbrPanel({
  tunables,
  onChange,
  disabled,
}: {
  tunables: AbrTunables;
  onChange(next: AbrTunables): void;
  /** The engine's own ABR plays: ours is not deciding, so its settings do nothing. */
  disabled: boolean;
}) {
  const id = useId();
  // What the viewer typed, kept even when invalid (the field shows it with the message), and
  // not overwritten by another field's change; only the reset replaces them all.
  const [drafts, setDrafts] = useState<Drafts>(() => draftsOf(tunables));

  const edit = (name: AbrTunableName, text: string) => {
    setDrafts((d) => ({ ...d, [name]: text }));
    const value = text.trim() === "" ? Number.NaN : Number(text);
    if (tunableError(name, value) === null && value !== tunables[name]) {
      onChange({ ...tunables, [name]: value });
    }
  };

  const defaults = draftsOf(DEFAULT_ABR_TUNABLES);
  const atDefaults = ABR_TUNABLE_FIELDS.every((f) => drafts[f.name] === defaults[f.name]);
  return (
    <details className="abr-panel">
      <summary>ABR settings</summary>
      <fieldset disabled={disabled} aria-describedby={`${id}-note`}>
        <legend className="visually-hidden">Our ABR's settings</legend>
        <p id={`${id}-note`} className="abr-note">
          {disabled
            ? "The engine's own ABR is playing: these apply to ours."
            : "Applied from the next segment on."}
        </p>
        {ABR_TUNABLE_FIELDS.map((field) => {
          const text = drafts[field.name];
          const error = tunableError(field.name, text.trim() === "" ? Number.NaN : Number(text));
          const errorId = `${id}-${field.name}-error`;
          return (
            <div className="abr-field" key={field.name}>
              <label htmlFor={`${id}-${field.name}`}>
                {field.label}
                {field.unit && <span className="abr-unit"> ({field.unit})</span>}
              </label>
              <input
                id={`${id}-${field.name}`}
                name={field.name}
                type="number"
                inputMode="decimal"
                step={field.step}
                value={text}
                aria-invalid={error !== null}
                aria-describedby={error ? errorId : undefined}
                onChange={(e) => edit(field.name, e.target.value)}
              />
              {error && (
                <span id={errorId} className="abr-error" role="alert">
                  {error}
                </span>
              )}
            </div>
          );
        })}
        <button
          type="button"
          disabled={atDefaults}
          onClick={() => {
            setDrafts(defaults);
            onChange(DEFAULT_ABR_TUNABLES);
          }}
        >
          Reset to defaults
        </button>
      </fieldset>
    </details>
  );
}
