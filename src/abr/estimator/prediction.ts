/**
 * How wrong the throughput estimate has been lately, per appliance (RobustMPC's discount): the
 * estimate at each decision is compared with the rate its download then measured, and the plan
 * uses estimate / (1 + the largest recent error). Errors both ways count, as in RobustMPC: a
 * link that just beat the estimate by far is a volatile one, and on the simulator's 3G traces
 * counting only over-estimates planned more steps up that had to come down again.
 */
export class PredictionErrors {
  private readonly errors = new Map<string, number[]>();
  private readonly pending = new Map<string, number>();

  /** `history`: errors kept per appliance (RobustMPC: the last 5). */
  constructor(private readonly history: number) {}

  /** The estimate a decision for this appliance was based on. */
  predicted(applianceId: string, bitsPerSecond: number): void {
    this.pending.set(applianceId, bitsPerSecond);
  }

  /** The rate the download then measured (transfer only, TTFB excluded). */
  observed(applianceId: string, bitsPerSecond: number): void {
    const predicted = this.pending.get(applianceId);
    if (predicted === undefined || !(bitsPerSecond > 0)) return;
    this.pending.delete(applianceId);
    const list = this.errors.get(applianceId) ?? [];
    list.push(Math.abs(predicted - bitsPerSecond) / bitsPerSecond);
    if (list.length > this.history) list.shift();
    this.errors.set(applianceId, list);
  }

  /** The largest recent relative error (0 when none, or nothing measured yet). */
  maxError(applianceId: string): number {
    const list = this.errors.get(applianceId);
    return list === undefined || list.length === 0 ? 0 : Math.max(...list);
  }
}
