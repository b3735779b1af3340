import { describe, expect, it } from "vitest";
import { FreezeWatchdog, type PlaybackState, type RecoveryStep } from "./freeze-watchdog.ts";

const playing = (over: Partial<PlaybackState> = {}): PlaybackState => ({
  currentTime: 0,
  paused: false,
  pauseIntended: false,
  ended: false,
  bufferAheadSec: 0,
  gapAheadSec: null,
  lastByteAtMs: null,
  started: true,
  ...over,
});

function setup() {
  const log: string[] = [];
  const steps: RecoveryStep[] = [];
  const watchdog = new FreezeWatchdog({
    froze: (since, at, position) => log.push(`froze ${since} ${at} ${position}`),
    recover: (step) => {
      steps.push(step);
      log.push(`recover ${step}`);
    },
    thawed: (at, frozenMs) => log.push(`thawed ${at} ${frozenMs}`),
  });
  /** Feeds one look every 250 ms from `fromMs` to `toMs`. */
  const run = (fromMs: number, toMs: number, state: (t: number) => PlaybackState) => {
    for (let t = fromMs; t <= toMs; t += 250) watchdog.check(state(t), t);
  };
  return { log, steps, run };
}

describe("FreezeWatchdog", () => {
  it("stays quiet while media time moves, and while paused by the viewer, ended or starting", () => {
    const { log, run } = setup();
    run(0, 10_000, (t) => playing({ currentTime: t / 1000 }));
    run(10_250, 20_000, () => playing({ currentTime: 10, paused: true, pauseIntended: true }));
    run(20_250, 30_000, () => playing({ currentTime: 10, ended: true }));
    // A seek moves the time; its wait for data is watched like playback.
    run(30_250, 31_500, (t) => playing({ currentTime: 10 + (t - 30_000) / 1000 }));
    run(31_750, 50_000, () => playing({ currentTime: 10, started: false }));
    expect(log).toEqual([]);
  });

  it("finds a silent freeze after 2 s, nudges when media is buffered ahead, and sees it end", () => {
    const { log, steps, run } = setup();
    run(0, 4_000, (t) => playing({ currentTime: t / 1000 }));
    // Time stops at 4 s with 6 s buffered ahead (a decoder that did not resume).
    run(4_250, 6_500, () => playing({ currentTime: 4, bufferAheadSec: 6, lastByteAtMs: 4_000 }));
    expect(log[0]).toBe("froze 4000 6000 4");
    expect(steps).toEqual(["nudge"]);
    run(6_750, 8_000, (t) => playing({ currentTime: 4 + (t - 6_500) / 1000 }));
    expect(log.at(-1)).toBe("thawed 6750 2750");
  });

  it("jumps a gap just ahead of the playhead", () => {
    const { steps, run } = setup();
    run(0, 3_000, () => playing({ currentTime: 4, gapAheadSec: 0.2, lastByteAtMs: 0 }));
    expect(steps).toEqual(["nudge"]);
  });

  it("loads again elsewhere when nothing is buffered and no byte came for 2 s", () => {
    const { steps, run } = setup();
    run(0, 2_000, (t) => playing({ currentTime: t / 1000, lastByteAtMs: 1_000 }));
    run(2_250, 5_000, () => playing({ currentTime: 2, lastByteAtMs: 1_000 }));
    expect(steps).toEqual(["refetch"]);
    // Each step gets 2 s to work before the next.
    run(5_250, 7_000, () => playing({ currentTime: 2, lastByteAtMs: 1_000 }));
    expect(steps).toEqual(["refetch", "refetch"]);
  });

  it("only counts a rebuffer while bytes are still arriving: refetching would lose them", () => {
    const { log, steps, run } = setup();
    run(0, 2_000, (t) => playing({ currentTime: t / 1000 }));
    run(2_250, 12_000, (t) => playing({ currentTime: 2, lastByteAtMs: t - 100 }));
    expect(log[0]).toMatch(/^froze 2000/);
    expect(steps).toEqual([]);
  });

  it("refetches buffered media that two nudges did not start", () => {
    const { steps, run } = setup();
    run(0, 7_000, () => playing({ currentTime: 3, bufferAheadSec: 5, lastByteAtMs: 0 }));
    expect(steps).toEqual(["nudge", "nudge", "refetch"]);
  });

  it("plays again a pause nobody asked for, before anything else", () => {
    const { log, steps, run } = setup();
    run(0, 4_000, (t) => playing({ currentTime: t / 1000 }));
    // The engine rebuilt its media source and the element came back paused.
    run(4_250, 6_500, () => playing({ currentTime: 4, paused: true, lastByteAtMs: 0 }));
    expect(log[0]).toMatch(/^froze 4000/);
    expect(steps).toEqual(["play"]);
  });

  it("a pause during a freeze ends it: the viewer took over", () => {
    const { log, run } = setup();
    run(0, 3_000, () => playing({ currentTime: 1, bufferAheadSec: 3 }));
    run(3_250, 3_250, () => playing({ currentTime: 1, paused: true, pauseIntended: true }));
    expect(log.at(-1)).toMatch(/^thawed 3250/);
  });
});
