/**
 * Encoder settings shared by the trial encodes and the final ones, so the trials predict what
 * the final encode will do. Keyframes are forced at every segment boundary and nowhere else
 * (no scene-cut keyframes), which aligns them across all renditions and codecs; GOPs are closed.
 */

/** Segment length. Short segments let the ABR controller react within a couple of seconds. */
export const SEGMENT_SEC = 2;

export interface VideoEncodeSettings {
  crf: number;
  frameRate: number;
  /** Capped VBR: the encoder may use fewer bits than this, never more over `bufferBits`. */
  maxrateBps?: number;
  bufferBits?: number;
  /** Keyframe spacing: the segment length (`SEGMENT_SEC` unless the config says otherwise). */
  segmentSec?: number;
  /** The codec's speed preset (x264's name, SVT-AV1's number); the codec's default when absent. */
  preset?: string | number;
  /** libvpx's deadline (VP9 only): `VP9_DEADLINE` when absent. */
  deadline?: Vp9Deadline;
}

/** The x264 preset for final H.264 encodes: the fastest that keeps CABAC and a useful motion search. */
export const X264_PRESET = "veryfast";

function keyframeInterval(frameRate: number, segmentSec = SEGMENT_SEC): number {
  return Math.max(1, Math.round(frameRate * segmentSec));
}

/**
 * Trials and final encodes share the preset: a faster preset for the trials was tried and
 * predicted bitrates badly (on grain, 10x off), which broke the ladder.
 */
export function h264Args(s: VideoEncodeSettings): string[] {
  const preset = String(s.preset ?? X264_PRESET);
  const segmentSec = s.segmentSec ?? SEGMENT_SEC;
  const gop = keyframeInterval(s.frameRate, segmentSec);
  const args = ["-c:v", "libx264", "-preset", preset, "-crf", String(s.crf), "-pix_fmt", "yuv420p"];
  args.push(
    "-profile:v",
    "high",
    "-g",
    String(gop),
    "-keyint_min",
    String(gop),
    "-sc_threshold",
    "0",
  );
  args.push("-force_key_frames", `expr:gte(t,n_forced*${segmentSec})`);
  args.push("-x264-params", "open-gop=0");
  if (s.maxrateBps)
    args.push(
      "-maxrate",
      String(s.maxrateBps),
      "-bufsize",
      String(s.bufferBits ?? s.maxrateBps * 2),
    );
  return args;
}

/**
 * SVT-AV1 at its fastest preset (the demo must build in minutes on two cores; preset 12 takes
 * half the time of 10 here), capped CRF through
 * its `mbr` option, closed GOPs (`irefresh-type=2`), no scene detection.
 */
export const SVT_PRESET = 12;

export function av1Args(s: VideoEncodeSettings): string[] {
  const gop = keyframeInterval(s.frameRate, s.segmentSec);
  const params = ["irefresh-type=2", "scd=0", "fast-decode=1"];
  if (s.maxrateBps) params.push(`mbr=${Math.round(s.maxrateBps / 1000)}`);
  return [
    "-c:v",
    "libsvtav1",
    "-preset",
    String(s.preset ?? SVT_PRESET),
    "-crf",
    String(Math.round(s.crf)),
    "-g",
    String(gop),
    "-pix_fmt",
    "yuv420p",
    "-svtav1-params",
    params.join(":"),
  ];
}

/**
 * libvpx-vp9 in constrained quality: `-crf` with `-b:v` as the ceiling (libvpx's CQ mode) and
 * a buffer like the others'. `-deadline good -cpu-used 5 -row-mt 1`: 5 is the fastest "good"
 * speed (6 and 8 wrote the very same bytes here: libvpx caps good-quality speed features at 5);
 * `-deadline realtime -cpu-used 8` was far faster but fell below x264 (3% more bits for 0.3 dB
 * less SSIM on a 540p rung), so the player would never pick it. Keyframes every segment and only there (fixed `-g`
 * = `-keyint_min`, and forced at each boundary, as for x264); 8-bit 4:2:0, so profile 0.
 */
export const VP9_CPU_USED = 5;

/**
 * libvpx's two speed families. "realtime" drops the look-ahead and alt-ref frames: at speed 4
 * it took 2.25x less CPU than good/5 on the feature's four scenes for 24% more bits at equal
 * SSIM, and at speed 6 2.5x less again for 29% more (README, "VP9: what it costs"); the demo
 * catalog uses realtime 6 to build within 10 minutes.
 */
export const VP9_DEADLINES = ["good", "realtime"] as const;
export type Vp9Deadline = (typeof VP9_DEADLINES)[number];
export const VP9_DEADLINE: Vp9Deadline = "good";

export function vp9Args(s: VideoEncodeSettings): string[] {
  const gop = keyframeInterval(s.frameRate, s.segmentSec);
  const args = [
    "-c:v",
    "libvpx-vp9",
    "-deadline",
    s.deadline ?? VP9_DEADLINE,
    "-cpu-used",
    String(s.preset ?? VP9_CPU_USED),
    "-row-mt",
    "1",
    "-crf",
    String(Math.round(s.crf)),
    "-b:v",
    String(s.maxrateBps ?? 0),
    "-g",
    String(gop),
    "-keyint_min",
    String(gop),
    "-pix_fmt",
    "yuv420p",
  ];
  if (s.maxrateBps) args.push("-bufsize", String(s.bufferBits ?? s.maxrateBps * 2));
  args.push("-force_key_frames", `expr:gte(t,n_forced*${s.segmentSec ?? SEGMENT_SEC})`);
  return args;
}
