import { describe, expect, it } from "vitest";
import {
  type Countdown,
  type CountdownEvent,
  countdownWindowSec,
  HIDDEN,
  isDue,
  nextCountdown,
} from "./countdown.ts";

const media = (currentTime: number, ended = false, durationSec = 60): CountdownEvent => ({
  type: "media",
  currentTime,
  durationSec,
  ended,
});
const run = (events: CountdownEvent[], from: Countdown = HIDDEN) =>
  events.reduce(nextCountdown, from);

describe("next-episode countdown", () => {
  it("stays hidden before the last 10 s", () => {
    expect(run([media(0), media(30), media(49.9)])).toEqual(HIDDEN);
  });

  it("counts down with media time and is due when the video ends", () => {
    const at52 = run([media(45), media(52.3)]);
    expect(at52).toEqual({ phase: "counting", remainingSec: 8, clock: "media" });
    expect(isDue(at52)).toBe(false);
    const ended = run([media(59.5), media(60, true)], at52);
    expect(ended).toMatchObject({ phase: "counting", remainingSec: 0 });
    expect(isDue(ended)).toBe(true);
  });

  it("ignores wall-clock ticks while media time drives it (a pause freezes it)", () => {
    const state = run([media(55), { type: "tick" }, { type: "tick" }]);
    expect(state).toMatchObject({ remainingSec: 5 });
  });

  it("starts a full wall-clock countdown when the viewer jumps straight to the end", () => {
    let state = run([media(10), media(60, true)]);
    expect(state).toEqual({ phase: "counting", remainingSec: 10, clock: "wall" });
    for (let i = 0; i < 9; i++) state = nextCountdown(state, { type: "tick" });
    expect(isDue(state)).toBe(false);
    state = run([media(60, true), { type: "tick" }], state);
    expect(isDue(state)).toBe(true);
    expect(run([{ type: "tick" }], state)).toMatchObject({ remainingSec: 0 });
  });

  it("stays cancelled until the viewer seeks back before the window", () => {
    const cancelled = run([media(55), { type: "cancel" }, media(58), media(60, true)]);
    expect(cancelled).toEqual({ phase: "cancelled" });
    expect(isDue(cancelled)).toBe(false);
    expect(run([media(20)], cancelled)).toEqual(HIDDEN);
    expect(run([media(20), media(56)], cancelled)).toMatchObject({ phase: "counting" });
  });

  it("hides on a seek back and for streams without a duration", () => {
    expect(run([media(55), media(10)])).toEqual(HIDDEN);
    expect(run([media(55), media(5, false, Number.POSITIVE_INFINITY)])).toEqual(HIDDEN);
    expect(run([media(0, false, Number.NaN)])).toEqual(HIDDEN);
  });

  it("a cancel with nothing counting changes nothing", () => {
    expect(run([{ type: "cancel" }])).toEqual(HIDDEN);
  });

  it("uses at most a quarter of a short title", () => {
    expect(countdownWindowSec(600)).toBe(10);
    expect(countdownWindowSec(20)).toBe(5);
    expect(run([media(14, false, 20)])).toEqual(HIDDEN);
    expect(run([media(16, false, 20)])).toMatchObject({ remainingSec: 4 });
  });
});
