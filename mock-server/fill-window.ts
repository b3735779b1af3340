/**
 * The simulated clock the fill window runs on: a day that lasts `simulatedDayMinutes` real
 * minutes, starting at `startHour`. Appliances fill ahead of demand only in the off-peak hours
 * of that day, when a real deployment's links are quiet. The admin state shows the clock, and
 * the lab with it.
 */
import type { SimulatedClockState } from "../src/schemas/admin.ts";
import type { FillWindow } from "../src/schemas/topology.ts";

const HOUR_MS = 3_600_000;

const hhmm = (hour: number) => {
  const minutes = Math.floor(hour * 60) % (24 * 60);
  return `${String(Math.floor(minutes / 60)).padStart(2, "0")}:${String(minutes % 60).padStart(2, "0")}`;
};

export class SimulatedClock {
  private readonly startedAtMs: number;

  constructor(
    readonly window: FillWindow,
    private readonly now: () => number = Date.now,
  ) {
    this.startedAtMs = now();
  }

  /** Simulated hours since midnight, 0 to 24. */
  hour(): number {
    const speed = (24 * 60) / this.window.simulatedDayMinutes;
    const elapsedHours = ((this.now() - this.startedAtMs) * speed) / HOUR_MS;
    return (this.window.startHour + elapsedHours) % 24;
  }

  /** In [fromHour, toHour), the window wrapping past midnight when fromHour > toHour. */
  offPeak(): boolean {
    const { fromHour, toHour } = this.window.offPeak;
    const hour = this.hour();
    return fromHour <= toHour
      ? hour >= fromHour && hour < toHour
      : hour >= fromHour || hour < toHour;
  }

  state(): SimulatedClockState {
    const { fromHour, toHour } = this.window.offPeak;
    return {
      time: hhmm(this.hour()),
      offPeak: this.offPeak(),
      fillWindow: `${hhmm(fromHour)}-${hhmm(toHour)}`,
    };
  }
}
