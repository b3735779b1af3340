/**
 * Whether the network has room for what an admin request would add (ADMIN_LIMITS in
 * src/schemas/admin.ts): checked before anything changes, so a refused request leaves the
 * network as it was. Each refusal says what is full and how to make room.
 */
import { ADMIN_LIMITS } from "../../src/schemas/admin.ts";
import type { Appliance, ShapingEntry } from "../appliance/appliance.ts";

export interface Refusal {
  status: 409;
  error: string;
  field?: string;
}

/** Room for `entry` on `appliance` (for one session, or the whole appliance), or why not. */
export function roomForShaping(
  appliances: readonly Appliance[],
  appliance: Appliance,
  entry: ShapingEntry,
  session: string | undefined,
): Refusal | null {
  const replaced = appliance.shapingsReplacedBy(session);
  if (
    session !== undefined &&
    replaced.length === 0 &&
    appliance.shapedSessions >= ADMIN_LIMITS.maxShapedSessions
  ) {
    return {
      status: 409,
      error: `${appliance.id} already shapes ${appliance.shapedSessions} sessions, the most it keeps: shape the whole appliance (no session) or DELETE /admin/appliances/${appliance.id}/shaping first`,
      field: "session",
    };
  }
  const adding = entry.uploadedSamples ?? 0;
  if (adding === 0) return null;
  const samples = (entries: readonly ShapingEntry[]) =>
    entries.reduce((sum, e) => sum + (e.uploadedSamples ?? 0), 0);
  const held = appliances.reduce((sum, a) => sum + samples(a.shapings()), 0) - samples(replaced);
  if (held + adding <= ADMIN_LIMITS.maxUploadedTraceSamples) return null;
  return {
    status: 409,
    error: `uploaded traces already hold ${held} samples and this one has ${adding}, over the ${ADMIN_LIMITS.maxUploadedTraceSamples} the network keeps: clear some shaping (DELETE /admin/appliances/:id/shaping, or POST /admin/reset) or upload a shorter trace`,
    field: "trace",
  };
}

/** Room for one more fault rule, or why not. */
export function roomForFault(faults: number): Refusal | null {
  if (faults < ADMIN_LIMITS.maxFaults) return null;
  return {
    status: 409,
    error: `there are already ${faults} faults, the most the network keeps: remove some (DELETE /admin/faults/:id, or DELETE /admin/faults for all)`,
  };
}
