/**
 * The ladder a simulated session plays: renditions (catalog schema, so our controller sees
 * exactly what the browser gives it), the duration of every segment, and every segment's size
 * per rendition. Three sources:
 *
 * - built in (no catalog, no ladder file): Pensieve's ladder, 300/750/1200/1850/2850/4300 kbit/s,
 *   48 segments of 4 s (Pensieve's 193 s test video), constant segment size = bitrate x 4 s
 *   (so peak = average). Its quality scores are illustrative, not measured: a VMAF-like concave
 *   curve in log bitrate (32, 55, 68, 79, 89, 95);
 * - a ladder file (`--ladder FILE`, JSON, see `LadderFile`);
 * - a catalog title (`--catalog DIR --title ID`): its H.264 renditions as the catalog lists
 *   them, and real per-segment sizes read from disk: each rendition's HLS media playlist names
 *   one fMP4 file per segment (encoder/package/hls.ts), whose byte size is the segment's size;
 *   durations come from the EXTINF lines. One codec only, so every algorithm sees one ladder.
 */
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { z } from "zod";
import { parseCatalog, type Rendition } from "../../src/schemas/catalog.ts";

export interface SimLadder {
  /** Where it came from, for reports. */
  source: string;
  /** Ascending average bitrate. */
  renditions: Rendition[];
  /** Media duration of each segment (same for every rendition: aligned keyframes). */
  durationsSec: number[];
  /** sizesBytes[rendition][segment]. */
  sizesBytes: number[][];
}

export class LadderError extends Error {}

export const segmentCount = (ladder: SimLadder) => ladder.durationsSec.length;

function syntheticRendition(id: string, height: number, bitrateBps: number, score: number) {
  const rendition: Rendition = {
    id,
    codec: "h264",
    codecs: "avc1.64001f",
    width: Math.round((height * 16) / 9 / 2) * 2,
    height,
    frameRate: 24,
    averageBitrateBps: Math.round(bitrateBps),
    peakBitrateBps: Math.round(bitrateBps),
    targetBitrateBps: Math.round(bitrateBps),
    quality: { metric: "vmaf", value: score, score },
    playlist: `sim/${id}.m3u8`,
  };
  return rendition;
}

/** Constant-size segments: bitrate x duration. */
function constantLadder(
  source: string,
  renditions: Rendition[],
  segmentSec: number,
  segments: number,
): SimLadder {
  const sorted = [...renditions].sort((a, b) => a.averageBitrateBps - b.averageBitrateBps);
  return {
    source,
    renditions: sorted,
    durationsSec: new Array<number>(segments).fill(segmentSec),
    sizesBytes: sorted.map((r) =>
      new Array<number>(segments).fill(Math.round((r.averageBitrateBps * segmentSec) / 8)),
    ),
  };
}

const PENSIEVE: [number, number, number][] = [
  // height, kbit/s, illustrative score
  [240, 300, 32],
  [360, 750, 55],
  [480, 1200, 68],
  [720, 1850, 79],
  [1080, 2850, 89],
  [1080, 4300, 95],
];

export function defaultLadder(): SimLadder {
  const renditions = PENSIEVE.map(([h, kbps, score], i) =>
    syntheticRendition(`p${i}-${kbps}k`, h, kbps * 1000, score),
  );
  return constantLadder("built-in (Pensieve ladder, 48 x 4 s)", renditions, 4, 48);
}

/** `--ladder FILE`: renditions with bitrate and score; optional per-segment sizes. */
export const LadderFile = z.object({
  segmentSec: z.number().positive(),
  segments: z.number().int().positive(),
  renditions: z
    .array(
      z.object({
        id: z.string().regex(/^[a-z0-9_-]+$/),
        bitrateKbps: z.number().positive(),
        score: z.number().min(0).max(100),
        height: z.number().int().positive().optional(),
        /** One size per segment; absent = bitrate x segmentSec for every segment. */
        sizesBytes: z.array(z.number().int().positive()).optional(),
      }),
    )
    .min(1),
});
export type LadderFile = z.infer<typeof LadderFile>;

