import { describe, expect, it } from "vitest";
import { SimulatedClock } from "./fill-window.ts";

const window = (fromHour: number, toHour: number, startHour = 0) => ({
  offPeak: { fromHour, toHour },
  simulatedDayMinutes: 24,
  startHour,
  everySec: 60,
  top: 3,
});

describe("SimulatedClock", () => {
  it("runs a 24-minute day at an hour a real minute", () => {
    let now = 1_000;
    const clock = new SimulatedClock(window(2, 6, 3), () => now);
    expect(clock.state().time).toBe("03:00");
    now += 90_000;
    expect(clock.state().time).toBe("04:30");
    now += 21 * 60_000;
    expect(clock.state().time).toBe("01:30");
  });

  it("is off-peak inside the window, and across midnight when it wraps", () => {
    let now = 0;
    const clock = new SimulatedClock(window(22, 4, 21), () => now);
    expect(clock.offPeak()).toBe(false);
    now += 60_000; // 22:00
    expect(clock.offPeak()).toBe(true);
    now += 3 * 60_000; // 01:00
    expect(clock.offPeak()).toBe(true);
    now += 3 * 60_000; // 04:00: the window's end is not in it
    expect(clock.offPeak()).toBe(false);
    expect(clock.state()).toMatchObject({ time: "04:00", fillWindow: "22:00-04:00" });
  });
});
