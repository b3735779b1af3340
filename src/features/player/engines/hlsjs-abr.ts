/**
 * Our controller in hls.js's `abrController` slot: hls.js reads `nextAutoLevel` before loading
 * and `firstAutoLevel` at start, and other hls.js controllers read `hls.bandwidthEstimate` and
 * `ttfbEstimate` through `bwEstimator` (NaN unless the slot provides one). The answers come from
 * the adapter (`AbrSlotHooks`); nothing is decided here.
 */
import type {
  EwmaBandWidthEstimator,
  default as Hls,
  AbrController as HlsAbrController,
} from "hls.js";

export interface AbrSlotHooks {
  /** The level to load next (our decision's). */
  nextLevel(): number;
  /** A level hls.js forced (error recovery), or -1. */
  forcedLevel(): number;
  /** hls.js set `nextAutoLevel` (an echo of ours, or a level it forces). */
  levelSet(level: number): void;
  estimateBps(): number;
  ttfbMs(): number;
  defaultEstimateBps(): number;
}

/** The class hls.js instantiates for its `abrController` config option. */
export function abrControllerFor(hooks: AbrSlotHooks): typeof HlsAbrController {
  class OurAbr {
    /** hls.js's estimator type has private fields, so an object can only be cast to it. */
    readonly bwEstimator = {
      getEstimate: () => hooks.estimateBps(),
      getEstimateTTFB: () => hooks.ttfbMs(),
      canEstimate: () => true,
      get defaultEstimate() {
        return hooks.defaultEstimateBps();
      },
      // Samples come from our loader; hls.js's calls are not needed.
      sample: () => {},
      sampleTTFB: () => {},
      update: () => {},
      destroy: () => {},
    } as unknown as EwmaBandWidthEstimator;

    // hls.js passes itself; everything needed is in the hooks.
    // biome-ignore lint/complexity/noUselessConstructor: documents the contract hls.js calls.
    constructor(_hls: Hls) {}

    get firstAutoLevel(): number {
      return hooks.nextLevel();
    }

    get forcedAutoLevel(): number {
      return hooks.forcedLevel();
    }

    get nextAutoLevel(): number {
      return hooks.nextLevel();
    }

    set nextAutoLevel(level: number) {
      hooks.levelSet(level);
    }

    /** `hls.bandwidthEstimate = x`: the estimate is the controller's, measured, not set. */
    resetEstimator(_abrEwmaDefaultEstimate?: number): void {}

    clearTimer(): void {}

    destroy(): void {}
  }
  // Config types the slot as hls.js's class; ours implements what hls.js calls.
  return OurAbr as unknown as typeof HlsAbrController;
}
