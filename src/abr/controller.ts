/**
 * The ABR controller: composes the estimator, the rules and arbiter, abandonment, the
 * appliance selector and the codec choice. Data comes in through method calls, decisions go
 * out as return values, time comes from the injected clock: no DOM, no timers, no fetch.
 */
import { ApplianceSelector } from "./appliances.ts";
import { type CodecChoice, chooseCodec } from "./codec.ts";
import type { AbrConfig } from "./config.ts";
import { PredictionErrors } from "./estimator/prediction.ts";
import {
  type SampleVerdict,
  ThroughputEstimator,
  transferBitsPerSecond,
} from "./estimator/throughput.ts";
import { checkAbandon } from "./rules/abandon.ts";
import { arbitrate } from "./rules/arbiter.ts";
import { efficientLadder } from "./rules/ladder.ts";
import { evaluateRules, type RuleInput } from "./rules/rules.ts";
import type {
  CapabilityResult,
  Clock,
  Decision,
  DecisionContext,
  DecisionInputs,
  ProgressReport,
  ProgressVerdict,
  Rendition,
  SegmentError,
  SegmentLoaded,
  SteeringAnswer,
  VideoCodec,
} from "./types.ts";

/** Key of the prediction errors when no steering answer named an appliance. */
const NO_APPLIANCE = "none";
/** Enough to cover a buffer's worth of segments: only recent segments are ever re-requested. */
const ABANDONED_SEGMENTS_KEPT = 64;

export class AbrController {
  private readonly estimator: ThroughputEstimator;
  private readonly selector: ApplianceSelector;
  private renditions: Rendition[] = [];
  private capabilities: CapabilityResult[] = [];
  private askedCodec: VideoCodec | null = null;
  private codecChoice: CodecChoice = { codec: "h264", reason: "no renditions" };
  /** Renditions of the chosen codec, and the quality-per-bit ladder among them. */
  private codecRenditions: Rendition[] = [];
  private ladder: Rendition[] = [];
  private readonly errors: PredictionErrors;
  private previousRenditionId: string | null = null;
  /** The last decision's segment duration: the fallback for a segment reported without one. */
  private segmentDurationSec = 2;
  private abandonedToId: string | null = null;
  /** Segments already abandoned once (most recent last, bounded). */
  private readonly abandonedSegments: (string | number)[] = [];
  private manualActive = false;
  private readonly log: Decision[] = [];

  constructor(
    private config: AbrConfig,
    private readonly now: Clock,
  ) {
    this.estimator = new ThroughputEstimator(config.estimator);
    this.selector = new ApplianceSelector(config.appliances);
    this.errors = new PredictionErrors(config.rules.predictionErrorHistory);
  }

  /**
   * New rules and abandonment settings, for the next decision on: the planner and the
   * abandonment check read their slices per call, so a running session changes course without
   * a reload. The estimator's and the appliance selector's slices are fixed at construction
   * (their state was built with them), so they stay.
   */
  reconfigure(next: Pick<AbrConfig, "rules" | "abandon">): void {
    this.config = { ...this.config, rules: next.rules, abandon: next.abandon };
    this.rebuildLadder();
  }

  /** The config decisions are made with now. */
  activeConfig(): AbrConfig {
    return this.config;
  }

  /** A new title: new ladder, and its own start (the throughput estimates are kept). */
  setRenditions(renditions: readonly Rendition[]): void {
    this.renditions = [...renditions];
    this.previousRenditionId = null;
    this.abandonedToId = null;
    this.rebuildLadder();
  }

  /** A codec the viewer asked for (null: the controller's own choice); see `chooseCodec`. */
  askForCodec(codec: VideoCodec | null): void {
    this.askedCodec = codec;
    this.rebuildLadder();
  }

  setCapabilities(results: readonly CapabilityResult[]): void {
    this.capabilities = [...results];
    this.rebuildLadder();
  }

  setSteering(answer: SteeringAnswer): void {
    this.selector.setSteering(answer, this.now());
  }

  needsSteeringRefresh(): boolean {
    return this.selector.needsSteeringRefresh(this.now());
  }

  codec(): CodecChoice {
    return this.codecChoice;
  }

