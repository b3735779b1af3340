/**
 * The next-episode countdown as a pure state machine. While the end plays, media time drives it
 * (pausing pauses it, seeking moves it); once the video has ended, a wall clock does (one
 * `tick` a second), so a viewer who jumps to the end still gets the full countdown.
 */

export type Countdown =
  | { phase: "hidden" }
  | { phase: "counting"; remainingSec: number; clock: "media" | "wall" }
  | { phase: "cancelled" };

export type CountdownEvent =
  | { type: "media"; currentTime: number; durationSec: number; ended: boolean }
  | { type: "tick" }
  | { type: "cancel" };

export const HIDDEN: Countdown = { phase: "hidden" };

/** The last ~10 s, but never more than a quarter of a short title. */
export function countdownWindowSec(durationSec: number, maxSec = 10): number {
  return Math.min(maxSec, durationSec / 4);
}

export function nextCountdown(state: Countdown, event: CountdownEvent): Countdown {
  switch (event.type) {
    case "cancel":
      return state.phase === "counting" ? { phase: "cancelled" } : state;
    case "tick":
      return state.phase === "counting" && state.clock === "wall"
        ? { ...state, remainingSec: Math.max(0, state.remainingSec - 1) }
        : state;
    case "media": {
      const { currentTime, durationSec, ended } = event;
      if (!Number.isFinite(durationSec) || durationSec <= 0) return HIDDEN;
      const windowSec = countdownWindowSec(durationSec);
      const left = durationSec - currentTime;
      // Back before the window (a seek back): hide, and forget a cancel.
      if (!ended && left > windowSec) return state.phase === "hidden" ? state : HIDDEN;
      if (state.phase === "cancelled") return state;
      if (ended) {
        if (state.phase === "counting") {
          // Played through: the media countdown has run out. Already ended: keep counting.
          return state.clock === "media" ? { ...state, remainingSec: 0 } : state;
        }
        return { phase: "counting", remainingSec: Math.ceil(windowSec), clock: "wall" };
      }
      const remainingSec = Math.max(0, Math.ceil(left));
      if (
        state.phase === "counting" &&
        state.clock === "media" &&
        state.remainingSec === remainingSec
      )
        return state;
      return { phase: "counting", remainingSec, clock: "media" };
    }
  }
}

/** At zero, the next episode starts. */
export const isDue = (state: Countdown) => state.phase === "counting" && state.remainingSec <= 0;
