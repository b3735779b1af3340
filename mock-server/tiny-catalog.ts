/**
 * For tests: a published catalog of one title written in milliseconds, with no encoder: a
 * catalog.json that passes the shared schema, the two manifests the steering service rewrites,
 * and one segment of `segmentBytes` random bytes. The servers read it as they read a real one.
 */
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { CATALOG_SCHEMA_VERSION, type Catalog, type Title } from "../src/schemas/catalog.ts";

export interface TinyCatalog {
  dir: string;
  titleId: string;
  /** The segment's catalog path (`titles/...`) and its bytes. */
  segmentPath: string;
  segment: Buffer;
}

const TITLE_ID = "tiny";
const FOLDER = "titles/tiny--0123456789abcdef";

const MASTER = `#EXTM3U
#EXT-X-VERSION:7
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-STREAM-INF:BANDWIDTH=300000,CODECS="avc1.64001e",RESOLUTION=640x360
video/v/media.m3u8
`;

const MPD = `<?xml version="1.0" encoding="UTF-8"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="static" mediaPresentationDuration="PT2S" minBufferTime="PT2S" profiles="urn:mpeg:dash:profile:isoff-live:2011">
  <Period>
    <AdaptationSet contentType="video" mimeType="video/mp4">
      <Representation id="v" bandwidth="300000" codecs="avc1.64001e" width="640" height="360">
        <SegmentTemplate media="video/v/seg_$Number%05d$.m4s" initialization="video/v/init.mp4" startNumber="1" duration="2" timescale="1"/>
      </Representation>
    </AdaptationSet>
  </Period>
</MPD>
`;

function title(): Title {
  const file = (name: string) => `${FOLDER}/${name}`;
  return {
    id: TITLE_ID,
    kind: "movie",
    name: "Tiny",
    synopsis: "A title of one segment, for tests.",
    year: 2024,
    genres: ["Test"],
    tags: { mood: [], pace: "slow", themes: [] },
    durationSec: 2,
    path: FOLDER,
    manifests: { hls: file("master.m3u8"), dash: file("manifest.mpd") },
    artwork: { poster: file("art/poster.jpg"), backdrop: file("art/backdrop.jpg") },
    thumbnails: {
      vtt: file("thumbs/thumbs.vtt"),
      intervalSec: 2,
      width: 160,
      height: 90,
      columns: 5,
      rows: 5,
      sprites: [file("thumbs/sprite_000.jpg")],
    },
    renditions: [
      {
        id: "v",
        codec: "h264",
        codecs: "avc1.64001e",
        width: 640,
        height: 360,
        frameRate: 25,
        averageBitrateBps: 300_000,
        peakBitrateBps: 300_000,
        targetBitrateBps: 300_000,
        quality: { metric: "ssim", value: 0.95, score: 80 },
        playlist: file("video/v/media.m3u8"),
      },
    ],
    audio: [],
    subtitles: [],
    encoding: {
      metric: "ssim",
      bdRatePercent: null,
      report: file("report.json"),
      inputHash: "0123456789abcdef",
      encodedAt: "2024-01-01T00:00:00.000Z",
    },
  };
}

export async function writeTinyCatalog(segmentBytes = 1_000): Promise<TinyCatalog> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "tiny-catalog-"));
  const segmentPath = `${FOLDER}/video/v/seg_00001.m4s`;
  const segment = randomBytes(segmentBytes);
  const catalog: Catalog = {
    schemaVersion: CATALOG_SCHEMA_VERSION,
    generatedAt: "2024-01-01T00:00:00.000Z",
    titles: [title()],
    series: [],
  };
  const files: [string, string | Buffer][] = [
    [`${FOLDER}/master.m3u8`, MASTER],
    [`${FOLDER}/manifest.mpd`, MPD],
    [segmentPath, segment],
    ["catalog.json", JSON.stringify(catalog, null, 2)],
  ];
  for (const [name, content] of files) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), content);
  }
  return { dir, titleId: TITLE_ID, segmentPath, segment };
}
