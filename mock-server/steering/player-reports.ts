/**
 * What players said on their last content-steering reload (the pathway they were on and the
 * throughput they measured), by title and client address, for `GET /steering/reports`. Only the
 * latest `max` pairs are kept, the least recently reporting dropped first: kept without end,
 * 2,000 reports with long forged pathways came to 16 MB of JSON and 120 MB more memory.
 */

export interface PlayerReport {
  pathway: string | null;
  throughputBps: number | null;
  atMs: number;
}

/** A day of one report per title and viewer on a small deployment; about 100 KB of JSON. */
export const MAX_PLAYER_REPORTS = 1_000;

export class PlayerReports {
  private readonly byKey = new Map<string, PlayerReport>();

  constructor(private readonly max = MAX_PLAYER_REPORTS) {}

  note(titleId: string, address: string | null, report: PlayerReport): void {
    const key = `${titleId} ${address}`;
    // Re-inserted, so the Map's order is the order of the latest reports.
    this.byKey.delete(key);
    this.byKey.set(key, report);
    for (const oldest of this.byKey.keys()) {
      if (this.byKey.size <= this.max) break;
      this.byKey.delete(oldest);
    }
  }

  /** The reports as `{ "<title> <address>": report }`, oldest first. */
  toJSON(): Record<string, PlayerReport> {
    return Object.fromEntries(this.byKey);
  }

  get size(): number {
    return this.byKey.size;
  }

  clear(): void {
    this.byKey.clear();
  }
}
