import { describe, expect, it } from "vitest";
import { DEFAULT_ABR_CONFIG } from "../config.ts";
import { H264 } from "../test-support.ts";
import { type AbandonInput, checkAbandon } from "./abandon.ts";

const config = DEFAULT_ABR_CONFIG.abandon;
const plan = DEFAULT_ABR_CONFIG.rules;

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
    const verdict = checkAbandon(base, config, plan);
    // Budget 4 - 1 = 3 s at 0.89 Mbit/s: 480p (300 kB, 2.7 s) fits, 720p (625 kB, 5.6 s) not.
    expect(verdict).toMatchObject({ abandon: true, switchTo: "h264-480" });
    if (verdict.abandon) expect(verdict.reason).toMatch(/switch to h264-480/);
  });

  it("estimates the size from the bitrate when Content-Length is unknown", () => {
    expect(checkAbandon({ ...base, totalBytes: null }, config, plan)).toMatchObject({
      abandon: true,
    });
  });

  it("prices the first segment's wait like a stall: keeps a good one, drops a crawl", () => {
    // 125 kB of a 350 kB 4 s segment in 0.5 s (2 Mbit/s): 0.9 s more. Restarting at 240p
    // (150 kB) would take 0.65 s, and lose quality: keep it.
    const first = {
      ...base,
      renditionId: "h264-360",
      loadedBytes: 125_000,
      totalBytes: 350_000,
      elapsedMs: 600,
      bufferSec: 0,
      segmentDurationSec: 4,
    };
    expect(checkAbandon(first, config, plan)).toEqual({ abandon: false });
    // 17 kB in 2 s (68 kbit/s): the rest needs 39 s, 240p 18 s: switch.
    const crawl = { ...first, loadedBytes: 17_000, elapsedMs: 2_100 };
    expect(checkAbandon(crawl, config, plan)).toMatchObject({
      abandon: true,
      switchTo: "h264-240",
    });
  });

  it("keeps a download that is only slightly late rather than drop quality for it", () => {
    // 1080p: 600 kB of 1.25 MB at 4.8 Mbit/s, 1.1 s to go with 0.9 s of budget (1.9 s of
    // buffer less the 1 s margin): 0.2 s of stall costs less than falling to 720p.
    const late = { ...base, loadedBytes: 600_000, elapsedMs: 1_100, bufferSec: 1.9 };
    expect(checkAbandon(late, config, plan)).toEqual({ abandon: false });
  });

  it("keeps a download when no replacement would arrive before its rest", () => {
    // 360p: 160 kB of 175 kB in, at 0.3 Mbit/s: 0.4 s to go, and the buffer is empty. 240p
    // (75 kB) would take 2 s: it saves nothing, only throws the bytes away.
    const nearlyDone = {
      ...base,
      renditionId: "h264-360",
      loadedBytes: 160_000,
      totalBytes: 175_000,
      elapsedMs: 4_367,
      firstByteMs: 100,
      bufferSec: 0,
    };
    expect(checkAbandon(nearlyDone, config, plan)).toEqual({ abandon: false });
  });

  it("keeps a download that will finish in time", () => {
    expect(checkAbandon({ ...base, bufferSec: 30 }, config, plan)).toEqual({ abandon: false });
  });

  it("does not abandon on a slow first byte alone", () => {
    expect(
      checkAbandon({ ...base, loadedBytes: 0, elapsedMs: 3000, firstByteMs: null }, config, plan),
    ).toEqual({
      abandon: false,
    });
    // First byte after 2.9 s, then 100 ms of transfer: too short a window to judge the rate.
    expect(
      checkAbandon(
        { ...base, loadedBytes: 20_000, elapsedMs: 3000, firstByteMs: 2900 },
        config,
        plan,
      ),
    ).toEqual({ abandon: false });
  });

  it("never abandons the lowest rendition", () => {
    const slow = { ...base, renditionId: "h264-240", loadedBytes: 16_000, elapsedMs: 5000 };
    expect(checkAbandon(slow, config, plan)).toEqual({ abandon: false });
  });

  it("falls to the lowest when nothing fits but the lowest ends the stall sooner", () => {
    const verdict = checkAbandon({ ...base, bufferSec: 0.5 }, config, plan);
    expect(verdict).toMatchObject({ abandon: true, switchTo: "h264-240" });
  });

  it("keeps the download when even the lowest would not arrive sooner", () => {
    // Almost done: 1.2 MB of 1.25 MB loaded.
    const nearlyDone = { ...base, loadedBytes: 1_200_000, elapsedMs: 10_900, bufferSec: 0.5 };
    expect(checkAbandon(nearlyDone, config, plan)).toEqual({ abandon: false });
  });
});
