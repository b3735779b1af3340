/**
 * Exponentially weighted moving average with weighted samples, as in shaka-player's
 * lib/abr/ewma.js. The half-life is in the unit of the weights (seconds of transfer for
 * throughput, samples for TTFB): after `halfLife` worth of new weight, old data counts half.
 *
 * Zero-factor correction: the average starts at 0, so it is divided by the share of weight
 * seen so far; a single sample therefore gives exactly that sample, not a value dragged to 0.
 */
export class Ewma {
  private readonly alpha: number;
  private estimate = 0;
  private totalWeight = 0;

  constructor(halfLife: number) {
    if (!(halfLife > 0)) throw new Error(`EWMA half-life must be positive, got ${halfLife}`);
    // alpha^halfLife = 0.5
    this.alpha = Math.exp(Math.log(0.5) / halfLife);
  }

  /** Add `value` with `weight` (> 0); non-finite or non-positive weights are ignored. */
  sample(weight: number, value: number): void {
    if (!(weight > 0) || !Number.isFinite(value)) return;
    const adjustedAlpha = this.alpha ** weight;
    this.estimate = value * (1 - adjustedAlpha) + adjustedAlpha * this.estimate;
    this.totalWeight += weight;
  }

  /** The average, or null before any sample. */
  value(): number | null {
    if (this.totalWeight === 0) return null;
    return this.estimate / this.correction();
  }

  /** Lower the average to `value` if it is above it (keeps the accumulated weight). */
  capAt(value: number): void {
    const current = this.value();
    if (current === null || current <= value) return;
    this.estimate = value * this.correction();
  }

  get weight(): number {
    return this.totalWeight;
  }

  private correction(): number {
    return 1 - this.alpha ** this.totalWeight;
  }
}