  /** Choose rendition and appliance for the next segment. */
  decide(context: DecisionContext): Decision {
    if (this.ladder.length === 0) throw new Error("AbrController.decide: no renditions set");
    const nowMs = this.now();
    const appliance = this.selector.select(nowMs);
    const { input, estimate, ttfbMs } = this.ruleInput(context, appliance.applianceId);
    const outcomes = evaluateRules(input, this.config.rules);
    const result = arbitrate(outcomes);
    const rendition = input.ladder[result.index] ?? input.ladder[0]!;

    const currentIndex = input.currentIndex;
    this.errors.predicted(appliance.applianceId ?? NO_APPLIANCE, estimate.bitsPerSecond);
    this.segmentDurationSec = context.segmentDurationSec;
    this.previousRenditionId = rendition.id;
    this.abandonedToId = null;
    this.manualActive = result.rule === "manual";

    const inputs: DecisionInputs = {
      bufferSec: input.bufferSec,
      playbackRate: input.playbackRate,
      segmentDurationSec: input.segmentDurationSec,
      estimateBitsPerSecond: estimate.bitsPerSecond,
      estimateSource: estimate.source,
      ttfbMs,
      codec: this.codecChoice.codec,
      codecReason: this.codecChoice.reason,
      ladder: input.ladder.map((r) => r.id),
      previousRenditionId: currentIndex === null ? null : (input.ladder[currentIndex]?.id ?? null),
      rules: outcomes,
    };
    return this.record({
      kind: "segment",
      renditionId: rendition.id,
      applianceId: appliance.applianceId,
      applianceBaseUrl: appliance.baseUrl,
      probe: appliance.probe,
      reason: `${result.rule}: ${result.reason}; appliance: ${appliance.reason}`,
      inputs,
      atMs: nowMs,
    });
  }

  /**
   * The appliance requests should go to now, without deciding a rendition or logging a
   * decision: for an engine whose own ABR picks renditions (kept for comparison), so that it
   * is routed, shaped and failed over like ours.
   */
  routeAppliance(): { applianceId: string | null; applianceBaseUrl: string | null } {
    const choice = this.selector.select(this.now());
    return { applianceId: choice.applianceId, applianceBaseUrl: choice.baseUrl };
  }

  /** Progress of the download in flight: may lower the estimate, may abandon it. */
  onProgress(progress: ProgressReport): ProgressVerdict {
    this.estimator.onProgress(
      progress.applianceId,
      progress.loadedBytes,
      progress.elapsedMs,
      progress.firstByteMs,
    );
    // A rendition the viewer fixed is never swapped behind their back.
    if (this.manualActive) return { abandon: false };
    const key = progress.segmentKey;
    // Its replacement is the segment's last chance: a third request of one segment only ever
    // lost more bytes (seen: 5 aborts in a minute on a link below the lowest rung).
    if (key !== undefined && this.abandonedSegments.includes(key)) return { abandon: false };
    const ttfbMs = this.estimator.ttfbMs(progress.applianceId);
    const verdict = checkAbandon(
      {
        ladder: this.ladder,
        renditionId: progress.renditionId,
        loadedBytes: progress.loadedBytes,
        totalBytes: progress.totalBytes ?? null,
        elapsedMs: progress.elapsedMs,
        firstByteMs: progress.firstByteMs,
        bufferSec: progress.bufferSec,
        playbackRate: progress.playbackRate ?? 1,
        segmentDurationSec: progress.segmentDurationSec,
        ttfbSec: ttfbMs / 1000,
      },
      this.config.abandon,
      this.config.rules,
    );
    if (verdict.abandon) {
      this.recordAbandon(progress, verdict.switchTo, verdict.reason, ttfbMs);
      if (key !== undefined) {
        this.abandonedSegments.push(key);
        if (this.abandonedSegments.length > ABANDONED_SEGMENTS_KEPT) this.abandonedSegments.shift();
      }
    }
    return verdict;
  }

  /** A completed download. Returns how the estimator treated the sample. */
  onSegmentLoaded(segment: SegmentLoaded): SampleVerdict {
    const verdict = this.estimator.onDownload(segment.applianceId, segment);
    this.selector.onSuccess(segment.applianceId);
    if (verdict === "counted") {
      this.errors.observed(segment.applianceId, transferBitsPerSecond(segment));
      this.selector.onMeasured(
        segment.applianceId,
        (id) => this.estimator.measured(id),
        this.now(),
      );
    }
    return verdict;
  }

  /** A failed download: the appliance goes to the penalty box; the next decide fails over. */
  onSegmentError(error: SegmentError): void {
    const cause = error.kind === "http" ? `HTTP ${error.status ?? "error"}` : error.kind;
    this.selector.onFailure(error.applianceId, cause, this.now());
  }

