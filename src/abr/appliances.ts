/**
 * Appliance choice. The steering answer ranks appliances; we use the best-ranked one that is
 * in rotation (score >= 0) and not in the penalty box. Failover is therefore just "the next in
 * rank order", and returning after a penalty is "the better-ranked one is usable again".
 *
 * - Error or timeout: the appliance goes to the penalty box for base x 2^(failures - 1), capped.
 * - Measurably slower: its own estimate below `slowRatio` x the best other measured appliance's
 *   after `slowSegments` of its segments in a row: set aside for `slowPenaltyMs` (not counted as
 *   a failure, so no backoff growth).
 * - Out of the box an appliance is on probation: the next segment it serves is a probe. A
 *   success clears its failure count; a failure sends it back with a doubled penalty.
 * - The origin is used only when no appliance in rotation is usable; it is never boxed.
 * - `setSteering` replaces the ranking and keeps the penalty box (keyed by appliance id).
 */
import type { ApplianceConfig } from "./config.ts";
import type { SteeringAnswer } from "./types.ts";

export const ORIGIN_ID = "origin";

export interface ApplianceChoice {
  applianceId: string | null;
  baseUrl: string | null;
  probe: boolean;
  reason: string;
}

interface BoxEntry {
  untilMs: number;
  cause: string;
}

export class ApplianceSelector {
  private answer: SteeringAnswer | null = null;
  private answerAtMs = 0;
  private readonly box = new Map<string, BoxEntry>();
  private readonly failures = new Map<string, number>();
  private readonly probation = new Set<string>();
  private readonly slowInARow = new Map<string, number>();

  constructor(private readonly config: ApplianceConfig) {}

  setSteering(answer: SteeringAnswer, nowMs: number): void {
    this.answer = answer;
    this.answerAtMs = nowMs;
  }

  /** True when there is no answer yet or its TTL has run out. */
  needsSteeringRefresh(nowMs: number): boolean {
    return this.answer === null || nowMs >= this.answerAtMs + this.answer.ttlSec * 1000;
  }

  select(nowMs: number): ApplianceChoice {
    const answer = this.answer;
    if (!answer) return { applianceId: null, baseUrl: null, probe: false, reason: "no steering" };
    this.releaseExpired(nowMs);
    const inRotation = answer.appliances.filter((a) => a.score >= 0);
    const skipped: string[] = [];
    for (const a of inRotation) {
      const boxed = this.box.get(a.id);
      if (boxed) {
        skipped.push(`${a.id} boxed (${boxed.cause})`);
        continue;
      }
      const probe = this.probation.has(a.id);
      const why = [`rank ${a.rank}`, ...skipped, ...(probe ? ["probe after penalty"] : [])];
      return { applianceId: a.id, baseUrl: a.baseUrl, probe, reason: why.join(", ") };
    }
    const reason =
      inRotation.length === 0 ? "no appliance in rotation" : "every appliance in the penalty box";
    return { applianceId: ORIGIN_ID, baseUrl: answer.origin.baseUrl, probe: false, reason };
  }

  onSuccess(applianceId: string): void {
    this.failures.delete(applianceId);
    this.probation.delete(applianceId);
  }

  /** Error or timeout: into the box with exponential backoff. Returns the penalty in ms. */
  onFailure(applianceId: string, cause: string, nowMs: number): number {
    if (applianceId === ORIGIN_ID) return 0;
    const failures = (this.failures.get(applianceId) ?? 0) + 1;
    this.failures.set(applianceId, failures);
    const penaltyMs = Math.min(
      this.config.penaltyMaxMs,
      this.config.penaltyBaseMs * 2 ** (failures - 1),
    );
    this.putInBox(applianceId, cause, nowMs + penaltyMs);
    return penaltyMs;
  }

  /**
   * After a measured download: compare this appliance's estimate with the best other usable
   * appliance's. Returns true when it was set aside as measurably slower.
   */
  onMeasured(applianceId: string, measured: (id: string) => number | null, nowMs: number): boolean {
    const own = measured(applianceId);
    const best = this.bestOther(applianceId, measured);
    if (own === null || best === null || own >= best * this.config.slowRatio) {
      this.slowInARow.delete(applianceId);
      return false;
    }
    const count = (this.slowInARow.get(applianceId) ?? 0) + 1;
    this.slowInARow.set(applianceId, count);
    if (count < this.config.slowSegments) return false;
    this.slowInARow.delete(applianceId);
    this.putInBox(applianceId, "slower than another", nowMs + this.config.slowPenaltyMs);
    return true;
  }

  /** When the appliance leaves the penalty box, or null if it is not in it. */
  penaltyUntilMs(applianceId: string): number | null {
    return this.box.get(applianceId)?.untilMs ?? null;
  }

  private bestOther(applianceId: string, measured: (id: string) => number | null): number | null {
    let best: number | null = null;
    for (const a of this.answer?.appliances ?? []) {
      if (a.id === applianceId || a.score < 0 || this.box.has(a.id)) continue;
      const m = measured(a.id);
      if (m !== null && (best === null || m > best)) best = m;
    }
    return best;
  }

  private putInBox(applianceId: string, cause: string, untilMs: number): void {
    this.box.set(applianceId, { untilMs, cause });
    this.probation.delete(applianceId);
  }

  private releaseExpired(nowMs: number): void {
    for (const [id, entry] of this.box) {
      if (entry.untilMs <= nowMs) {
        this.box.delete(id);
        this.probation.add(id);
      }
    }
  }
}
