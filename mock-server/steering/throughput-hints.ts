/**
 * What players in a region recently measured from each appliance: the steering service's hint
 * for a new session's first rendition (large services start a session from what the network
 * carried for others nearby). Fed by the throughput players report when they ask for steering
 * (`?pathway=&throughput=` on the answer, `_HLS_throughput` and `_DASH_throughput` on the
 * content-steering manifests); answered as the median of the recent reports.
 *
 * Bounded whatever players send: at most `maxKeys` region-and-appliance pairs, at most
 * `perKey` reports each, each forgotten after `maxAgeMs`.
 */

export interface HintConfig {
  maxAgeMs: number;
  perKey: number;
  maxKeys: number;
}

export const DEFAULT_HINTS: HintConfig = {
  // A link's figure from ten minutes ago still says what the access network carries; older
  // says more about the time of day than about now.
  maxAgeMs: 10 * 60_000,
  perKey: 32,
  maxKeys: 1_000,
};

/** Reports above this are not believed (a loopback burst or a forged number). */
const MAX_BELIEVABLE_BPS = 10_000_000_000;

interface Report {
  bps: number;
  atMs: number;
}

export class ThroughputHints {
  private readonly reports = new Map<string, Report[]>();

  constructor(private readonly config: HintConfig = DEFAULT_HINTS) {}

  report(region: string | null, applianceId: string, bps: number, nowMs: number): void {
    if (!(bps > 0) || bps > MAX_BELIEVABLE_BPS || !Number.isFinite(bps)) return;
    const key = keyOf(region, applianceId);
    let list = this.reports.get(key);
    if (!list) {
      if (this.reports.size >= this.config.maxKeys) this.evictOldest();
      list = [];
      this.reports.set(key, list);
    }
    list.push({ bps, atMs: nowMs });
    if (list.length > this.config.perKey) list.splice(0, list.length - this.config.perKey);
  }

  /** The median of the recent reports for this region and appliance, or null. */
  hint(region: string | null, applianceId: string, nowMs: number): number | null {
    const list = this.reports.get(keyOf(region, applianceId));
    const recent = (list ?? [])
      .filter((r) => nowMs - r.atMs <= this.config.maxAgeMs)
      .map((r) => r.bps)
      .sort((a, b) => a - b);
    if (recent.length === 0) return null;
    const mid = Math.floor(recent.length / 2);
    return recent.length % 2 === 1 ? recent[mid]! : (recent[mid - 1]! + recent[mid]!) / 2;
  }

  clear(): void {
    this.reports.clear();
  }

  /** Drop the pair whose latest report is oldest. */
  private evictOldest(): void {
    let oldest: string | null = null;
    let oldestAt = Number.POSITIVE_INFINITY;
    for (const [key, list] of this.reports) {
      const at = list.at(-1)?.atMs ?? 0;
      if (at < oldestAt) {
        oldestAt = at;
        oldest = key;
      }
    }
    if (oldest !== null) this.reports.delete(oldest);
  }
}

const keyOf = (region: string | null, applianceId: string) => `${region ?? "-"} ${applianceId}`;
