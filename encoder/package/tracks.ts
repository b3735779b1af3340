/**
 * A packaged title as the manifest writers see it: tracks made of an init segment and media
 * segments with their exact timing and sizes. Paths are relative to the title's folder.
 */
import type { Quality, VideoCodec } from "../../src/schemas/catalog.ts";

export interface Segment {
  file: string;
  /** Decode time and duration in the track's timescale, from the segment's own boxes. */
  startTime: number;
  duration: number;
  sizeBytes: number;
}

interface TrackBase {
  id: string;
  /** Folder holding `init.mp4` and the segments. */
  dir: string;
  codecs: string;
  timescale: number;
  segments: Segment[];
}

export interface VideoTrack extends TrackBase {
  kind: "video";
  codec: VideoCodec;
  width: number;
  height: number;
  frameRate: number;
  targetBitrateBps: number;
  quality: Quality;
}

export interface AudioTrackFiles extends TrackBase {
  kind: "audio";
  language: string;
  name: string;
  channels: number;
  sampleRate: number;
  default: boolean;
}

export interface TextTrackFiles {
  id: string;
  language: string;
  name: string;
  /** The WebVTT file, relative to the title folder. */
  vtt: string;
  default: boolean;
}

export interface ThumbnailFiles {
  vtt: string;
  spriteTemplate: string;
  sprites: string[];
  intervalSec: number;
  width: number;
  height: number;
  columns: number;
  rows: number;
}

export interface PackagedTitle {
  durationSec: number;
  video: VideoTrack[];
  audio: AudioTrackFiles[];
  text: TextTrackFiles[];
  thumbnails?: ThumbnailFiles;
}

export const INIT_FILE = "init.mp4";
export const SEGMENT_PATTERN = "seg_%05d.m4s";
export const MEDIA_PLAYLIST = "media.m3u8";

/** Mean bitrate of a track over all its segments. */
export function averageBitrateBps(track: TrackBase): number {
  const bytes = track.segments.reduce((sum, s) => sum + s.sizeBytes, 0);
  const seconds = track.segments.reduce((sum, s) => sum + s.duration, 0) / track.timescale;
  return seconds > 0 ? Math.round((bytes * 8) / seconds) : 0;
}

/**
 * Highest bitrate of any one segment: what HLS BANDWIDTH and DASH @bandwidth must carry.
 * A final segment much shorter than the others is left out: its few frames say little.
 */
export function peakBitrateBps(track: TrackBase): number {
  const typical = Math.max(...track.segments.map((s) => s.duration));
  const counted = track.segments.filter(
    (s, i) => i < track.segments.length - 1 || s.duration >= typical / 2,
  );
  const rates = (counted.length > 0 ? counted : track.segments).map(
    (s) => (s.sizeBytes * 8 * track.timescale) / s.duration,
  );
  return Math.round(Math.max(...rates));
}