  /** The decision log, oldest first (the last `decisionLogSize`). */
  decisions(): Decision[] {
    return [...this.log];
  }

  estimateBitsPerSecond(applianceId?: string): number {
    return this.estimator.estimate(applianceId).bitsPerSecond;
  }

  /** An appliance's own measured throughput, or null (for remembering it across sessions). */
  measuredBitsPerSecond(applianceId: string): number | null {
    return this.estimator.measured(applianceId);
  }

  /**
   * Start from what an earlier session measured on this appliance (remembered by the app),
   * worth `weightSec` seconds of transfer. Call before the first decision.
   */
  seedEstimate(applianceId: string, bitsPerSecond: number, weightSec: number): void {
    this.estimator.seed(applianceId, bitsPerSecond, weightSec);
  }

  /** Everything the rules see, from the context, the estimator and the controller's state. */
  private ruleInput(context: DecisionContext, applianceId: string | null) {
    const estimate = this.estimator.estimate(applianceId);
    const ttfbMs = this.estimator.ttfbMs(applianceId);
    const manualId = context.manualRenditionId ?? null;
    const ladder = this.ladderWith(manualId);
    const input: RuleInput = {
      ladder,
      currentIndex: this.indexIn(ladder, this.previousRenditionId),
      bufferSec: Math.max(0, context.bufferSec),
      playbackRate: context.playbackRate ?? 1,
      segmentDurationSec: context.segmentDurationSec,
      estimateBitsPerSecond: estimate.bitsPerSecond,
      maxPredictionError: this.errors.maxError(applianceId ?? NO_APPLIANCE),
      ttfbSec: ttfbMs / 1000,
      manualRenditionId: manualId,
      pictureHeight: context.pictureHeight ?? null,
      abandonedToIndex: this.indexIn(ladder, this.abandonedToId),
    };
    return { input, estimate, ttfbMs };
  }

  private rebuildLadder(): void {
    this.codecChoice = chooseCodec(this.renditions, this.capabilities, this.askedCodec);
    this.codecRenditions = this.renditions.filter((r) => r.codec === this.codecChoice.codec);
    this.ladder = efficientLadder(this.codecRenditions, this.config.rules);
  }

  /** The ladder, plus the manual rendition if quality-per-bit pruning had taken it out. */
  private ladderWith(manualId: string | null): Rendition[] {
    const manual = this.codecRenditions.find((r) => r.id === manualId);
    if (!manual || this.ladder.includes(manual)) return this.ladder;
    return [...this.ladder, manual].sort((a, b) => a.averageBitrateBps - b.averageBitrateBps);
  }

  /** Index of `id` in the ladder; for a rendition not in it, the highest one not above it. */
  private indexIn(ladder: readonly Rendition[], id: string | null): number | null {
    if (id === null) return null;
    const exact = ladder.findIndex((r) => r.id === id);
    if (exact >= 0) return exact;
    const bitrate = this.renditions.find((r) => r.id === id)?.averageBitrateBps ?? 0;
    return Math.max(0, ladder.filter((r) => r.averageBitrateBps <= bitrate).length - 1);
  }

  private recordAbandon(p: ProgressReport, switchTo: string, why: string, ttfbMs: number): void {
    this.abandonedToId = switchTo;
    this.previousRenditionId = switchTo;
    const estimate = this.estimator.estimate(p.applianceId);
    this.record({
      kind: "abandon",
      renditionId: switchTo,
      applianceId: p.applianceId,
      applianceBaseUrl:
        this.log.findLast((d) => d.applianceId === p.applianceId)?.applianceBaseUrl ?? null,
      probe: false,
      reason: `abandon ${p.renditionId}: ${why}`,
      inputs: {
        bufferSec: p.bufferSec,
        playbackRate: p.playbackRate ?? 1,
        segmentDurationSec: p.segmentDurationSec,
        estimateBitsPerSecond: estimate.bitsPerSecond,
        estimateSource: estimate.source,
        ttfbMs,
        codec: this.codecChoice.codec,
        codecReason: this.codecChoice.reason,
        ladder: this.ladder.map((r) => r.id),
        previousRenditionId: p.renditionId,
        rules: [],
      },
      atMs: this.now(),
    });
  }

  private record(decision: Decision): Decision {
    this.log.push(decision);
    const excess = this.log.length - this.config.decisionLogSize;
    if (excess > 0) this.log.splice(0, excess);
    return decision;
  }
}
