/**
 * Generated trace sets: `count` traces of one kind from consecutive seeds, so `--seed 7
 * --count 3` is seeds 7, 8 and 9, and any one of them can be made again alone. Shared by
 * `npm run bench:traces` (which writes them as files) and `bench:browser --harsh` (which uses
 * them directly).
 */
import { HARSH_DEFAULT_SECONDS, harshTrace } from "../../mock-server/shaping/harsh.ts";
import { fluctuatingTrace } from "../../mock-server/shaping/profiles.ts";
import type { ThroughputTrace } from "../../mock-server/shaping/trace.ts";

export const TRACE_KINDS = ["harsh", "fluctuating"] as const;
export type TraceKind = (typeof TRACE_KINDS)[number];

export interface GeneratedTrace {
  /** `<kind>-seed<n>`: the file stem and the name tables show. */
  name: string;
  trace: ThroughputTrace;
}

export function generateTraces(
  kind: TraceKind,
  count: number,
  seed: number,
  durationSec = HARSH_DEFAULT_SECONDS,
): GeneratedTrace[] {
  return Array.from({ length: count }, (_, i) => {
    const s = seed + i;
    // fluctuating has its own fixed length (2 min); only harsh takes a duration.
    const trace = kind === "harsh" ? harshTrace({ seed: s, durationSec }) : fluctuatingTrace(s);
    return { name: `${kind}-seed${s}`, trace };
  });
}
