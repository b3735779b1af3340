/**
 * The delivery network's admin API: the bodies it accepts and the state it reports. Shared by
 * the servers (`mock-server/admin/`), the e2e tests and the app's network lab, so a request
 * the lab builds is exactly what the server validates.
 */
import { z } from "zod";

/**
 * What a trace may hold, checked before anything is allocated for it (the text's length here;
 * the rest line by line in `mock-server/shaping/trace.ts`): a 14-byte mahimahi trace ending at
 * 10^10 ms once made the parser allocate 10^10 windows and took the network down.
 */
export const TRACE_LIMITS = {
  /** Characters of text: about 4 h of a busy mahimahi trace, a day of Pensieve at 1 s. */
  maxChars: 5_000_000,
  /** Longest period: a day, longer than any session a demo or benchmark plays. */
  maxDurationSec: 24 * 60 * 60,
  /** Rate steps (Pensieve lines, mahimahi 100 ms windows: a day of those is 864,000). */
  maxSamples: 1_000_000,
  /** The fastest rate a step may have, as `bitsPerSecond` below (10 Gbit/s). */
  maxMbps: 10_000,
  /** Characters on one line: a sample is two numbers, so a longer line is not a trace. */
  maxLineChars: 200,
} as const;

/**
 * What the network holds at most, whatever the admin API is sent, so no run of requests can
 * grow it until the process runs out of memory; past a limit a request gets 409 and changes
 * nothing.
 */
export const ADMIN_LIMITS = {
  /** Fault rules at once: each request an appliance serves is matched against every one. */
  maxFaults: 100,
  /** Sessions with a shaping of their own, per appliance. */
  maxShapedSessions: 1_000,
  /**
   * Samples of uploaded traces held across the network: a day-long mahimahi trace is 864,000
   * samples (about 50 MB in memory), so four of those, or many shorter ones.
   */
  maxUploadedTraceSamples: 4_000_000,
} as const;

/** How to shape an appliance's (or one session's) link: a named profile, or explicit values. */
export const ShapingRequest = z
  .object({
    /** A profile name from GET /admin/profiles, e.g. "3g", "cable", "drop", "hsdpa/bus_1". */
    profile: z.string().min(1).max(200).optional(),
    /** Constant rate in bit/s; 0 is not allowed (use a fault to stop traffic). */
    bitsPerSecond: z
      .number()
      .int()
      .min(8_000)
      .max(TRACE_LIMITS.maxMbps * 1e6)
      .optional(),
    /** A trace in the Pensieve (`seconds Mbit/s` per line) or mahimahi (ms per packet) format. */
    trace: z
      .string()
      .min(1)
      .max(
        TRACE_LIMITS.maxChars,
        `a trace is at most ${TRACE_LIMITS.maxChars} characters: cut it shorter or sample it less often`,
      )
      .optional(),
    /** Added time to first byte. */
    latencyMs: z.number().int().min(0).max(60_000).optional(),
    /** Shape only this client session (its X-Session-Id); without it, every session. */
    session: z.string().min(1).max(200).optional(),
  })
  .strict()
  .refine((r) => [r.profile, r.bitsPerSecond, r.trace].filter((v) => v !== undefined).length <= 1, {
    message: "give at most one of profile, bitsPerSecond and trace",
    path: ["profile"],
  });
export type ShapingRequest = z.infer<typeof ShapingRequest>;

/** Back to unlimited: the appliance (and every session with it), or one session's own shaping. */
export const UnshapeRequest = z.object({ session: z.string().min(1).max(200).optional() }).strict();
export type UnshapeRequest = z.infer<typeof UnshapeRequest>;

export const FaultType = z.enum([
  /** The appliance refuses connections (its listener is closed). */
  "down",
  /** Answer with an HTTP error status. */
  "error",
  /** Send the headers and `fraction` of the body (none by default), then nothing, without
   * closing, for `delayMs`; then cut. */
  "stall",
  /** Wait before the first byte. */
  "slow-first-byte",
  /** Close the connection part way through the body. */
  "truncate",
  /** Flip bytes in the body. */
  "corrupt",
]);
export type FaultType = z.infer<typeof FaultType>;

/** Which requests a fault's schedule counts: media segments (`.m4s`, not init segments),
 * manifests and playlists (`.m3u8`, `.mpd`), or any file. */
export const FaultRequestKind = z.enum(["any", "segment", "manifest"]);
export type FaultRequestKind = z.infer<typeof FaultRequestKind>;

/** How far a schedule reaches: a day of seconds, a million requests (hours of a busy network). */
export const FAULT_SCHEDULE_LIMITS = { maxRequests: 1_000_000, maxSec: 24 * 60 * 60 } as const;

const requestCount = (name: string) =>
  z
    .number({ error: `${name} must be a number of requests` })
    .int(`${name} is a whole number of requests`)
    .min(1, `${name} counts from 1 (the first matching request is 1)`)
    .max(
      FAULT_SCHEDULE_LIMITS.maxRequests,
      `${name} is at most ${FAULT_SCHEDULE_LIMITS.maxRequests} requests`,
    );
const windowSec = (name: string) =>
  z
    .number({ error: `${name} must be a number of seconds` })
    .min(0, `${name} is at least 0 s (when the fault is set)`)
    .max(
      FAULT_SCHEDULE_LIMITS.maxSec,
      `${name} is at most ${FAULT_SCHEDULE_LIMITS.maxSec} s (a day)`,
    );

