/** A small packaged title for the manifest writers' tests: numbers chosen so the sums are easy. */
import type { PackagedTitle, Segment } from "./tracks.ts";

export function segments(sizes: number[], duration: number, start = 0): Segment[] {
  return sizes.map((sizeBytes, i) => ({
    file: `seg_${String(i).padStart(5, "0")}.m4s`,
    startTime: start + i * duration,
    duration,
    sizeBytes,
  }));
}

export function packagedFixture(): PackagedTitle {
  return {
    durationSec: 6,
    video: [
      {
        kind: "video",
        id: "h264-720p-1000k",
        dir: "video/h264-720p-1000k",
        codec: "h264",
        codecs: "avc1.64001f",
        timescale: 12288,
        // 2 s segments of 250000, 500000 and 125000 bytes: 1, 2 and 0.5 Mbit/s; 1.1667 Mbit/s mean.
        segments: segments([250_000, 500_000, 125_000], 24576),
        width: 1280,
        height: 720,
        frameRate: 24,
        targetBitrateBps: 1_000_000,
        quality: { metric: "ssim", value: 0.98, score: 81.2 },
      },
      {
        kind: "video",
        id: "h264-360p-300k",
        dir: "video/h264-360p-300k",
        codec: "h264",
        codecs: "avc1.64001e",
        timescale: 12288,
        segments: segments([75_000, 75_000, 75_000], 24576),
        width: 640,
        height: 360,
        frameRate: 24,
        targetBitrateBps: 300_000,
        quality: { metric: "ssim", value: 0.95, score: 60 },
      },
      {
        kind: "video",
        id: "av1-720p-700k",
        dir: "video/av1-720p-700k",
        codec: "av1",
        codecs: "av01.0.05M.08",
        timescale: 12288,
        segments: segments([175_000, 175_000, 175_000], 24576),
        width: 1280,
        height: 720,
        frameRate: 24,
        targetBitrateBps: 700_000,
        quality: { metric: "ssim", value: 0.981, score: 82 },
      },
    ],
    audio: [
      {
        kind: "audio",
        id: "audio-en",
        dir: "audio/en",
        codecs: "mp4a.40.2",
        timescale: 48000,
        segments: segments([32_000, 32_000, 32_000], 96000),
        language: "en",
        name: "English",
        channels: 2,
        sampleRate: 48000,
        default: true,
      },
      {
        kind: "audio",
        id: "audio-es",
        dir: "audio/es",
        codecs: "mp4a.40.2",
        timescale: 48000,
        segments: segments([32_000, 32_000, 32_000], 96000),
        language: "es",
        name: "Español",
        channels: 2,
        sampleRate: 48000,
        default: false,
      },
    ],
    text: [{ id: "text-en", language: "en", name: "English", vtt: "text/en.vtt", default: false }],
    thumbnails: {
      vtt: "thumbs/thumbnails.vtt",
      spriteTemplate: "thumbs/sprite_%03d.jpg",
      sprites: ["thumbs/sprite_001.jpg"],
      intervalSec: 2,
      width: 160,
      height: 90,
      columns: 5,
      rows: 5,
    },
  };
}
