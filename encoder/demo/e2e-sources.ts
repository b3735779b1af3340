/**
 * The e2e suite's sources: the 60 s clip most tests play, a short 720p title for the
 * player-size tests, and a two-episode series for the next-episode path. Made once with ffmpeg (seconds) and kept in the cache; the episodes are
 * short and small so they add little to the suite's encode. Their names and tags share no word
 * with the clip's, so the searches the suite makes still find one title.
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import type { TitleInfo } from "../../src/schemas/catalog.ts";
import { type SourceMetadata, sidecarPath } from "../sources/metadata.ts";
import { makeTestClip } from "./test-clip.ts";

const SERIES: TitleInfo & { id: string } = {
  id: "bars-and-tones",
  name: "Bars and Tones",
  synopsis: "A short series of broadcast test patterns, for the next-episode path.",
  // Older than the clip, so the clip stays the featured (newest) title.
  year: 2020,
  genres: ["Documentary"],
  tags: { mood: ["calm"], pace: "slow", themes: ["broadcast"] },
};

/**
 * A short 720p title whose per-title ladder reaches 540p and 720p (the clip's stops at 360p):
 * what the player-size tests need. 8 s keeps its encode to about half a minute.
 */
const SHARP: SourceMetadata = {
  id: "resolution-chart",
  info: {
    name: "Resolution Chart",
    synopsis: "A sharp moving test chart in high definition, for the player-size tests.",
    year: 2019,
    genres: ["Science"],
    tags: { mood: ["precise"], pace: "medium", themes: ["measurement"] },
  },
};

const EPISODES = [
  { n: 1, name: "Colour Bars", pattern: "smptebars" },
  { n: 2, name: "Gradients", pattern: "rgbtestsrc" },
];

/** Source files for the encoder, in the cache folder `dir`. */
export async function makeE2eSources(dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  // 60 s: longer than hls.js's 30 s of buffer ahead, so a player still downloads when a
  // test's fault or throttle drop comes.
  const clip = path.join(dir, "e2e-clip.mkv");
  if (!existsSync(clip)) await makeTestClip(clip, { durationSec: 60 });
  const files = [clip];
  const sharp = path.join(dir, "resolution-chart.mkv");
  await writeSidecar(sharp, SHARP);
  if (!existsSync(sharp)) {
    await makeTestClip(sharp, { pattern: "testsrc2", durationSec: 8, width: 1280, height: 720 });
  }
  files.push(sharp);
  for (const { n, name, pattern } of EPISODES) {
    const file = path.join(dir, `bars-and-tones-s1e${n}.mkv`);
    const metadata: SourceMetadata = {
      id: `bars-and-tones-s1e${n}`,
      info: { ...SERIES, name, synopsis: `Episode ${n}: ${name.toLowerCase()} and a tone.` },
      episode: { seriesId: SERIES.id, season: 1, episode: n },
      series: SERIES,
    };
    await writeSidecar(file, metadata);
    if (!existsSync(file)) {
      await makeTestClip(file, { pattern, durationSec: 8, width: 320, height: 180 });
    }
    files.push(file);
  }
  return files;
}

/** The sidecar first (a clip without one is named after its file), rewritten only when changed. */
async function writeSidecar(file: string, metadata: SourceMetadata): Promise<void> {
  const sidecar = sidecarPath(file);
  const text = `${JSON.stringify(metadata, null, 2)}\n`;
  const old = existsSync(sidecar) ? await readFile(sidecar, "utf8") : null;
  if (old !== text) await writeFile(sidecar, text);
}
