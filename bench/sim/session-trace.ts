/**
 * A session exported from the player (`src/schemas/session-export.ts`) as a trace: the link
 * that session met, replayed so every algorithm and the optimum play that very link. Each
 * segment that arrived gives the rate over its transfer (bytes over the time from first to
 * last byte); between downloads the last rate holds (the step function every trace is).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { ThroughputTrace } from "../../mock-server/shaping/trace.ts";
import type { AbrTunables } from "../../src/schemas/abr-tunables.ts";
import { type ExportedSegment, SessionExport } from "../../src/schemas/session-export.ts";
import { TraceError, type TraceSet } from "./traces.ts";

/** A session file is at most this big (two hours of segments is about 1 MB of JSON). */
const MAX_SESSION_BYTES = 50_000_000;
/** Transfers shorter than this are timer noise, not a rate. */
const MIN_TRANSFER_MS = 5;
const MIN_SEGMENTS = 2;

export interface SessionReplay {
  set: TraceSet;
  /** The catalog title the session played, to replay it on the same ladder; null otherwise. */
  titleId: string | null;
  /** Our ABR's tunables as the session ran with them; null in exports made before they existed. */
  abrTunables: AbrTunables | null;
}

export function traceFromSegments(segments: readonly ExportedSegment[]): ThroughputTrace {
  const measured = segments
    .filter((s) => s.aborted === null && s.sizeBytes > 0 && s.transferMs >= MIN_TRANSFER_MS)
    .map((s) => ({
      startMs: s.atMs - s.transferMs,
      mbps: (s.sizeBytes * 8) / (s.transferMs * 1000),
      endMs: s.atMs,
    }))
    .sort((a, b) => a.startMs - b.startMs);
  if (measured.length < MIN_SEGMENTS) {
    throw new TraceError(
      `the session has ${measured.length} measured segment(s), at least ${MIN_SEGMENTS} are needed: play longer before exporting`,
    );
  }
  const t0 = measured[0]!.startMs;
  const samples = measured.map((m) => ({ atSec: (m.startMs - t0) / 1000, mbps: m.mbps }));
  const endMs = Math.max(...measured.map((m) => m.endMs));
  return { samples, durationSec: Math.max((endMs - t0) / 1000, samples.at(-1)!.atSec + 0.001) };
}

export function loadSessionReplay(file: string): SessionReplay {
  let text: string;
  try {
    const size = readFileSync(file).byteLength;
    if (size > MAX_SESSION_BYTES) {
      throw new TraceError(
        `--session ${file}: ${size} bytes is more than a session export holds (at most ${MAX_SESSION_BYTES}): give the .json the player exported`,
      );
    }
    text = readFileSync(file, "utf8");
  } catch (error) {
    if (error instanceof TraceError) throw error;
    throw new TraceError(`--session: cannot read ${file} (${(error as Error).message})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new TraceError(
      `--session ${file}: not JSON: give the .json file the player's "Export session" saved (not the CSV)`,
    );
  }
  const parsed = SessionExport.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TraceError(
      `--session ${file}: not a session export (${issue?.path.join(".") || "document"}: ${issue?.message}): export one from the player's stats overlay`,
    );
  }
  const name = path.basename(file, ".json");
  let trace: ThroughputTrace;
  try {
    trace = traceFromSegments(parsed.data.segments);
  } catch (error) {
    throw new TraceError(`--session ${file}: ${(error as Error).message}`);
  }
  return {
    set: { name: `session ${name}`, traces: [{ name, file, trace }] },
    titleId: parsed.data.environment.stream.titleId,
    abrTunables: parsed.data.environment.abrTunables ?? null,
  };
}
