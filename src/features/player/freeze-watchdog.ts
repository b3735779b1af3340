/**
 * The freeze watchdog: playback that stops without saying so is the worst thing a viewer can
 * meet, so the player checks for it itself rather than trusting the engine and the element's
 * events. Engine-free: the session hook feeds it the element's state a few times a second, and
 * it answers what to do.
 *
 * A freeze: media time has not advanced for `thresholdMs` after the first frame while the
 * element is neither ended nor paused by the viewer. Then, one step at a time,
 * each given time to work:
 *
 * - `play`: the element is paused though nobody asked (an engine that rebuilt its media source
 *   to get past a bad segment can leave it so): play again.
 * - `nudge`: media is buffered at or just past the playhead and still nothing moves (a gap, a
 *   decoder that did not resume): seek by a hair, as hls.js's gap controller does; after two
 *   nudges that did not help, `refetch` instead.
 * - `refetch`: nothing buffered ahead and no byte arrived for the threshold either (an
 *   appliance that stopped sending, or an engine that stopped loading): give up the download,
 *   send the appliance to the penalty box, and load again from the playhead elsewhere.
 * - nothing, while bytes are still arriving: that is an ordinary rebuffer on a slow link, which
 *   only needs counting; refetching would throw away what is on its way.
 *
 * Every freeze is reported once when it begins (so it counts as a stall even when the element
 * never fired `waiting`) and once when it ends.
 */

/** The element's state the watchdog reads, plus when the last byte of media arrived. */
export interface PlaybackState {
  currentTime: number;
  /** The element is paused. */
  paused: boolean;
  /** ...and the viewer asked for it (our controls, the picture-in-picture window), or the page
   * is hidden: a pause nobody asked for (an engine rebuilding its media source leaves one
   * behind) is a freeze like any other. */
  pauseIntended: boolean;
  ended: boolean;
  /** Seconds buffered from the playhead on (gaps up to a hole's width bridged). */
  bufferAheadSec: number;
  /** Seconds from the playhead to the next buffered range when the playhead sits in a gap;
   * null when it does not. */
  gapAheadSec: number | null;
  /** When the last byte of media arrived (the watchdog's clock), null when never. */
  lastByteAtMs: number | null;
  /** A first frame has been shown: before it, waiting is startup, not a freeze. */
  started: boolean;
}

export type RecoveryStep = "play" | "nudge" | "refetch";

export interface WatchdogEvents {
  /** A freeze is found at `atMs`: media time has stood still at `positionSec` since `sinceMs`. */
  froze(sinceMs: number, atMs: number, positionSec: number): void;
  /** Do this now to get playback going again. */
  recover(step: RecoveryStep, frozenMs: number): void;
  /** Media time advances again after a freeze of `frozenMs`. */
  thawed(atMs: number, frozenMs: number): void;
}

export interface WatchdogConfig {
  /** Media time standing still this long is a freeze (the brief: 2 s). */
  thresholdMs: number;
  /** Time a recovery step is given before the next one is tried. */
  stepMs: number;
  /** Media buffered this close to the playhead counts as "there": a nudge can reach it. */
  reachableSec: number;
}

export const DEFAULT_WATCHDOG: WatchdogConfig = {
  thresholdMs: 2_000,
  stepMs: 2_000,
  reachableSec: 0.5,
};

/** Nudges tried on buffered media before loading it again instead. */
const MAX_NUDGES = 2;

export class FreezeWatchdog {
  private lastTime: number | null = null;
  private lastMoveAtMs = 0;
  private frozenSinceMs: number | null = null;
  private lastStepAtMs = 0;
  private nudges = 0;

  constructor(
    private readonly events: WatchdogEvents,
    private readonly config: WatchdogConfig = DEFAULT_WATCHDOG,
  ) {}

  /** Feed one look at the element, at `nowMs`. */
  check(state: PlaybackState, nowMs: number): void {
    const moved = this.lastTime === null || state.currentTime !== this.lastTime;
    // A seek that waits for data is watched like playback: one that never completes (seen after
    // an engine rebuilt its media source) is a freeze too.
    const idle = (state.paused && state.pauseIntended) || state.ended || !state.started;
    this.lastTime = state.currentTime;
    if (moved || idle) {
      this.lastMoveAtMs = nowMs;
      if (this.frozenSinceMs !== null) {
        // A pause during a freeze ends it too: the viewer took over.
        this.events.thawed(nowMs, nowMs - this.frozenSinceMs);
        this.frozenSinceMs = null;
      }
      return;
    }
    const stillMs = nowMs - this.lastMoveAtMs;
    if (stillMs < this.config.thresholdMs) return;
    if (this.frozenSinceMs === null) {
      this.frozenSinceMs = this.lastMoveAtMs;
      this.lastStepAtMs = nowMs - this.config.stepMs;
      this.nudges = 0;
      this.events.froze(this.lastMoveAtMs, nowMs, state.currentTime);
    }
    if (nowMs - this.lastStepAtMs < this.config.stepMs) return;
    const step = this.stepFor(state, nowMs);
    if (step === null) return;
    this.lastStepAtMs = nowMs;
    this.events.recover(step, nowMs - this.frozenSinceMs);
  }

  private stepFor(state: PlaybackState, nowMs: number): RecoveryStep | null {
    if (state.paused) return "play";
    const reachable =
      state.bufferAheadSec > this.config.reachableSec ||
      (state.gapAheadSec !== null && state.gapAheadSec <= this.config.reachableSec);
    // Media is there and a nudge did not start it: load it again (it may be what is broken).
    if (reachable && this.nudges >= MAX_NUDGES) return "refetch";
    if (reachable) {
      this.nudges += 1;
      return "nudge";
    }
    const starvedMs = state.lastByteAtMs === null ? Infinity : nowMs - state.lastByteAtMs;
    return starvedMs >= this.config.thresholdMs ? "refetch" : null;
  }
}
