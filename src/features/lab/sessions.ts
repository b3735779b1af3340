/**
 * The client sessions the network knows, from its state: each one seen lately (on which
 * appliances) or shaped on its own (how, per appliance). A session may move between
 * appliances, so the lab shapes one on every appliance at once.
 */
import type { NetworkState } from "../../schemas/admin.ts";

export interface SessionRow {
  id: string;
  /** Appliances that served it in the last few seconds. */
  activeOn: string[];
  /** Its own shaping, per appliance (absent: the appliance's shaping for everyone). */
  shaping: Record<string, string>;
}

export function sessionsOf(network: NetworkState): SessionRow[] {
  const rows = new Map<string, SessionRow>();
  const row = (id: string) => {
    let found = rows.get(id);
    if (!found) {
      found = { id, activeOn: [], shaping: {} };
      rows.set(id, found);
    }
    return found;
  };
  for (const appliance of network.appliances) {
    for (const id of appliance.activeSessionIds) row(id).activeOn.push(appliance.id);
    for (const [id, description] of Object.entries(appliance.shaping.sessions)) {
      row(id).shaping[appliance.id] = description;
    }
  }
  // Active ones first, then by id, so the list does not jump about between refreshes.
  return [...rows.values()].sort(
    (a, b) =>
      Number(b.activeOn.length > 0) - Number(a.activeOn.length > 0) || a.id.localeCompare(b.id),
  );
}

/** One line for a session's shaping: the same everywhere (the usual case), or per appliance. */
export function shapingText(row: SessionRow): string {
  const descriptions = [...new Set(Object.values(row.shaping))];
  if (descriptions.length === 0) return "as its appliance";
  if (descriptions.length === 1) return descriptions[0]!;
  return Object.entries(row.shaping)
    .map(([appliance, description]) => `${appliance}: ${description}`)
    .join("; ");
}
