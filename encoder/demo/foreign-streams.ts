/**
 * "Someone else's" streams for the e2e suite: made by plain ffmpeg the way streams outside our
 * encoder usually are, not by our pipeline. One HLS stream with MPEG-TS segments and a
 * hand-written master playlist without CODECS attributes, one DASH stream from ffmpeg's dash
 * muxer; both 2 renditions (234p, 360p), 12 s, x264 ultrafast, so they take seconds to make.
 */
import { existsSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { ffmpeg } from "../ffmpeg/run.ts";

export interface ForeignRung {
  name: string;
  width: number;
  height: number;
  videoKbps: number;
}

export const FOREIGN_RUNGS: readonly ForeignRung[] = [
  // 16:9 exactly: ffmpeg's dash muxer refuses renditions whose aspect ratios differ.
  { name: "234p", width: 416, height: 234, videoKbps: 250 },
  { name: "360p", width: 640, height: 360, videoKbps: 600 },
];
const AUDIO_KBPS = 64;
const DURATION_SEC = 12;
const FPS = 24;
/** Written last: its presence means the folder is complete. */
const DONE = ".done";

/** The paths the e2e suite opens, relative to the folder's root. */
export const FOREIGN_PATHS = {
  hls: "hls/master.m3u8",
  dash: "dash/manifest.mpd",
  notManifest: "notes/readme.m3u8",
} as const;

function sources(): string[] {
  return [
    "-f",
    "lavfi",
    "-i",
    `testsrc2=s=640x360:r=${FPS}`,
    "-f",
    "lavfi",
    "-i",
    "sine=frequency=550",
    "-t",
    String(DURATION_SEC),
  ];
}

/** A split-and-scale graph giving `[v0]`, `[v1]`… one per rung. */
function ladderGraph(): string {
  const outs = FOREIGN_RUNGS.map((_, i) => `[s${i}]`).join("");
  const scales = FOREIGN_RUNGS.map((r, i) => `[s${i}]scale=${r.width}:${r.height},setsar=1[v${i}]`);
  return [`[0:v]split=${FOREIGN_RUNGS.length}${outs}`, ...scales].join(";");
}

/** Capped bitrate and a keyframe every 2 s, so segments cut at the same times in every rung. */
function videoCodecArgs(index: number, rung: ForeignRung): string[] {
  return [
    `-c:v:${index}`,
    "libx264",
    `-b:v:${index}`,
    `${rung.videoKbps}k`,
    `-maxrate:v:${index}`,
    `${rung.videoKbps}k`,
    `-bufsize:v:${index}`,
    `${rung.videoKbps * 2}k`,
  ];
}

const COMMON_VIDEO = [
  "-preset",
  "ultrafast",
  "-pix_fmt",
  "yuv420p",
  "-force_key_frames",
  "expr:gte(t,n_forced*2)",
  "-sc_threshold",
  "0",
];

async function makeHls(dir: string): Promise<void> {
  // One ffmpeg run per rung: each writes its own media playlist and TS segments.
  for (const rung of FOREIGN_RUNGS) {
    const out = path.join(dir, rung.name);
    await mkdir(out, { recursive: true });
    await ffmpeg([
      ...sources(),
      "-filter_complex",
      `[0:v]scale=${rung.width}:${rung.height},setsar=1[v]`,
      "-map",
      "[v]",
      "-map",
      "1:a",
      ...videoCodecArgs(0, rung),
      ...COMMON_VIDEO,
      "-c:a",
      "aac",
      "-b:a",
      `${AUDIO_KBPS}k`,
      "-f",
      "hls",
      "-hls_time",
      "2",
      "-hls_playlist_type",
      "vod",
      "-hls_segment_type",
      "mpegts",
      "-hls_segment_filename",
      path.join(out, "seg_%03d.ts"),
      path.join(out, "index.m3u8"),
    ]);
  }
  // Written by hand: BANDWIDTH and RESOLUTION only, no CODECS (as many TS streams are).
  const lines = ["#EXTM3U", "#EXT-X-VERSION:3"];
  for (const rung of FOREIGN_RUNGS) {
    const bandwidth = Math.round((rung.videoKbps + AUDIO_KBPS) * 1000 * 1.1);
    lines.push(
      `#EXT-X-STREAM-INF:BANDWIDTH=${bandwidth},RESOLUTION=${rung.width}x${rung.height}`,
      `${rung.name}/index.m3u8`,
    );
  }
  await writeFile(path.join(dir, "master.m3u8"), `${lines.join("\n")}\n`);
}

async function makeDash(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const maps = FOREIGN_RUNGS.flatMap((_, i) => ["-map", `[v${i}]`]);
  const codecs = FOREIGN_RUNGS.flatMap((rung, i) => videoCodecArgs(i, rung));
  await ffmpeg([
    ...sources(),
    "-filter_complex",
    ladderGraph(),
    ...maps,
    "-map",
    "1:a",
    ...codecs,
    ...COMMON_VIDEO,
    "-c:a",
    "aac",
    "-b:a",
    `${AUDIO_KBPS}k`,
    "-f",
    "dash",
    "-seg_duration",
    "2",
    "-use_template",
    "1",
    "-use_timeline",
    "1",
    "-adaptation_sets",
    "id=0,streams=v id=1,streams=a",
    path.join(dir, "manifest.mpd"),
  ]);
}

/**
 * The streams under `root` (`hls/`, `dash/`, and a text file named like a manifest), made once:
 * built in a sibling folder and renamed into place, so an interrupted run leaves nothing half-made.
 */
export async function makeForeignStreams(root: string): Promise<void> {
  if (existsSync(path.join(root, DONE))) return;
  const staging = `${root}.staging`;
  await rm(staging, { recursive: true, force: true });
  await makeHls(path.join(staging, "hls"));
  await makeDash(path.join(staging, "dash"));
  await mkdir(path.join(staging, "notes"), { recursive: true });
  await writeFile(
    path.join(staging, FOREIGN_PATHS.notManifest),
    "These are notes, not a playlist.\n",
  );
  await writeFile(path.join(staging, DONE), new Date().toISOString());
  await rm(root, { recursive: true, force: true });
  await rename(staging, root);
}
