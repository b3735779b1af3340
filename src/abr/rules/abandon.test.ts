import { describe, expect, it } from "vitest";
import { DEFAULT_ABR_CONFIG } from "../config.ts";
import { H264 } from "../test-support.ts";
import { type AbandonInput, checkAbandon } from "./abandon.ts";

const config = DEFAULT_ABR_CONFIG.abandon;

// h264-1080 at 5 Mbit/s: a 2 s segment is 1.25 MB.
const base: AbandonInput = {
  ladder: H264,
  renditionId: "h264-1080",
  loadedBytes: 100_000,
  totalBytes: 1_250_000,
  elapsedMs: 1000,
  firstByteMs: 100, // 100 kB in 900 ms: 0.89 Mbit/s
  bufferSec: 4,
  playbackRate: 1,
  segmentDurationSec: 2,
  ttfbSec: 0.05,
};

describe("checkAbandon", () => {
  it("abandons for the highest lower rendition that arrives before the buffer runs dry", () => {
    const verdict = checkAbandon(base, config);
    // Budget 4 - 1 = 3 s at 0.89 Mbit/s: 480p (300 kB, 2.7 s) fits, 720p (625 kB, 5.6 s) not.
    expect(verdict).toMatchObject({ abandon: true, switchTo: "h264-480" });
    if (verdict.abandon) expect(verdict.reason).toMatch(/switch to h264-480/);
  });

  it("estimates the size from the bitrate when Content-Length is unknown", () => {
    expect(checkAbandon({ ...base, totalBytes: null }, config)).toMatchObject({ abandon: true });
  });

  it("keeps a download that will finish in time", () => {
    expect(checkAbandon({ ...base, bufferSec: 30 }, config)).toEqual({ abandon: false });
  });

  it("does not abandon on a slow first byte alone", () => {
    expect(
      checkAbandon({ ...base, loadedBytes: 0, elapsedMs: 3000, firstByteMs: null }, config),
    ).toEqual({
      abandon: false,
    });
    // First byte after 2.9 s, then 100 ms of transfer: too short a window to judge the rate.
    expect(
      checkAbandon({ ...base, loadedBytes: 20_000, elapsedMs: 3000, firstByteMs: 2900 }, config),
    ).toEqual({ abandon: false });
  });

  it("never abandons the lowest rendition", () => {
    const slow = { ...base, renditionId: "h264-240", loadedBytes: 16_000, elapsedMs: 5000 };
    expect(checkAbandon(slow, config)).toEqual({ abandon: false });
  });

  it("falls to the lowest when nothing fits but the lowest ends the stall sooner", () => {
    const verdict = checkAbandon({ ...base, bufferSec: 0.5 }, config);
    expect(verdict).toMatchObject({ abandon: true, switchTo: "h264-240" });
  });

  it("keeps the download when even the lowest would not arrive sooner", () => {
    // Almost done: 1.2 MB of 1.25 MB loaded.
    const nearlyDone = { ...base, loadedBytes: 1_200_000, elapsedMs: 10_900, bufferSec: 0.5 };
    expect(checkAbandon(nearlyDone, config)).toEqual({ abandon: false });
  });
});