export function ladderFromFile(file: string): SimLadder {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new LadderError(
      `--ladder: cannot read ${file} as JSON (${(error as Error).message}): give a JSON file like bench/sim/ladder.example.json`,
    );
  }
  const parsed = LadderFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new LadderError(
      `--ladder: ${file}: ${issue?.path.join(".") || "(root)"}: ${issue?.message}; see bench/sim/ladder.example.json`,
    );
  }
  const spec = parsed.data;
  const renditions = spec.renditions.map((r) =>
    syntheticRendition(r.id, r.height ?? 720, r.bitrateKbps * 1000, r.score),
  );
  const ladder = constantLadder(`ladder file ${file}`, renditions, spec.segmentSec, spec.segments);
  // Real sizes where given, re-sorted in the same bitrate order.
  ladder.renditions.forEach((rendition, i) => {
    const sizes = spec.renditions.find((r) => r.id === rendition.id)?.sizesBytes;
    if (!sizes) return;
    if (sizes.length !== spec.segments) {
      throw new LadderError(
        `--ladder: ${file}: rendition ${rendition.id} has ${sizes.length} sizes for ${spec.segments} segments`,
      );
    }
    ladder.sizesBytes[i] = sizes;
  });
  return ladder;
}

/** Segment durations and file names from an HLS media playlist (VOD, one file per segment). */
export function parseMediaPlaylist(text: string): { durationSec: number; uri: string }[] {
  const out: { durationSec: number; uri: string }[] = [];
  let pending: number | null = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith("#EXTINF:")) pending = Number.parseFloat(line.slice(8));
    else if (line !== "" && !line.startsWith("#") && pending !== null) {
      out.push({ durationSec: pending, uri: line });
      pending = null;
    }
  }
  return out;
}

export function ladderFromCatalog(catalogDir: string, titleId: string | null): SimLadder {
  const file = path.join(catalogDir, "catalog.json");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    throw new LadderError(
      `--catalog: no catalog.json in ${catalogDir}: build the demo catalog with npm start (or npm run encode -- --out ${catalogDir}), or leave out --catalog/--title to use the built-in ladder`,
    );
  }
  let catalog: ReturnType<typeof parseCatalog>;
  try {
    catalog = parseCatalog(JSON.parse(text));
  } catch (error) {
    throw new LadderError(
      `--catalog: ${file} is not a valid catalog (${(error as Error).message}): rebuild it with npm run encode`,
    );
  }
  if (catalog.titles.length === 0) {
    throw new LadderError(`--catalog: ${file} has no titles: build them with npm run encode`);
  }
  const title =
    titleId === null ? catalog.titles[0]! : catalog.titles.find((t) => t.id === titleId);
  if (!title) {
    throw new LadderError(
      `--title: no title "${titleId}" in ${file}: choose one of ${catalog.titles.map((t) => t.id).join(", ")}`,
    );
  }
  const renditions = title.renditions
    .filter((r) => r.codec === "h264")
    .sort((a, b) => a.averageBitrateBps - b.averageBitrateBps);
  if (renditions.length === 0) {
    throw new LadderError(`--title: ${title.id} has no H.264 renditions to simulate`);
  }
  let durations: number[] | null = null;
  const sizes = renditions.map((r) => {
    const playlist = path.join(catalogDir, r.playlist);
    let segments: { durationSec: number; uri: string }[];
    try {
      segments = parseMediaPlaylist(readFileSync(playlist, "utf8"));
    } catch {
      throw new LadderError(
        `--catalog: ${title.id}: cannot read ${playlist}: the catalog is incomplete; rebuild it with npm run encode -- --force`,
      );
    }
    if (segments.length === 0) throw new LadderError(`--catalog: ${playlist} lists no segments`);
    if (durations === null) durations = segments.map((s) => s.durationSec);
    else if (durations.length !== segments.length) {
      throw new LadderError(
        `--catalog: ${title.id}: renditions have different segment counts (${durations.length} and ${segments.length} in ${r.id})`,
      );
    }
    return segments.map((s) => {
      const segmentFile = path.join(path.dirname(playlist), s.uri);
      try {
        return statSync(segmentFile).size;
      } catch {
        throw new LadderError(
          `--catalog: ${title.id}: segment ${segmentFile} is missing; rebuild with npm run encode -- --force`,
        );
      }
    });
  });
  return {
    source: `catalog ${catalogDir}, title ${title.id} (H.264, segment sizes from disk)`,
    renditions,
    durationsSec: durations ?? [],
    sizesBytes: sizes,
  };
}
