import { describe, expect, it } from "vitest";
import { actionForKey, clampTime, clampVolume, SPEEDS, stepSpeed } from "./shortcuts.ts";

describe("actionForKey", () => {
  it("maps the player keys", () => {
    expect(actionForKey({ key: " " })).toEqual({ type: "togglePlay" });
    expect(actionForKey({ key: "k" })).toEqual({ type: "togglePlay" });
    expect(actionForKey({ key: "K", shiftKey: true })).toEqual({ type: "togglePlay" });
    expect(actionForKey({ key: "f" })).toEqual({ type: "toggleFullscreen" });
    expect(actionForKey({ key: "m" })).toEqual({ type: "toggleMute" });
    expect(actionForKey({ key: "ArrowLeft" })).toEqual({ type: "seekBy", seconds: -5 });
    expect(actionForKey({ key: "ArrowRight" })).toEqual({ type: "seekBy", seconds: 5 });
    expect(actionForKey({ key: "j" })).toEqual({ type: "seekBy", seconds: -10 });
    expect(actionForKey({ key: "l" })).toEqual({ type: "seekBy", seconds: 10 });
    expect(actionForKey({ key: "ArrowUp" })).toEqual({ type: "volumeBy", delta: 0.05 });
    expect(actionForKey({ key: "ArrowDown" })).toEqual({ type: "volumeBy", delta: -0.05 });
    expect(actionForKey({ key: ">", shiftKey: true })).toEqual({ type: "speedStep", direction: 1 });
    expect(actionForKey({ key: "<", shiftKey: true })).toEqual({
      type: "speedStep",
      direction: -1,
    });
    expect(actionForKey({ key: "?", shiftKey: true })).toEqual({ type: "toggleHelp" });
  });

  it("maps digits to tenths of the title", () => {
    expect(actionForKey({ key: "0" })).toEqual({ type: "seekToFraction", fraction: 0 });
    expect(actionForKey({ key: "7" })).toEqual({ type: "seekToFraction", fraction: 0.7 });
  });

  it("leaves modified and unknown keys alone", () => {
    expect(actionForKey({ key: "D", ctrlKey: true, altKey: true, shiftKey: true })).toBeNull();
    expect(actionForKey({ key: "f", metaKey: true })).toBeNull();
    expect(actionForKey({ key: "k", ctrlKey: true })).toBeNull();
    expect(actionForKey({ key: "x" })).toBeNull();
    expect(actionForKey({ key: "Enter" })).toBeNull();
    expect(actionForKey({ key: "Tab" })).toBeNull();
  });
});

describe("stepSpeed", () => {
  it("steps along the list and stops at its ends", () => {
    expect(stepSpeed(1, 1)).toBe(1.25);
    expect(stepSpeed(1, -1)).toBe(0.75);
    expect(stepSpeed(2, 1)).toBe(2);
    expect(stepSpeed(0.5, -1)).toBe(0.5);
  });
  it("goes from an off-list rate to the next step that way", () => {
    expect(stepSpeed(1.1, 1)).toBe(1.25);
    expect(stepSpeed(1.1, -1)).toBe(1);
    expect(stepSpeed(3, -1)).toBe(2);
  });
  it("covers 0.5x to 2x", () => {
    expect(SPEEDS[0]).toBe(0.5);
    expect(SPEEDS.at(-1)).toBe(2);
  });
});

describe("clampTime and clampVolume", () => {
  it("keeps seeks inside the title", () => {
    expect(clampTime(-4, 60)).toBe(0);
    expect(clampTime(30, 60)).toBe(30);
    expect(clampTime(75, 60)).toBeCloseTo(59.9);
    expect(clampTime(12, Number.NaN)).toBe(12);
  });
  it("keeps the volume in [0, 1]", () => {
    expect(clampVolume(1.04)).toBe(1);
    expect(clampVolume(-0.05)).toBe(0);
    expect(clampVolume(0.1 + 0.05)).toBe(0.15);
  });
});
