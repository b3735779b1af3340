/**
 * Throughput and TTFB estimates per appliance, plus a global one fed by every appliance.
 *
 * - Throughput: two EWMAs (fast, slow) weighted by transfer seconds; the estimate is their
 *   minimum (shaka-player): it falls with the fast one and climbs with the slow one.
 * - Transfer time excludes TTFB, which has its own average; a download is predicted to take
 *   `ttfb + size / throughput`.
 * - Samples not counted for throughput (TTFB still counts):
 *   - `fromCache`: a local or browser cache says nothing about the network;
 *   - under `minSampleBytes`: timer and slow-start noise dominate;
 *   - implausible bursts: over `cacheHitRateFactor` x the estimate and transferred in under
 *     `cacheHitMaxTransferMs` look like undeclared cache hits; after `cacheHitBelieveAfter` of
 *     them in a row the next one is believed (a link that fast is real).
 *   Short but plausible downloads count, with their small natural weight (transfer seconds).
 * - In-download drop: `onProgress` caps the estimate at the rate measured so far when that is
 *   under `progressDropRatio` x the estimate, so decisions react before the download ends.
 * - A figure remembered from an earlier session can seed an appliance (`seed`): it counts as a
 *   few seconds of transfer, so it sets the start and then fades.
 * - Lookup falls back appliance -> global -> configured default.
 */
import type { EstimatorConfig } from "../config.ts";
import type { EstimateSource } from "../types.ts";
import { Ewma } from "./ewma.ts";

class LinkAverage {
  readonly fast: Ewma;
  readonly slow: Ewma;
  readonly ttfb: Ewma;
  implausibleInARow = 0;
  /** False while the only throughput data is a remembered figure (`seed`). */
  measured = false;

  constructor(config: EstimatorConfig) {
    this.fast = new Ewma(config.fastHalfLifeSec);
    this.slow = new Ewma(config.slowHalfLifeSec);
    this.ttfb = new Ewma(config.ttfbHalfLifeSamples);
  }

  bitsPerSecond(): number | null {
    const fast = this.fast.value();
    const slow = this.slow.value();
    return fast === null || slow === null ? null : Math.min(fast, slow);
  }

  addRate(transferSec: number, bitsPerSecond: number): void {
    this.fast.sample(transferSec, bitsPerSecond);
    this.slow.sample(transferSec, bitsPerSecond);
  }

  capAt(bitsPerSecond: number): void {
    this.fast.capAt(bitsPerSecond);
    this.slow.capAt(bitsPerSecond);
  }
}

export interface DownloadSample {
  sizeBytes: number;
  ttfbMs: number;
  /** Request sent to last byte (includes `ttfbMs`). */
  durationMs: number;
  fromCache?: boolean;
}

/** Time from first to last byte (at least 1 ms): the TTFB is the server's, not the link's. */
export function transferMsOf(sample: DownloadSample): number {
  return Math.max(1, sample.durationMs - sample.ttfbMs);
}

/** The rate a download measured over its transfer. */
export function transferBitsPerSecond(sample: DownloadSample): number {
  return (sample.sizeBytes * 8 * 1000) / transferMsOf(sample);
}

/** Why a sample did or did not move the throughput estimate. */
export type SampleVerdict = "counted" | "from-cache" | "too-small" | "implausible";

export interface Estimate {
  bitsPerSecond: number;
  source: EstimateSource;
}

export class ThroughputEstimator {
  private readonly links = new Map<string, LinkAverage>();
  private readonly global: LinkAverage;

  constructor(private readonly config: EstimatorConfig) {
    this.global = new LinkAverage(config);
  }

