/**
 * A playback session taken away as evidence: the player writes it (the stats overlay's
 * Export, `window.streamlab.exportSession()`), tests and `npm run bench:abr -- --session FILE`
 * read it. Every decision with its inputs and reason, every segment request with where it
 * went and how it went, the timeline, the QoE figures and the environment.
 */
import { z } from "zod";
import { AbrTunables } from "./abr-tunables.ts";

export const SESSION_EXPORT_VERSION = 1;

const ms = z.number().finite().min(0);
const bits = z.number().finite().min(0);

export const ExportedSegment = z.object({
  /** When the request ended (ms since the session began). */
  atMs: ms,
  url: z.string(),
  /** null: not routed (a stream's own host). */
  applianceId: z.string().nullable(),
  renditionId: z.string(),
  sizeBytes: z.number().int().min(0),
  ttfbMs: ms,
  transferMs: ms,
  /** The appliance's `X-Cache` (HIT, MISS), when it said. */
  cacheStatus: z.string().nullable(),
  /** Why it was given up (a timeout, an HTTP status, a stall); null when it arrived whole. */
  aborted: z.string().nullable(),
});
export type ExportedSegment = z.infer<typeof ExportedSegment>;

const RuleOutcome = z.object({
  rule: z.string(),
  kind: z.enum(["ceiling", "proposal", "override"]),
  index: z.number().int().nullable(),
  reason: z.string(),
});

export const ExportedDecision = z.object({
  atMs: ms,
  kind: z.enum(["segment", "abandon"]),
  renditionId: z.string(),
  applianceId: z.string().nullable(),
  probe: z.boolean(),
  reason: z.string(),
  inputs: z.object({
    bufferSec: z.number().finite(),
    playbackRate: z.number().finite(),
    segmentDurationSec: z.number().finite(),
    estimateBitsPerSecond: bits,
    estimateSource: z.string(),
    ttfbMs: ms,
    codec: z.string(),
    /** Why that codec; absent in exports made before VP9 came. */
    codecReason: z.string().optional(),
    ladder: z.array(z.string()),
    previousRenditionId: z.string().nullable(),
    rules: z.array(RuleOutcome),
  }),
});

export const ExportedTimelinePoint = z.object({
  atMs: ms,
  bufferSec: z.number().finite(),
  estimateBps: bits,
  quality: z.number().finite(),
  applianceId: z.string().nullable(),
});

export const SessionExport = z.object({
  schemaVersion: z.literal(SESSION_EXPORT_VERSION),
  exportedAt: z.string().datetime(),
  environment: z.object({
    pageUrl: z.string(),
    userAgent: z.string(),
    /** The stream: a title of ours (its id) or a URL. */
    stream: z.object({ titleId: z.string().nullable(), url: z.string().nullable() }),
    engine: z.enum(["hlsjs", "shaka"]),
    engineVersion: z.string().nullable(),
    abr: z.enum(["ours", "engine"]),
    capToPlayerSize: z.boolean(),
    /** Our ABR's tunables at the export; absent in exports made before they could be set. */
    abrTunables: AbrTunables.optional(),
    window: z.object({
      width: z.number().int().min(0),
      height: z.number().int().min(0),
      devicePixelRatio: z.number().positive(),
    }),
  }),
  qoe: z.object({
    timeToFirstFrameMs: z.number().finite().nullable(),
    stallCount: z.number().int().min(0),
    stallMs: ms,
    freezes: z.number().int().min(0),
    averageBitrateBps: bits,
    averageQuality: z.number().finite(),
    switches: z.number().int().min(0),
    applianceChanges: z.number().int().min(0),
    droppedFrames: z.number().int().min(0),
    qualityQoe: z.number().finite(),
  }),
  decisions: z.array(ExportedDecision),
  segments: z.array(ExportedSegment),
  timeline: z.array(ExportedTimelinePoint),
  warnings: z.array(z.string()),
});
export type SessionExport = z.infer<typeof SessionExport>;

/** The columns of the segments' CSV, in order. */
export const SEGMENT_CSV_COLUMNS = [
  "atMs",
  "url",
  "applianceId",
  "renditionId",
  "sizeBytes",
  "ttfbMs",
  "transferMs",
  "cacheStatus",
  "aborted",
] as const satisfies readonly (keyof ExportedSegment)[];

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
function csvField(value: string | number | null): string {
  const text = value === null ? "" : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function segmentsCsv(segments: readonly ExportedSegment[]): string {
  const lines = [SEGMENT_CSV_COLUMNS.join(",")];
  for (const s of segments) lines.push(SEGMENT_CSV_COLUMNS.map((c) => csvField(s[c])).join(","));
  return `${lines.join("\r\n")}\r\n`;
}
