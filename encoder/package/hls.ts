/**
 * HLS playlists over the packaged CMAF segments (RFC 8216bis): one multivariant playlist with
 * audio and subtitle renditions, and a media playlist per track. Pure: tracks in, text out.
 */
import {
  type AudioTrackFiles,
  averageBitrateBps,
  INIT_FILE,
  MEDIA_PLAYLIST,
  type PackagedTitle,
  peakBitrateBps,
  type Segment,
  type TextTrackFiles,
} from "./tracks.ts";

const AUDIO_GROUP = "audio";
const SUBTITLE_GROUP = "subs";

/** Quoted-string attribute values may not hold a double quote or a line break. */
function quoted(value: string): string {
  return `"${value.replace(/["\r\n]/g, "'")}"`;
}

const yesNo = (flag: boolean) => (flag ? "YES" : "NO");

export function mediaPlaylist(segments: readonly Segment[], timescale: number): string {
  const durations = segments.map((s) => s.duration / timescale);
  // EXT-X-TARGETDURATION: every EXTINF, rounded to the nearest integer, must be <= it.
  const target = Math.max(1, ...durations.map((d) => Math.round(d)));
  const lines = [
    "#EXTM3U",
    "#EXT-X-VERSION:7",
    `#EXT-X-TARGETDURATION:${target}`,
    "#EXT-X-MEDIA-SEQUENCE:0",
    "#EXT-X-PLAYLIST-TYPE:VOD",
    "#EXT-X-INDEPENDENT-SEGMENTS",
    `#EXT-X-MAP:URI=${quoted(INIT_FILE)}`,
  ];
  for (const [i, s] of segments.entries())
    lines.push(`#EXTINF:${durations[i]!.toFixed(5)},`, s.file);
  lines.push("#EXT-X-ENDLIST", "");
  return lines.join("\n");
}

/** A subtitle playlist whose single segment is the whole WebVTT file. */
export function subtitlePlaylist(vttFileName: string, durationSec: number): string {
  return [
    "#EXTM3U",
    "#EXT-X-VERSION:7",
    `#EXT-X-TARGETDURATION:${Math.max(1, Math.ceil(durationSec))}`,
    "#EXT-X-MEDIA-SEQUENCE:0",
    "#EXT-X-PLAYLIST-TYPE:VOD",
    `#EXTINF:${durationSec.toFixed(5)},`,
    vttFileName,
    "#EXT-X-ENDLIST",
    "",
  ].join("\n");
}

export function subtitlePlaylistPath(track: TextTrackFiles): string {
  return track.vtt.replace(/\.vtt$/, ".m3u8");
}

function audioMedia(track: AudioTrackFiles): string {
  return [
    "#EXT-X-MEDIA:TYPE=AUDIO",
    `GROUP-ID=${quoted(AUDIO_GROUP)}`,
    `LANGUAGE=${quoted(track.language)}`,
    `NAME=${quoted(track.name)}`,
    `DEFAULT=${yesNo(track.default)}`,
    "AUTOSELECT=YES",
    `CHANNELS=${quoted(String(track.channels))}`,
    `URI=${quoted(`${track.dir}/${MEDIA_PLAYLIST}`)}`,
  ].join(",");
}

function subtitleMedia(track: TextTrackFiles): string {
  return [
    "#EXT-X-MEDIA:TYPE=SUBTITLES",
    `GROUP-ID=${quoted(SUBTITLE_GROUP)}`,
    `LANGUAGE=${quoted(track.language)}`,
    `NAME=${quoted(track.name)}`,
    `DEFAULT=${yesNo(track.default)}`,
    "AUTOSELECT=YES",
    `URI=${quoted(subtitlePlaylistPath(track))}`,
  ].join(",");
}

/**
 * The multivariant playlist. BANDWIDTH is the peak segment bitrate of the video plus the
 * most demanding audio track, AVERAGE-BANDWIDTH the same with means, as RFC 8216bis asks;
 * SCORE carries the encoder's quality score, so a player can rank variants by quality.
 */
export function multivariantPlaylist(title: PackagedTitle): string {
  const audioPeak = Math.max(0, ...title.audio.map(peakBitrateBps));
  const audioAverage = Math.max(0, ...title.audio.map(averageBitrateBps));
  const audioCodecs = title.audio[0]?.codecs;
  const lines = ["#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-INDEPENDENT-SEGMENTS", ""];
  for (const track of title.audio) lines.push(audioMedia(track));
  for (const track of title.text) lines.push(subtitleMedia(track));
  if (title.audio.length + title.text.length > 0) lines.push("");

  const byBandwidth = [...title.video].sort((a, b) => peakBitrateBps(a) - peakBitrateBps(b));
  for (const track of byBandwidth) {
    const attributes = [
      `BANDWIDTH=${peakBitrateBps(track) + audioPeak}`,
      `AVERAGE-BANDWIDTH=${averageBitrateBps(track) + audioAverage}`,
      `CODECS=${quoted(audioCodecs ? `${track.codecs},${audioCodecs}` : track.codecs)}`,
      `RESOLUTION=${track.width}x${track.height}`,
      `FRAME-RATE=${track.frameRate.toFixed(3)}`,
      `SCORE=${track.quality.score.toFixed(1)}`,
      "VIDEO-RANGE=SDR",
      "CLOSED-CAPTIONS=NONE",
    ];
    if (title.audio.length > 0) attributes.push(`AUDIO=${quoted(AUDIO_GROUP)}`);
    if (title.text.length > 0) attributes.push(`SUBTITLES=${quoted(SUBTITLE_GROUP)}`);
    lines.push(`#EXT-X-STREAM-INF:${attributes.join(",")}`, `${track.dir}/${MEDIA_PLAYLIST}`);
  }
  lines.push("");
  return lines.join("\n");
}