  /** Feed one completed download. */
  onDownload(applianceId: string, sample: DownloadSample): SampleVerdict {
    const link = this.link(applianceId);
    if (sample.fromCache) return "from-cache";
    link.ttfb.sample(1, Math.max(0, sample.ttfbMs));
    this.global.ttfb.sample(1, Math.max(0, sample.ttfbMs));
    if (sample.sizeBytes < this.config.minSampleBytes) return "too-small";

    // 1 ms floor: a timer can report 0 for a download that did take time.
    const transferMs = transferMsOf(sample);
    const bitsPerSecond = transferBitsPerSecond(sample);
    if (this.looksLikeCacheHit(link, bitsPerSecond, transferMs)) return "implausible";

    link.addRate(transferMs / 1000, bitsPerSecond);
    this.global.addRate(transferMs / 1000, bitsPerSecond);
    link.measured = true;
    this.global.measured = true;
    return "counted";
  }

  /**
   * Start an appliance's estimate (and the global one, when it has nothing) from a figure
   * remembered from an earlier session, worth `weightSec` seconds of transfer: it sets the
   * first decision, and the first real samples soon outweigh it. Ignored once anything was
   * measured or seeded there.
   */
  seed(applianceId: string, bitsPerSecond: number, weightSec: number): void {
    if (!(bitsPerSecond > 0) || !(weightSec > 0)) return;
    for (const link of [this.link(applianceId), this.global]) {
      if (link.bitsPerSecond() === null) link.addRate(weightSec, bitsPerSecond);
    }
  }

  /**
   * Feed progress of the download in flight. Returns the measured rate when it lowered the
   * estimate, else null.
   */
  onProgress(
    applianceId: string,
    loadedBytes: number,
    elapsedMs: number,
    firstByteMs: number | null,
  ): number | null {
    if (firstByteMs === null || loadedBytes < this.config.minSampleBytes) return null;
    const transferMs = elapsedMs - firstByteMs;
    if (transferMs < this.config.progressMinTransferMs) return null;
    const measured = (loadedBytes * 8 * 1000) / transferMs;
    const link = this.link(applianceId);
    const current = link.bitsPerSecond();
    if (current === null || measured >= current * this.config.progressDropRatio) return null;
    link.capAt(measured);
    // A drop is most often the viewer's own link, which every appliance shares.
    this.global.capAt(measured);
    return measured;
  }

  /** Throughput for an appliance, falling back to the global estimate, then the default. */
  estimate(applianceId?: string | null): Estimate {
    const link = applianceId == null ? undefined : this.links.get(applianceId);
    const own = link?.bitsPerSecond() ?? null;
    if (link && own !== null) {
      return { bitsPerSecond: own, source: link.measured ? "appliance" : "remembered" };
    }
    const global = this.global.bitsPerSecond();
    if (global !== null) {
      return { bitsPerSecond: global, source: this.global.measured ? "global" : "remembered" };
    }
    return { bitsPerSecond: this.config.defaultBitsPerSecond, source: "default" };
  }

  /** The appliance's own measured estimate only (no fallback, no remembered figure), for
   * comparing appliances and for remembering. */
  measured(applianceId: string): number | null {
    const link = this.links.get(applianceId);
    return link?.measured ? link.bitsPerSecond() : null;
  }

  ttfbMs(applianceId?: string | null): number {
    const own = applianceId == null ? null : (this.links.get(applianceId)?.ttfb.value() ?? null);
    return own ?? this.global.ttfb.value() ?? this.config.defaultTtfbMs;
  }

  private looksLikeCacheHit(link: LinkAverage, bitsPerSecond: number, transferMs: number): boolean {
    const current = link.bitsPerSecond();
    const implausible =
      current !== null &&
      transferMs < this.config.cacheHitMaxTransferMs &&
      bitsPerSecond > current * this.config.cacheHitRateFactor;
    if (!implausible) {
      link.implausibleInARow = 0;
      return false;
    }
    link.implausibleInARow += 1;
    return link.implausibleInARow <= this.config.cacheHitBelieveAfter;
  }

  private link(applianceId: string): LinkAverage {
    let link = this.links.get(applianceId);
    if (!link) {
      link = new LinkAverage(this.config);
      this.links.set(applianceId, link);
    }
    return link;
  }
}
