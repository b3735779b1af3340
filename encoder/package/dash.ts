/**
 * The DASH MPD over the same CMAF segments the HLS playlists use: one video AdaptationSet per
 * codec (a set may not mix codecs), one audio set per language, WebVTT subtitles as sidecar
 * text sets, and the trick-play sprites as a DASH-IF thumbnail tile set. Segment timing is an
 * exact SegmentTimeline read from the segments themselves. Pure: tracks in, XML out.
 */
import { escapeXml } from "../../src/lib/xml.ts";
import {
  type AudioTrackFiles,
  INIT_FILE,
  type PackagedTitle,
  peakBitrateBps,
  SEGMENT_PATTERN,
  type Segment,
  type VideoTrack,
} from "./tracks.ts";

/** Our own scheme for the encoder's per-rendition quality score (no standard one exists). */
export const QUALITY_SCHEME = "urn:streamlab:quality-score:2026";

export function isoDuration(seconds: number): string {
  return `PT${seconds.toFixed(3)}S`;
}

/** `seg_%05d.m4s` -> `seg_$Number%05d$.m4s` */
function numberTemplate(pattern: string): string {
  return pattern.replace(/%(\d*)d/, (_, width: string) => `$Number${width ? `%${width}d` : ""}$`);
}

/** SegmentTimeline entries, runs of equal, back-to-back durations folded with @r. */
export function segmentTimeline(segments: readonly Segment[]): string[] {
  const entries: string[] = [];
  let i = 0;
  let expected: number | undefined;
  while (i < segments.length) {
    const s = segments[i]!;
    let repeat = 0;
    while (
      i + repeat + 1 < segments.length &&
      segments[i + repeat + 1]!.duration === s.duration &&
      segments[i + repeat + 1]!.startTime === s.startTime + (repeat + 1) * s.duration
    ) {
      repeat++;
    }
    const t = expected === s.startTime ? "" : ` t="${s.startTime}"`;
    entries.push(`<S${t} d="${s.duration}"${repeat > 0 ? ` r="${repeat}"` : ""}/>`);
    expected = s.startTime + (repeat + 1) * s.duration;
    i += repeat + 1;
  }
  return entries;
}

function segmentTemplate(track: VideoTrack | AudioTrackFiles, indent: string): string[] {
  return [
    `${indent}<SegmentTemplate timescale="${track.timescale}" initialization="${track.dir}/${INIT_FILE}" media="${track.dir}/${numberTemplate(SEGMENT_PATTERN)}" startNumber="0">`,
    `${indent}  <SegmentTimeline>`,
    ...segmentTimeline(track.segments).map((s) => `${indent}    ${s}`),
    `${indent}  </SegmentTimeline>`,
    `${indent}</SegmentTemplate>`,
  ];
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

function videoSet(id: number, tracks: VideoTrack[]): string[] {
  const sorted = [...tracks].sort((a, b) => peakBitrateBps(a) - peakBitrateBps(b));
  const maxW = Math.max(...sorted.map((t) => t.width));
  const maxH = Math.max(...sorted.map((t) => t.height));
  const d = gcd(maxW, maxH);
  const lines = [
    `    <AdaptationSet id="${id}" contentType="video" mimeType="video/mp4" segmentAlignment="true" startWithSAP="1" maxWidth="${maxW}" maxHeight="${maxH}" par="${maxW / d}:${maxH / d}">`,
  ];
  for (const t of sorted) {
    lines.push(
      `      <Representation id="${t.id}" codecs="${t.codecs}" bandwidth="${peakBitrateBps(t)}" width="${t.width}" height="${t.height}" frameRate="${frameRateAttr(t.frameRate)}" sar="1:1">`,
      `        <SupplementalProperty schemeIdUri="${QUALITY_SCHEME}" value="${t.quality.score.toFixed(1)}"/>`,
      ...segmentTemplate(t, "        "),
      "      </Representation>",
    );
  }
  lines.push("    </AdaptationSet>");
  return lines;
}

/** Integer rates as is, NTSC-style rates as a fraction (29.97 -> 30000/1001). */
function frameRateAttr(rate: number): string {
  if (Number.isInteger(rate)) return String(rate);
  const ntsc = Math.round(rate * 1.001);
  if (Math.abs(ntsc / 1.001 - rate) < 0.001) return `${ntsc * 1000}/1001`;
  return `${Math.round(rate * 1000)}/1000`;
}

function audioSet(id: number, track: AudioTrackFiles): string[] {
  return [
    `    <AdaptationSet id="${id}" contentType="audio" mimeType="audio/mp4" lang="${escapeXml(track.language)}" segmentAlignment="true" startWithSAP="1">`,
    `      <Role schemeIdUri="urn:mpeg:dash:role:2011" value="${track.default ? "main" : "dub"}"/>`,
    `      <Label>${escapeXml(track.name)}</Label>`,
    `      <Representation id="${track.id}" codecs="${track.codecs}" bandwidth="${peakBitrateBps(track)}" audioSamplingRate="${track.sampleRate}">`,
    `        <AudioChannelConfiguration schemeIdUri="urn:mpeg:dash:23003:3:audio_channel_configuration:2011" value="${track.channels}"/>`,
    ...segmentTemplate(track, "        "),
    "      </Representation>",
    "    </AdaptationSet>",
  ];
}

export function mpd(title: PackagedTitle): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" profiles="urn:mpeg:dash:profile:isoff-live:2011" type="static" mediaPresentationDuration="${isoDuration(title.durationSec)}" minBufferTime="PT2S">`,
    '  <Period id="0" start="PT0S">',
  ];
  let id = 0;
  const codecs = [...new Set(title.video.map((t) => t.codec))];
  for (const codec of codecs)
    lines.push(
      ...videoSet(
        id++,
        title.video.filter((t) => t.codec === codec),
      ),
    );
  for (const track of title.audio) lines.push(...audioSet(id++, track));
  for (const track of title.text) {
    lines.push(
      `    <AdaptationSet id="${id++}" contentType="text" mimeType="text/vtt" lang="${escapeXml(track.language)}">`,
      `      <Role schemeIdUri="urn:mpeg:dash:role:2011" value="subtitle"/>`,
      `      <Label>${escapeXml(track.name)}</Label>`,
      `      <Representation id="${track.id}" bandwidth="256">`,
      `        <BaseURL>${escapeXml(track.vtt)}</BaseURL>`,
      "      </Representation>",
      "    </AdaptationSet>",
    );
  }
  const thumbs = title.thumbnails;
  if (thumbs) {
    const tileSec = thumbs.intervalSec * thumbs.columns * thumbs.rows;
    lines.push(
      `    <AdaptationSet id="${id++}" contentType="image" mimeType="image/jpeg">`,
      `      <SegmentTemplate media="${escapeXml(numberTemplate(thumbs.spriteTemplate))}" duration="${tileSec}" startNumber="1"/>`,
      `      <Representation id="thumbnails" bandwidth="10000" width="${thumbs.width * thumbs.columns}" height="${thumbs.height * thumbs.rows}">`,
      `        <EssentialProperty schemeIdUri="http://dashif.org/thumbnail_tile" value="${thumbs.columns}x${thumbs.rows}"/>`,
      "      </Representation>",
      "    </AdaptationSet>",
    );
  }
  lines.push("  </Period>", "</MPD>", "");
  return lines.join("\n");
}
