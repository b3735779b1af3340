/**
 * Builds the session's export (`src/schemas/session-export.ts`) from what the session store
 * holds, and hands it to the viewer as files: JSON (everything) and CSV (the segments).
 */
import {
  SESSION_EXPORT_VERSION,
  type SessionExport,
  segmentsCsv,
} from "../../schemas/session-export.ts";
import type { SessionState } from "./session-store.ts";

/** What the store does not know: where the page is and what it plays with. */
export interface ExportEnvironment {
  pageUrl: string;
  userAgent: string;
  stream: { titleId: string | null; url: string | null };
  engineVersion: string | null;
  window: { width: number; height: number; devicePixelRatio: number };
}

export function buildSessionExport(
  state: SessionState,
  qoe: SessionExport["qoe"],
  environment: ExportEnvironment,
  exportedAt: Date,
): SessionExport {
  const since = (atMs: number) => Math.max(0, atMs - (state.qoe.startedAtMs ?? 0));
  return {
    schemaVersion: SESSION_EXPORT_VERSION,
    exportedAt: exportedAt.toISOString(),
    environment: {
      ...environment,
      engine: state.engine,
      abr: state.abr,
      capToPlayerSize: state.capToPlayerSize,
      abrTunables: state.abrTunables,
    },
    qoe,
    decisions: state.decisions.map((d) => ({
      atMs: since(d.atMs),
      kind: d.kind,
      renditionId: d.renditionId,
      applianceId: d.applianceId,
      probe: d.probe,
      reason: d.reason,
      inputs: d.inputs,
    })),
    segments: state.segments,
    timeline: state.timeline.map((p) => ({ ...p, atMs: since(p.atMs) })),
    warnings: state.warnings,
  };
}

/** A file name that sorts by time and says what it is: `streamlab-<stream>-<time>`. */
export function exportBaseName(exported: SessionExport): string {
  const { titleId, url } = exported.environment.stream;
  const stream = (titleId ?? (url ? new URL(url).hostname : "stream")).replace(/[^\w.-]+/g, "_");
  return `streamlab-${stream}-${exported.exportedAt.replace(/[:.]/g, "-")}`;
}

/** Saves the export as two downloads: `<name>.json` and `<name>-segments.csv`. */
export function downloadSessionExport(exported: SessionExport): void {
  const name = exportBaseName(exported);
  save(`${name}.json`, JSON.stringify(exported, null, 2), "application/json");
  save(`${name}-segments.csv`, segmentsCsv(exported.segments), "text/csv");
}

function save(fileName: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  link.click();
  // The download has its own copy once started.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
