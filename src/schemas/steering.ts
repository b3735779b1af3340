/**
 * The steering service's documents: what each cache appliance reports about itself, and the
 * answer the steering service gives a player (which appliances, in which order, and why).
 * Shared by the servers (`mock-server/steering/`) and the app, so one schema gives both the
 * runtime validation and the types.
 */
import { z } from "zod";

/** An absolute http(s) URL ending in "/", so relative paths resolve inside it. */
export const BaseUrl = z.string().refine((value) => {
  try {
    const url = new URL(value);
    return (url.protocol === "http:" || url.protocol === "https:") && value.endsWith("/");
  } catch {
    return false;
  }
}, 'must be an absolute http(s) URL ending in "/"');

/** The pathway (HLS PATHWAY-ID, DASH serviceLocation) every steered manifest ends with. */
export const ORIGIN_PATHWAY = "origin";

/**
 * An appliance id. It doubles as the HLS PATHWAY-ID and the DASH serviceLocation, so it takes
 * the PATHWAY-ID character set (RFC 8216bis): letters, digits, ".", "-" and "_"; and it may not
 * be the origin's pathway (an appliance called "origin" made every steering manifest fail).
 */
export const ApplianceId = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9._-]+$/, 'must be letters, digits, ".", "-" or "_"')
  .refine(
    (id) => id !== ORIGIN_PATHWAY,
    `"${ORIGIN_PATHWAY}" is the origin's pathway, not an appliance's: give the appliance another id`,
  );

/** What an appliance reports with each heartbeat. */
export const ApplianceStatus = z.object({
  id: ApplianceId,
  baseUrl: BaseUrl,
  /** Network region, e.g. "isp-a", "isp-b", "exchange" (see `mock-server/steering/ranking.ts`). */
  region: z.string().min(1).max(100),
  /** The appliance's own verdict (e.g. its disk or its upstream is failing). */
  healthy: z.boolean(),
  /** When the steering service last heard from it, in ms since the epoch. */
  lastHeartbeatMs: z.number().int().nonnegative(),
  activeSessions: z.number().int().nonnegative(),
  capacitySessions: z.number().int().nonnegative(),
  /** Bits per second currently sent, and what the appliance's link can carry. */
  throughputBps: z.number().nonnegative(),
  capacityBps: z.number().nonnegative(),
  /** Title id -> share (0..1) of that title's bytes this appliance's cache holds. */
  titles: z.record(z.string(), z.number().min(0).max(1)),
});
export type ApplianceStatus = z.infer<typeof ApplianceStatus>;

export const SteeringReasons = z.object({
  health: z.string().min(1),
  load: z.string().min(1),
  content: z.string().min(1),
  proximity: z.string().min(1),
});
export type SteeringReasons = z.infer<typeof SteeringReasons>;

export const RankedAppliance = z.object({
  id: ApplianceId,
  baseUrl: BaseUrl,
  /** 1 = use first. */
  rank: z.number().int().positive(),
  /**
   * Higher is better. In rotation: up to 1 (an appliance over 90% load has a penalty taken
   * off, which can make it negative); out of rotation: exactly -1, and listed last.
   */
  score: z.number().min(-1).max(1),
  reasons: SteeringReasons,
  /**
   * What players in the client's region recently measured from this appliance (the median of
   * their reports, bit/s): a new session's first rendition can start from it. Absent when
   * nobody reported lately.
   */
  throughputHintBps: z.number().positive().optional(),
});
export type RankedAppliance = z.infer<typeof RankedAppliance>;

/**
 * The steering answer. Appliances out of rotation (stale heartbeat or self-reported
 * unhealthy) are kept, listed last with score -1 and `reasons.health` saying why, so the app
 * can show them; a player should not fetch from them.
 */
export const SteeringAnswer = z
  .object({
    titleId: z.string().min(1),
    client: z.object({ region: z.string().min(1).nullable(), address: z.string().nullable() }),
    /** How long the player may keep this answer before asking again. */
    ttlSec: z.number().int().positive(),
    generatedAt: z.iso.datetime(),
    appliances: z.array(RankedAppliance),
    /** Last resort when every appliance fails. */
    origin: z.object({ baseUrl: BaseUrl }),
  })
  .superRefine((answer, ctx) => {
    answer.appliances.forEach((appliance, i) => {
      if (appliance.rank !== i + 1) {
        ctx.addIssue({
          code: "custom",
          path: ["appliances", i, "rank"],
          message: `rank must be ${i + 1}: appliances are listed in rank order`,
        });
      }
    });
  });
export type SteeringAnswer = z.infer<typeof SteeringAnswer>;

function parseWith<T>(schema: z.ZodType<T>, what: string, json: unknown): T {
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue ? issue.path.join(".") || "(root)" : "(root)";
    throw new Error(`invalid ${what} at ${where}: ${issue?.message ?? "unknown error"}`);
  }
  return result.data;
}

/** Parse and validate a steering answer; the error names the first bad field. */
export function parseSteeringAnswer(json: unknown): SteeringAnswer {
  return parseWith(SteeringAnswer, "steering answer", json);
}

/** Parse and validate an appliance heartbeat; the error names the first bad field. */
export function parseApplianceStatus(json: unknown): ApplianceStatus {
  return parseWith(ApplianceStatus, "appliance status", json);
}

/** Where a player registers a stream from outside the catalog to play it through the network. */
export const FOREIGN_STREAM_PATH = "/steering/foreign";

/** A foreign stream to play through the network: its manifest's own URL. */
export const ForeignStreamRequest = z.object({ url: z.string().min(1).max(8192) }).strict();
export type ForeignStreamRequest = z.infer<typeof ForeignStreamRequest>;

/**
 * The network's answer: the host is allowed; the manifest's proxied path (the same on every
 * appliance and on the origin, `/proxy/<scheme>/<host>/<path>`); and the appliances ranked as
 * for a title, so the player fails over among them alike.
 */
export const ForeignStreamAnswer = z.object({
  upstream: z.string().min(1),
  proxyPath: z.string().startsWith("/proxy/"),
  steering: SteeringAnswer,
});
export type ForeignStreamAnswer = z.infer<typeof ForeignStreamAnswer>;

export function parseForeignStreamAnswer(json: unknown): ForeignStreamAnswer {
  return parseWith(ForeignStreamAnswer, "foreign stream answer", json);
}
