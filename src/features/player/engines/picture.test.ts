import { describe, expect, it } from "vitest";
import { DEFAULT_ABR_CONFIG } from "../../../abr/config.ts";
import { maxHeightRule } from "../../../abr/rules/rules.ts";
import { H264 } from "../../../abr/test-support.ts";
import { aspectOf, pictureBoxOf, pictureHeight } from "./picture.ts";

const box = (width: number, height: number, devicePixelRatio = 1) => ({
  width,
  height,
  devicePixelRatio,
});

describe("pictureHeight", () => {
  it("is the box's height when the box is wider than the picture (pillarboxed)", () => {
    // The watch page at 1280x720: a 768x432 box.
    expect(pictureHeight(box(768, 432), 16 / 9)).toBe(432);
    expect(pictureHeight(box(1000, 432), 16 / 9)).toBe(432);
  });

  it("is less than the box's height when the box is too narrow (letterboxed)", () => {
    // A portrait phone: 390 px wide, 16:9 video: 219 px tall picture in a 600 px box.
    expect(pictureHeight(box(390, 600), 16 / 9)).toBe(219);
    // A 4:3 video in a 16:9 box fills the height.
    expect(pictureHeight(box(1280, 720), 4 / 3)).toBe(720);
  });

  it("counts device pixels", () => {
    expect(pictureHeight(box(768, 432, 2), 16 / 9)).toBe(864);
    expect(pictureHeight(box(390, 600, 3), 16 / 9)).toBe(658);
    // A missing or nonsense ratio counts as 1.
    expect(pictureHeight(box(768, 432, 0), 16 / 9)).toBe(432);
  });

  it("is the box's height without an aspect, and null before layout", () => {
    expect(pictureHeight(box(640, 360), null)).toBe(360);
    expect(pictureHeight(box(0, 0), 16 / 9)).toBeNull();
    expect(pictureHeight(box(640, 0), 16 / 9)).toBeNull();
  });
});

describe("pictureBoxOf and aspectOf", () => {
  const video = { clientWidth: 768, clientHeight: 432, videoWidth: 0, videoHeight: 0 };

  it("takes the picture-in-picture window while the video floats there", () => {
    expect(pictureBoxOf(video, 2, null)).toEqual(box(768, 432, 2));
    expect(pictureBoxOf(video, 2, { width: 320, height: 180 })).toEqual(box(320, 180, 2));
  });

  it("prefers the video's own aspect, else the ladder's tallest rendition's", () => {
    expect(aspectOf({ ...video, videoWidth: 640, videoHeight: 480 }, undefined)).toBeCloseTo(4 / 3);
    expect(aspectOf(video, { width: 1920, height: 1080 })).toBeCloseTo(16 / 9);
    expect(aspectOf(video, undefined)).toBeNull();
  });
});

describe("the size rule, from the window to the ceiling", () => {
  const config = DEFAULT_ABR_CONFIG.rules;
  const capFor = (pictureHeightPx: number | null) => {
    const outcome = maxHeightRule(
      {
        ladder: H264,
        currentIndex: null,
        bufferSec: 0,
        playbackRate: 1,
        segmentDurationSec: 2,
        estimateBitsPerSecond: 1e6,
        maxPredictionError: 0,
        ttfbSec: 0.1,
        manualRenditionId: null,
        pictureHeight: pictureHeightPx,
        abandonedToIndex: null,
      },
      config,
    );
    return outcome.index === null ? null : H264[outcome.index]!.height;
  };

  it("takes the smallest rendition at least as tall as the picture", () => {
    expect(capFor(pictureHeight(box(768, 432), 16 / 9))).toBe(480);
    expect(capFor(pictureHeight(box(384, 216), 16 / 9))).toBe(240);
    // A retina screen needs twice the pixels for the same box.
    expect(capFor(pictureHeight(box(768, 432, 2), 16 / 9))).toBe(1080);
    // Letterboxed: a wide-but-short box shows a short picture.
    expect(capFor(pictureHeight(box(640, 720), 16 / 9))).toBe(360);
    expect(capFor(null)).toBeNull();
  });
});
