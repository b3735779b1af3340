/**
 * Trick-play thumbnails: a WebVTT track whose cues name an image, usually a tile of a sprite
 * (`sprite_001.jpg#xywh=160,0,160,90`). Parsed once per title into sorted cues; the seek bar
 * looks one up per pointer move. Pure: no fetching here (see useThumbnails.ts).
 */

export interface ThumbnailCue {
  startSec: number;
  endSec: number;
  /** Absolute URL of the image, without the fragment. */
  url: string;
  /** The tile inside the image, in pixels; null when the cue shows the whole image. */
  tile: { x: number; y: number; width: number; height: number } | null;
}

/** `hh:mm:ss.ttt` or `mm:ss.ttt` (WebVTT requires the milliseconds); null when malformed. */
export function parseVttTimestamp(text: string): number | null {
  const match = /^(?:(\d+):)?([0-5]\d):([0-5]\d)\.(\d{3})$/.exec(text.trim());
  if (!match) return null;
  const [, h = "0", m = "0", s = "0", ms = "0"] = match;
  return Number(h) * 3600 + Number(m) * 60 + Number(s) + Number(ms) / 1000;
}

/** `#xywh=x,y,w,h` or `#xywh=pixel:x,y,w,h` (Media Fragments); percent tiles are not supported. */
function parseTile(fragment: string): ThumbnailCue["tile"] | undefined {
  const match = /(?:^|&)xywh=(?:pixel:)?(\d+),(\d+),(\d+),(\d+)(?:&|$)/.exec(fragment);
  if (!match) return undefined;
  const [x, y, width, height] = match.slice(1).map(Number) as [number, number, number, number];
  return width > 0 && height > 0 ? { x, y, width, height } : undefined;
}

/**
 * The cues of a thumbnail track, sorted by start. Image references resolve against `baseUrl`
 * (the track's own URL), as a browser resolves them. Cues with bad timings, an unresolvable
 * image or a bad `xywh` are skipped; a document that is not WebVTT at all throws.
 */
export function parseThumbnailVtt(text: string, baseUrl: string): ThumbnailCue[] {
  const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/);
  if (!/^WEBVTT(?:[ \t].*)?$/.test(lines[0] ?? "")) {
    throw new Error("not a WebVTT file: the first line is not WEBVTT");
  }
  const cues: ThumbnailCue[] = [];
  // Blocks are separated by blank lines; the header block comes first.
  let block: string[] = [];
  const flush = () => {
    const cue = cueOf(block, baseUrl);
    if (cue) cues.push(cue);
    block = [];
  };
  for (const line of lines.slice(1)) {
    if (line.trim() === "") flush();
    else block.push(line);
  }
  flush();
  return cues.sort((a, b) => a.startSec - b.startSec);
}

function cueOf(block: string[], baseUrl: string): ThumbnailCue | null {
  // An optional identifier line precedes the timing line; NOTE, STYLE and REGION blocks have none.
  const timingAt = block.findIndex((line) => line.includes("-->"));
  if (timingAt < 0 || timingAt > 1) return null;
  const [startText = "", rest = ""] = block[timingAt]!.split("-->");
  const startSec = parseVttTimestamp(startText);
  // Cue settings may follow the end time.
  const endSec = parseVttTimestamp(rest.trim().split(/[ \t]+/)[0] ?? "");
  const payload = block[timingAt + 1]?.trim();
  if (startSec === null || endSec === null || endSec <= startSec || !payload) return null;
  let resolved: URL;
  try {
    resolved = new URL(payload, baseUrl);
  } catch {
    return null;
  }
  const fragment = resolved.hash.slice(1);
  resolved.hash = "";
  // A fragment other than xywh (say `#t=`) still shows the whole image; a bad xywh is an error.
  const tile = /(?:^|&)xywh=/.test(fragment) ? parseTile(fragment) : null;
  if (tile === undefined) return null;
  return { startSec, endSec, url: resolved.href, tile };
}

/** The cue showing at `timeSec` (binary search over sorted cues); past the end, the last one. */
export function thumbnailAt(cues: readonly ThumbnailCue[], timeSec: number): ThumbnailCue | null {
  if (cues.length === 0 || !Number.isFinite(timeSec)) return null;
  let lo = 0;
  let hi = cues.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (cues[mid]!.startSec <= timeSec) lo = mid;
    else hi = mid - 1;
  }
  const cue = cues[lo]!;
  if (timeSec < cue.startSec) return timeSec >= 0 ? cue : null;
  // In a gap between cues there is no picture; at or past the last cue's end, keep the last.
  if (timeSec >= cue.endSec && lo < cues.length - 1) return null;
  return cue;
}
