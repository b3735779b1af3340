/**
 * The ABR controller's main tunables as a viewer may set them: the player's Settings panel, a
 * link's query (`?abr.horizon=3`) and the session export all go through this one schema, and
 * the controller takes them as a slice of its config (`tunablesToConfig`), so the three can
 * never disagree on names, ranges or defaults. Defaults come from `src/abr/config.ts`.
 */
import { z } from "zod";
import { type AbrConfig, abrConfig, DEFAULT_ABR_CONFIG } from "../abr/config.ts";

const rules = DEFAULT_ABR_CONFIG.rules;

/** Ranges: wide enough to show each knob's effect, narrow enough that no value breaks a decision. */
export const AbrTunables = z
  .object({
    /** Segments the planner looks ahead (RobustMPC's horizon). Past 8 the plan count cap
     * (`maxPlans`) shortens it anyway on any real ladder. */
    horizonSegments: z
      .number({ error: "horizon must be a number of segments" })
      .int("horizon is a whole number of segments")
      .min(1, "horizon is at least 1 segment")
      .max(8, "horizon is at most 8 segments"),
    /** Buffer the plan aims to keep, in seconds. */
    bufferTargetSec: z
      .number({ error: "buffer target must be a number of seconds" })
      .min(1, "buffer target is at least 1 s")
      .max(60, "buffer target is at most 60 s"),
    /** Cost of a switch per unit of utility changed (0: switches are free). */
    switchPenalty: z
      .number({ error: "switch cost must be a number" })
      .min(0, "switch cost is at least 0")
      .max(20, "switch cost is at most 20"),
    /** Cost of one second of stall, in utility units. */
    rebufferPenaltyPerSec: z
      .number({ error: "stall cost must be a number" })
      .min(0, "stall cost is at least 0")
      .max(50, "stall cost is at most 50"),
    /** Safety on the throughput estimate: the largest divisor of the prediction discount
     * (1: trust the estimate as it is). */
    maxPredictionDiscount: z
      .number({ error: "safety must be a number" })
      .min(1, "safety is at least 1 (no discount)")
      .max(4, "safety is at most 4"),
    /** Buffer kept in hand when checking whether a download finishes in time (abandonment). */
    safetyMarginSec: z
      .number({ error: "abandon margin must be a number of seconds" })
      .min(0, "abandon margin is at least 0 s")
      .max(10, "abandon margin is at most 10 s"),
  })
  .strict();
export type AbrTunables = z.infer<typeof AbrTunables>;
export type AbrTunableName = keyof AbrTunables;

export const DEFAULT_ABR_TUNABLES: AbrTunables = {
  horizonSegments: rules.horizonSegments,
  bufferTargetSec: rules.bufferTargetSec,
  switchPenalty: rules.switchPenalty,
  rebufferPenaltyPerSec: rules.rebufferPenaltyPerSec,
  maxPredictionDiscount: rules.maxPredictionDiscount,
  safetyMarginSec: DEFAULT_ABR_CONFIG.abandon.safetyMarginSec,
};

/** Labels and units for the panel, in the schema's order. */
export const ABR_TUNABLE_FIELDS: readonly {
  name: AbrTunableName;
  label: string;
  unit: string;
  step: number;
  /** The name in a link's query. */
  param: string;
}[] = [
  { name: "horizonSegments", label: "Horizon", unit: "segments", step: 1, param: "abr.horizon" },
  { name: "bufferTargetSec", label: "Buffer target", unit: "s", step: 1, param: "abr.buffer" },
  { name: "switchPenalty", label: "Switch cost", unit: "", step: 0.1, param: "abr.switch" },
  {
    name: "rebufferPenaltyPerSec",
    label: "Stall cost",
    unit: "per s",
    step: 0.1,
    param: "abr.stall",
  },
  { name: "maxPredictionDiscount", label: "Safety", unit: "x", step: 0.05, param: "abr.safety" },
  { name: "safetyMarginSec", label: "Abandon margin", unit: "s", step: 0.5, param: "abr.margin" },
];

/** One field checked alone: the schema's message, or null when the value is fine. */
export function tunableError(name: AbrTunableName, value: number): string | null {
  const result = AbrTunables.shape[name].safeParse(value);
  return result.success ? null : (result.error.issues[0]?.message ?? "not a valid value");
}

/** The tunables a link carries; a missing or invalid parameter keeps its default. */
export function tunablesFromQuery(search: URLSearchParams): AbrTunables {
  const tunables: AbrTunables = { ...DEFAULT_ABR_TUNABLES };
  for (const field of ABR_TUNABLE_FIELDS) {
    const raw = search.get(field.param);
    if (raw === null || raw.length > 20) continue;
    const value = Number(raw);
    if (raw.trim() !== "" && tunableError(field.name, value) === null) tunables[field.name] = value;
  }
  return tunables;
}

/** The query with the tunables set: only those that differ from the defaults, so a link stays short. */
export function withTunables(search: URLSearchParams, tunables: AbrTunables): URLSearchParams {
  const next = new URLSearchParams(search);
  for (const field of ABR_TUNABLE_FIELDS) {
    const value = tunables[field.name];
    if (value === DEFAULT_ABR_TUNABLES[field.name]) next.delete(field.param);
    else next.set(field.param, String(value));
  }
  return next;
}

/** The controller's whole config with the tunables applied. A buffer target above the
 * low-link ceiling raises the ceiling too: the target only ever grows on a weak link. */
export function tunablesToConfig(tunables: AbrTunables, base: AbrConfig = abrConfig()): AbrConfig {
  return {
    ...base,
    rules: {
      ...base.rules,
      horizonSegments: tunables.horizonSegments,
      bufferTargetSec: tunables.bufferTargetSec,
      maxBufferTargetSec: Math.max(base.rules.maxBufferTargetSec, tunables.bufferTargetSec),
      switchPenalty: tunables.switchPenalty,
      rebufferPenaltyPerSec: tunables.rebufferPenaltyPerSec,
      maxPredictionDiscount: tunables.maxPredictionDiscount,
    },
    abandon: { ...base.abandon, safetyMarginSec: tunables.safetyMarginSec },
  };
}
