/**
 * Waits between tries that grow while something stays down: doubling from `firstMs` up to
 * `maxMs`, back to `firstMs` after a success. Pure, no timers: the caller sleeps. Used by the
 * demo to restart the delivery network and by the app to ask it again.
 */
export interface BackoffPolicy {
  firstMs: number;
  maxMs: number;
}

export class Backoff {
  private failures = 0;

  constructor(private readonly policy: BackoffPolicy) {
    if (!(policy.firstMs > 0 && policy.maxMs >= policy.firstMs)) {
      throw new Error(
        `backoff: firstMs must be above 0 and maxMs at least firstMs, got ${policy.firstMs} and ${policy.maxMs}`,
      );
    }
  }

  /** Tries that failed since the last success. */
  get attempts(): number {
    return this.failures;
  }

  /** Count one more failure and return how long to wait before the next try. */
  next(): number {
    const waitMs = Math.min(this.policy.maxMs, this.policy.firstMs * 2 ** this.failures);
    this.failures++;
    return waitMs;
  }

  /** A try succeeded: the next failure waits `firstMs` again. */
  reset(): void {
    this.failures = 0;
  }
}
