import { describe, expect, it } from "vitest";
import { DEFAULT_ABR_CONFIG } from "../config.ts";
import { H264 } from "../test-support.ts";
import { horizonFor, type PlanInput, plan } from "./mpc.ts";

const config = DEFAULT_ABR_CONFIG.rules;
const MBPS = 1_000_000;
const base: PlanInput = {
  ladder: H264,
  maxIndex: H264.length - 1,
  currentIndex: 2,
  bufferSec: 10,
  playbackRate: 1,
  segmentDurationSec: 2,
  predictedBitsPerSecond: 3 * MBPS,
  ttfbSec: 0.05,
};
const at = (over: Partial<PlanInput>) => H264[plan({ ...base, ...over }, config).index]!.id;

describe("plan (model-predictive choice)", () => {
  it("starts at the lowest rendition without a buffer: startup waiting costs like a stall", () => {
    // 1 Mbit/s default: 360p's 1.4 Mbit take 1.4 s against 240p's 0.6 s.
    expect(at({ currentIndex: null, bufferSec: 0, predictedBitsPerSecond: MBPS })).toBe("h264-240");
    // A fast link known already: the first segment can be good at once.
    expect(at({ currentIndex: null, bufferSec: 0, predictedBitsPerSecond: 20 * MBPS })).toBe(
      "h264-720",
    );
  });

  it("uses the buffer: a full one pays for a rendition above the prediction, an empty one not", () => {
    // 720p is 2.5 Mbit/s, over a 2 Mbit/s prediction: fine with 20 s in hand, not with 1 s.
    expect(at({ predictedBitsPerSecond: 2 * MBPS, bufferSec: 20, currentIndex: 3 })).toBe(
      "h264-720",
    );
    expect(at({ predictedBitsPerSecond: 2 * MBPS, bufferSec: 1, currentIndex: 3 })).toBe(
      "h264-480",
    );
  });

  it("goes down as far as needed at once after a drop", () => {
    expect(at({ currentIndex: 4, bufferSec: 2, predictedBitsPerSecond: 0.5 * MBPS })).toBe(
      "h264-240",
    );
  });

  it("stays within the cap", () => {
    expect(at({ predictedBitsPerSecond: 50 * MBPS, maxIndex: 2 })).toBe("h264-480");
  });

  it("holds when a switch costs more than it brings", () => {
    // 720p is sustainable, 1080p (5 Mbit/s) only for a while on a 4.5 Mbit/s link: from 720p
    // the plan stays; the score gain does not pay for the switch and the buffer spent.
    expect(at({ currentIndex: 3, bufferSec: 8, predictedBitsPerSecond: 4.5 * MBPS })).toBe(
      "h264-720",
    );
  });

  it("counts the playback rate: at 2x the same link carries less", () => {
    const normal = plan({ ...base, bufferSec: 4 }, config).index;
    const fast = plan({ ...base, bufferSec: 4, playbackRate: 2 }, config).index;
    expect(fast).toBeLessThan(normal);
  });

  it("shortens the horizon for a long ladder", () => {
    expect(horizonFor(5, config)).toBe(5);
    expect(horizonFor(12, config)).toBe(3);
    expect(horizonFor(1, config)).toBe(5);
  });
});
