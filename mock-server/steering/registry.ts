/**
 * The appliances the steering service knows, each by its latest heartbeat. An id is one
 * appliance: another reporting under an id still fresh from a different address is refused
 * (both would be one pathway in every manifest), and at most `MAX_APPLIANCES` are known (each
 * is a pathway in every answer: 500 forged ids made every answer 141 KB), stale ones making
 * room for new ones.
 */
import type { ApplianceStatus } from "../../src/schemas/steering.ts";

/** Well above a demo's three; a steering answer for this many is about 20 KB. */
export const MAX_APPLIANCES = 64;

export type Registration = { ok: true } | { ok: false; status: 409; error: string };

export class ApplianceRegistry {
  private readonly statuses = new Map<string, ApplianceStatus>();

  constructor(
    /** An appliance silent this long is stale: out of rotation, and its id free again. */
    private readonly staleAfterMs: number,
    private readonly max = MAX_APPLIANCES,
  ) {}

  /** Record a heartbeat, stamped `nowMs` (our clock, not the appliance's), or say why not. */
  report(status: ApplianceStatus, nowMs: number): Registration {
    const known = this.statuses.get(status.id);
    if (known && known.baseUrl !== status.baseUrl && !this.isStale(known, nowMs)) {
      return {
        ok: false,
        status: 409,
        error: `appliance id "${status.id}" is already reported from ${known.baseUrl}: give each appliance its own id (an id is freed ${this.staleAfterMs} ms after its last heartbeat)`,
      };
    }
    if (!known && this.statuses.size >= this.max) {
      for (const [id, s] of this.statuses) if (this.isStale(s, nowMs)) this.statuses.delete(id);
      if (this.statuses.size >= this.max) {
        return {
          ok: false,
          status: 409,
          error: `the steering service already ranks ${this.max} appliances, the most it keeps: stop one (its id is freed ${this.staleAfterMs} ms after its last heartbeat) before adding "${status.id}"`,
        };
      }
    }
    this.statuses.set(status.id, { ...status, lastHeartbeatMs: nowMs });
    return { ok: true };
  }

  has(id: string): boolean {
    return this.statuses.has(id);
  }

  list(): ApplianceStatus[] {
    return [...this.statuses.values()];
  }

  clear(): void {
    this.statuses.clear();
  }

  private isStale(status: ApplianceStatus, nowMs: number): boolean {
    return nowMs - status.lastHeartbeatMs > this.staleAfterMs;
  }
}
