/**
 * The session model, the same for every algorithm (and the one the offline optimum plans over):
 *
 * - Segments are fetched one at a time, in order. Segment k is decided when the previous one
 *   has arrived and the buffer has room for it (buffer <= cap - its duration; the buffer never
 *   exceeds the cap). An algorithm may ask to wait longer (BOLA does); none may go earlier.
 * - Download: first byte one RTT after the request, then bytes at the trace rate (link.ts).
 * - Startup: the first request goes at t = 0; playback starts the moment the first segment is
 *   in (startup time = its arrival).
 * - Playback drains the buffer in real time. When it runs dry before the next segment is in,
 *   playback stalls until that segment arrives.
 * - Abandonment: algorithms that watch progress (our controller, every 100 ms like the hls.js
 *   adapter's poll) may give up a download for a lower rendition; the bytes so far are lost
 *   and the same segment is requested again at once at the new rendition.
 */
import type { SimLadder } from "./ladder.ts";
import type { Link } from "./link.ts";

export const PROGRESS_INTERVAL_SEC = 0.1;

export interface SessionConfig {
  bufferCapSec: number;
}

/** What an algorithm sees before choosing segment `segment`. */
export interface PlayerView {
  segment: number;
  nowSec: number;
  bufferSec: number;
  /** Rendition index of the previous segment; null for the first. */
  previous: number | null;
  ladder: SimLadder;
  bufferCapSec: number;
}

export interface Choice {
  rendition: number;
  /** Extra wait before sending the request (BOLA). */
  delaySec?: number;
}

export interface ProgressView {
  segment: number;
  rendition: number;
  nowSec: number;
  sentSec: number;
  firstByteSec: number | null;
  loadedBytes: number;
  totalBytes: number;
  bufferSec: number;
}

export interface Download {
  segment: number;
  rendition: number;
  bytes: number;
  sentSec: number;
  firstByteSec: number;
  doneSec: number;
  mediaSec: number;
  /** Buffer when the request went out, and just before this segment was added. */
  bufferAtSendSec: number;
  bufferAtDoneSec: number;
}

export interface Algorithm {
  readonly name: string;
  choose(view: PlayerView): Choice;
  /** Called every PROGRESS_INTERVAL_SEC during a download: a lower rendition index abandons it. */
  progress?(view: ProgressView): number | null;
  downloaded(download: Download): void;
}

export interface Abandonment {
  segment: number;
  from: number;
  to: number;
  atSec: number;
  wastedBytes: number;
}

export interface SessionResult {
  /** The rendition played for each segment. */
  renditions: number[];
  downloads: Download[];
  abandonments: Abandonment[];
  startupSec: number;
  /** Stalls after startup: [start, end] in session time. */
  stalls: [number, number][];
  /** When the last segment finished playing. */
  endSec: number;
}

export function runSession(
  ladder: SimLadder,
  link: Link,
  algorithm: Algorithm,
  config: SessionConfig,
): SessionResult {
  const n = ladder.durationsSec.length;
  const downloads: Download[] = [];
  const abandonments: Abandonment[] = [];
  const stalls: [number, number][] = [];
  let startupSec = 0;
  /** When the buffered media runs out; null before playback starts. */
  let playEnd: number | null = null;
  let lastDone = 0;
  let previous: number | null = null;
  const bufferAt = (t: number) => (playEnd === null ? 0 : Math.max(0, playEnd - t));

  for (let k = 0; k < n; k++) {
    const mediaSec = ladder.durationsSec[k]!;
    // Room in the buffer for this segment: wait until buffer <= cap - its duration.
    const decideAt =
      playEnd === null ? lastDone : Math.max(lastDone, playEnd - (config.bufferCapSec - mediaSec));
    const choice = algorithm.choose({
      segment: k,
      nowSec: decideAt,
      bufferSec: bufferAt(decideAt),
      previous,
      ladder,
      bufferCapSec: config.bufferCapSec,
    });
    let rendition = checkIndex(choice.rendition, ladder, algorithm.name);
    let sentSec = decideAt + Math.max(0, choice.delaySec ?? 0);
    let doneSec = 0;
    let bytes = 0;
    for (;;) {
      bytes = ladder.sizesBytes[rendition]![k]!;
      doneSec = link.finishAt(sentSec, bytes);
      const switchTo = watch(algorithm, link, k, rendition, sentSec, doneSec, bytes, bufferAt);
      if (switchTo === null) break;
      const at = switchTo.atSec;
      abandonments.push({
        segment: k,
        from: rendition,
        to: switchTo.rendition,
        atSec: at,
        wastedBytes: link.loadedBytes(sentSec, at),
      });
      rendition = switchTo.rendition;
      sentSec = at;
    }
    const bufferAtSendSec = bufferAt(sentSec);
    const bufferAtDoneSec = bufferAt(doneSec);
    if (playEnd === null) {
      startupSec = doneSec;
      playEnd = doneSec + mediaSec;
    } else if (doneSec > playEnd) {
      stalls.push([playEnd, doneSec]);
      playEnd = doneSec + mediaSec;
    } else {
      playEnd += mediaSec;
    }
    const download: Download = {
      segment: k,
      rendition,
      bytes,
      sentSec,
      firstByteSec: link.firstByteAt(sentSec),
      doneSec,
      mediaSec,
      bufferAtSendSec,
      bufferAtDoneSec,
    };
    downloads.push(download);
    algorithm.downloaded(download);
    lastDone = doneSec;
    previous = rendition;
  }
  return {
    renditions: downloads.map((d) => d.rendition),
    downloads,
    abandonments,
    startupSec,
    stalls,
    endSec: playEnd ?? 0,
  };
}

function checkIndex(index: number, ladder: SimLadder, name: string): number {
  if (!Number.isInteger(index) || index < 0 || index >= ladder.renditions.length) {
    throw new Error(`${name} chose rendition ${index}, outside the ladder`);
  }
  return index;
}

/** Poll the algorithm during a download; the first abandonment it asks for, or null. */
function watch(
  algorithm: Algorithm,
  link: Link,
  segment: number,
  rendition: number,
  sentSec: number,
  doneSec: number,
  totalBytes: number,
  bufferAt: (t: number) => number,
): { rendition: number; atSec: number } | null {
  if (!algorithm.progress) return null;
  const firstByte = link.firstByteAt(sentSec);
  for (let i = 1; sentSec + i * PROGRESS_INTERVAL_SEC < doneSec; i++) {
    const now = sentSec + i * PROGRESS_INTERVAL_SEC;
    const to = algorithm.progress({
      segment,
      rendition,
      nowSec: now,
      sentSec,
      firstByteSec: firstByte <= now ? firstByte : null,
      loadedBytes: link.loadedBytes(sentSec, now),
      totalBytes,
      bufferSec: bufferAt(now),
    });
    // Only a lower rendition: abandoning for a higher one could loop forever.
    if (to !== null && to >= 0 && to < rendition) return { rendition: to, atSec: now };
  }
  return null;
}
