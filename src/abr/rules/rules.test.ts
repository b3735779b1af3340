import { describe, expect, it } from "vitest";
import { DEFAULT_ABR_CONFIG } from "../config.ts";
import { H264 } from "../test-support.ts";
import {
  insufficientBufferRule,
  maxHeightRule,
  type RuleInput,
  reservoirRule,
  targetRule,
  throughputRule,
  upSwitchPacingRule,
} from "./rules.ts";

const config = DEFAULT_ABR_CONFIG.rules;
const MBPS = 1_000_000;

const input = (over: Partial<RuleInput>): RuleInput => ({
  ladder: H264,
  currentIndex: 2,
  bufferSec: 10,
  playbackRate: 1,
  segmentDurationSec: 2,
  estimateBitsPerSecond: 3 * MBPS,
  measured: true,
  ttfbSec: 0.05,
  nowMs: 100_000,
  lastUpSwitchAtMs: null,
  mediaSinceUpSwitchSec: null,
  manualRenditionId: null,
  maxHeight: null,
  abandonedToIndex: null,
  ...over,
});

describe("throughputRule", () => {
  it("keeps the current rendition inside the hysteresis band but does not switch up into it", () => {
    // 720p is 2.5 Mbit/s; at 3 Mbit/s it is within 0.9 x but not 0.7 x the estimate.
    expect(throughputRule(input({ currentIndex: 3 }), config).index).toBe(3);
    expect(throughputRule(input({ currentIndex: 2 }), config).index).toBe(2);
  });

  it("switches down as far as needed in one go", () => {
    const out = throughputRule(
      input({ currentIndex: 4, estimateBitsPerSecond: 0.5 * MBPS }),
      config,
    );
    expect(out.index).toBe(0);
  });

  it("abstains without a measurement", () => {
    expect(throughputRule(input({ measured: false }), config).index).toBeNull();
  });
});

describe("targetRule", () => {
  it("aims at the top once measured, low-mid at a start without estimate", () => {
    expect(targetRule(input({}), config).index).toBe(4);
    expect(targetRule(input({ measured: false, currentIndex: null }), config).index).toBe(1);
    expect(targetRule(input({ measured: false, currentIndex: 3 }), config).index).toBe(3);
  });
});

describe("insufficientBufferRule", () => {
  it("lets a download take at most half the buffer, at the peak bitrate", () => {
    // 4 s of buffer: 2 s budget. 720p peak 3.75 Mbit/s x 2 s / 5 Mbit/s = 1.5 s (+ TTFB) fits;
    // 1080p peak 7.5 Mbit/s needs 3 s.
    const out = insufficientBufferRule(
      input({ bufferSec: 4, estimateBitsPerSecond: 5 * MBPS }),
      config,
    );
    expect(out.index).toBe(3);
  });

  it("gives the first segment a budget of one segment duration", () => {
    const out = insufficientBufferRule(
      input({ currentIndex: null, bufferSec: 0, estimateBitsPerSecond: 5 * MBPS }),
      config,
    );
    expect(out.index).toBe(3);
  });

  it("goes to the lowest when the buffer is empty mid-stream", () => {
    expect(
      insufficientBufferRule(input({ bufferSec: 0, estimateBitsPerSecond: 50 * MBPS }), config)
        .index,
    ).toBe(0);
  });

  it("counts a faster playback rate as a smaller buffer", () => {
    const at1x = insufficientBufferRule(
      input({ bufferSec: 4, estimateBitsPerSecond: 5 * MBPS }),
      config,
    );
    const at2x = insufficientBufferRule(
      input({ bufferSec: 4, playbackRate: 2, estimateBitsPerSecond: 5 * MBPS }),
      config,
    );
    expect(at2x.index!).toBeLessThan(at1x.index!);
  });
});

describe("upSwitchPacingRule", () => {
  it("allows one step up, two with a high buffer", () => {
    expect(upSwitchPacingRule(input({ bufferSec: 10 }), config).index).toBe(3);
    expect(upSwitchPacingRule(input({ bufferSec: 25 }), config).index).toBe(4);
    expect(upSwitchPacingRule(input({ currentIndex: 0, bufferSec: 25 }), config).index).toBe(2);
  });

  it("holds within the minimum interval after a switch up", () => {
    const media = { mediaSinceUpSwitchSec: 2 };
    const at = (ms: number) => input({ ...media, lastUpSwitchAtMs: 100_000 - ms });
    expect(upSwitchPacingRule(at(7_999), config).index).toBe(2);
    expect(upSwitchPacingRule(at(8_000), config).index).toBe(3);
  });

  it("lets a fast link step up again once 8 s of media came at the new rung", () => {
    const recent = { lastUpSwitchAtMs: 100_000 - 1_000 };
    expect(upSwitchPacingRule(input({ ...recent, mediaSinceUpSwitchSec: 6 }), config).index).toBe(
      2,
    );
    expect(upSwitchPacingRule(input({ ...recent, mediaSinceUpSwitchSec: 8 }), config).index).toBe(
      3,
    );
  });
});

describe("reservoirRule and maxHeightRule", () => {
  it("holds the current rendition below the reservoir", () => {
    expect(reservoirRule(input({ bufferSec: 3.9 }), config).index).toBe(2);
    expect(reservoirRule(input({ bufferSec: 4 }), config).index).toBeNull();
    expect(reservoirRule(input({ bufferSec: 0, currentIndex: null }), config).index).toBeNull();
  });

  it("caps at the tallest rendition that fits the player, or the lowest", () => {
    expect(maxHeightRule(input({ maxHeight: 720 }), config).index).toBe(3);
    expect(maxHeightRule(input({ maxHeight: 719 }), config).index).toBe(2);
    expect(maxHeightRule(input({ maxHeight: 100 }), config).index).toBe(0);
  });
});
