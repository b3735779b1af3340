/**
 * Our controller in shaka's `abrFactory` slot: shaka's AbrManager contract, answered with the
 * adapter's decisions (`AbrHost`). Holds no policy: shaka's `abr` configuration
 * (SimpleAbrManager's targets, restrictToElementSize…) is ignored.
 */
import type shakaNs from "shaka-player";
import type { Decision } from "../../../abr/types.ts";

type Variant = shakaNs.extern.Variant;
type Request = shakaNs.extern.Request;
type RequestContext = shakaNs.extern.RequestContext;
type SwitchCallback = shakaNs.extern.AbrManager.SwitchCallback;

/** What the ABR manager needs from the adapter. */
export interface AbrHost {
  decide(): Decision | null;
  variantFor(decision: Decision, variants: readonly Variant[], current: Variant | null): Variant;
  onVariants(variants: readonly Variant[]): void;
  onProgress(numBytes: number, request?: Request, context?: RequestContext): void;
  estimateBps(): number;
}

/** shaka's AbrManager, answering with our controller's decisions. */
export class OurAbrManager implements shakaNs.extern.AbrManager {
  private switchCallback: SwitchCallback | null = null;
  private variants: Variant[] = [];
  private current: Variant | null = null;
  enabled = false;
  playbackRate = 1;

  constructor(private readonly host: AbrHost) {}

  init(switchCallback: SwitchCallback): void {
    this.switchCallback = switchCallback;
  }

  stop(): void {
    this.switchCallback = null;
    this.enabled = false;
    this.variants = [];
    this.current = null;
  }

  release(): void {
    this.stop();
  }

  setVariants(variants: Variant[], _isLowLatency: boolean): boolean {
    const same =
      variants.length === this.variants.length && variants.every((v) => this.variants.includes(v));
    if (same) return false;
    this.variants = variants;
    this.host.onVariants(variants);
    return true;
  }

  chooseVariant(_preferFastSwitching?: boolean): Variant {
    const decision = this.host.decide();
    const lowest = [...this.variants].sort((a, b) => a.bandwidth - b.bandwidth)[0];
    const chosen = decision
      ? this.host.variantFor(decision, this.variants, this.current)
      : (this.current ?? lowest);
    // shaka never calls this before setVariants with at least one playable variant.
    this.current = chosen ?? lowest!;
    return this.current;
  }

  enable(): void {
    this.enabled = true;
  }

  disable(): void {
    this.enabled = false;
  }

  /** Called per progress chunk (or once per segment without progress): bytes of this chunk. */
  segmentDownloaded(
    _deltaTimeMs: number,
    numBytes: number,
    _allowSwitch: boolean,
    request?: Request,
    context?: RequestContext,
  ): void {
    if (this.enabled) this.host.onProgress(numBytes, request, context);
  }

  trySuggestStreams(): void {
    this.suggest();
  }

  getBandwidthEstimate(): number {
    return this.host.estimateBps();
  }

  playbackRateChanged(rate: number): void {
    this.playbackRate = rate;
  }

  setMediaElement(_mediaElement: HTMLMediaElement | null): void {
    // The session reads the player's state through its MediaView; nothing to keep here.
  }

  setCmsdManager(_cmsdManager: shakaNs.util.CmsdManager | null): void {
    // Appliances are chosen by our steering answer; CMSD hints are not used.
  }

  configure(_config: shakaNs.extern.AbrConfiguration): void {
    // Our tunables live in `AbrConfig`; shaka's abr section does not apply.
  }

  /** Decide now and switch if the decision names another variant. */
  suggest(clearBuffer = false, safeMarginSec?: number): void {
    if (!this.enabled || !this.switchCallback || this.variants.length === 0) return;
    const decision = this.host.decide();
    if (decision) this.switchTo(decision, clearBuffer, safeMarginSec);
  }

  /** Switch to `decision`'s rendition (also used for an abandonment's decision). */
  switchTo(decision: Decision, clearBuffer: boolean, safeMarginSec?: number): void {
    if (!this.switchCallback) return;
    const variant = this.host.variantFor(decision, this.variants, this.current);
    const same =
      variant.video?.id === this.current?.video?.id &&
      variant.audio?.id === this.current?.audio?.id;
    this.current = variant;
    // The same streams (a variant list rebuilt with new objects) are no switch: shaka would
    // drop what it has in flight for them.
    if (!same || clearBuffer) this.switchCallback(variant, clearBuffer, safeMarginSec);
  }
}
