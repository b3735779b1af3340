/**
 * A link's `?profile=`: this playback session alone gets a shaping profile on every appliance
 * (the admin API's per-session shaping, keyed by the session id the player sends), so a
 * shared link reproduces the link it was made on without touching anyone else's. Undone when
 * the session ends.
 */
import type { AdminClient } from "../../lib/admin-client.ts";

/** Shapes the session; resolves with what undoes it. Throws a sentence when it cannot. */
export async function shapeSession(
  admin: AdminClient,
  profile: string,
  sessionId: string,
): Promise<() => void> {
  const profiles = await admin.profiles();
  if (!profiles.some((p) => p.name === profile)) {
    const names = profiles.map((p) => p.name).slice(0, 12);
    throw new Error(
      `the link asks for the shaping profile "${profile}", which the network does not have: use one of ${names.join(", ")}`,
    );
  }
  const { appliances } = await admin.state();
  const ids = appliances.map((a) => a.id);
  await Promise.all(ids.map((id) => admin.shape(id, { profile, session: sessionId })));
  return () => {
    for (const id of ids) admin.unshape(id, sessionId).catch(() => {});
  };
}