const FaultFields = z
  .object({
    type: FaultType,
    /** Which appliance; "*" for all. */
    appliance: z.string().min(1).max(100).default("*"),
    /** Narrow to a title, a rendition (a folder like `h264-720p-1009k` or `audio/en`) or a segment file name. */
    title: z.string().min(1).max(100).optional(),
    rendition: z.string().min(1).max(100).optional(),
    segment: z.string().min(1).max(100).optional(),
    /** Share of matching requests that get the fault. */
    probability: z.number().min(0).max(1).default(1),
    /** For "error". */
    status: z.number().int().min(400).max(599).default(503),
    /** For "slow-first-byte" and "stall" (how long before the connection is dropped). */
    delayMs: z.number().int().min(0).max(120_000).default(5_000),
    /** For "truncate": the share of the body sent before the connection is cut (default 0.5);
     * for "stall": before it goes silent (default 0, right after the headers). */
    fraction: z.number().min(0).max(1).optional(),
    /**
     * The schedule (as chaos-stream-proxy's per-request corruptions): which requests it counts,
     * the Nth of them only or every Kth, and a window in seconds after the fault is set. The
     * count is of requests that match the filters above and fall inside the window.
     */
    requests: FaultRequestKind.default("any"),
    nth: requestCount("nth").optional(),
    every: requestCount("every").optional(),
    fromSec: windowSec("fromSec").optional(),
    toSec: windowSec("toSec").optional(),
  })
  .strict();

export const FaultRequest = FaultFields.superRefine((r, ctx) => {
  if (r.nth !== undefined && r.every !== undefined) {
    ctx.addIssue({
      code: "custom",
      message: "give nth (one request) or every (each Kth request), not both",
      path: ["every"],
    });
  }
  if (r.toSec !== undefined && r.toSec <= (r.fromSec ?? 0)) {
    ctx.addIssue({
      code: "custom",
      message: `the window ends before it starts: toSec (${r.toSec}) must be after fromSec (${r.fromSec ?? 0})`,
      path: ["toSec"],
    });
  }
});
export type FaultRequest = z.infer<typeof FaultRequest>;

export const Fault = FaultFields.extend({
  id: z.string(),
  injected: z.number().int().min(0),
  /** Requests the schedule has counted (matching, inside the window). */
  counted: z.number().int().min(0),
});
export type Fault = z.infer<typeof Fault>;

export const FillRequest = z
  .object({
    titles: z.array(z.string().min(1).max(100)).max(1000).optional(),
    /** Fill the N most requested titles across the network. */
    top: z.number().int().min(1).max(1000).optional(),
  })
  .strict()
  .refine((r) => (r.titles === undefined) !== (r.top === undefined), {
    message: "give either titles or top",
    path: ["titles"],
  });
export type FillRequest = z.infer<typeof FillRequest>;

/** `POST /admin/reset`'s optional body. */
export const ResetRequest = z
  .object({
    /** Keep what the appliances hold (a benchmark fills once, then resets between runs). */
    keepCaches: z.boolean().optional(),
  })
  .strict();
export type ResetRequest = z.infer<typeof ResetRequest>;

export const ApplianceCounters = z.object({
  bytesServed: z.number(),
  requests: z.number(),
  hits: z.number(),
  misses: z.number(),
  hitRatio: z.number(),
  fills: z.number(),
  fillBytes: z.number(),
  evictions: z.number(),
  activeSessions: z.number(),
  throughputBps: z.number(),
  faultsInjected: z.number(),
});
export type ApplianceCounters = z.infer<typeof ApplianceCounters>;

export const ApplianceState = z.object({
  id: z.string(),
  region: z.string(),
  baseUrl: z.string(),
  up: z.boolean(),
  capacityBytes: z.number(),
  usedBytes: z.number(),
  shaping: z.object({
    description: z.string(),
    latencyMs: z.number(),
    sessions: z.record(z.string(), z.string()),
  }),
  /** Client sessions (`X-Session-Id`, else the address) seen in the last 5 s, most recent
   * first, at most 50. */
  activeSessionIds: z.array(z.string()),
  counters: ApplianceCounters,
  titles: z.record(z.string(), z.number()),
  /** The cache's own process when it has one (an nginx), and whether it runs. */
  engine: z.object({ name: z.string(), running: z.boolean() }).optional(),
});
export type ApplianceState = z.infer<typeof ApplianceState>;

/** The simulated clock the fill window runs on (mock-server/fill-window.ts). */
export const SimulatedClockState = z.object({
  /** "HH:MM" of the simulated day. */
  time: z.string(),
  /** Inside the off-peak hours: appliances fill ahead of demand. */
  offPeak: z.boolean(),
  /** The off-peak hours, "02:00-06:00". */
  fillWindow: z.string(),
});
export type SimulatedClockState = z.infer<typeof SimulatedClockState>;

export const NetworkState = z.object({
  origin: z.object({ baseUrl: z.string() }),
  steering: z.object({
    baseUrl: z.string(),
    up: z.boolean(),
    /** Answering garbage on purpose (`POST /admin/steering/garbage`). */
    garbage: z.boolean(),
  }),
  appliances: z.array(ApplianceState),
  faults: z.array(Fault),
  /** Streams from outside the catalog played through the appliances: the hosts allowed
   * (`scheme://host:port`, oldest first). Absent from a network without the proxy. */
  proxy: z.object({ allowedHosts: z.array(z.string()) }).optional(),
  /** Null when the network has no fill window. */
  clock: SimulatedClockState.nullable().optional(),
});
export type NetworkState = z.infer<typeof NetworkState>;

/** One entry of GET /admin/profiles. */
export const ProfileInfo = z.object({
  name: z.string(),
  description: z.string(),
  latencyMs: z.number(),
});
export type ProfileInfo = z.infer<typeof ProfileInfo>;

/** The JSON body of every 4xx: what is wrong and which field. */
export const AdminError = z.object({ error: z.string(), field: z.string().optional() });
export type AdminError = z.infer<typeof AdminError>;
