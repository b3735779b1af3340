import { describe, expect, it } from "vitest";
import {
  parseAttributes,
  readHlsSteeringQuery,
  steeredMultivariant,
  steeringManifest,
} from "./hls.ts";

/** A multivariant playlist in the shape `encoder/package/hls.ts` writes. */
const MASTER = `#EXTM3U
#EXT-X-VERSION:7
#EXT-X-INDEPENDENT-SEGMENTS

#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",LANGUAGE="en",NAME="English",DEFAULT=YES,AUTOSELECT=YES,CHANNELS="2",URI="audio/en/media.m3u8"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",LANGUAGE="es",NAME="Español",DEFAULT=NO,AUTOSELECT=YES,CHANNELS="2",URI="audio/es/media.m3u8"
#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",LANGUAGE="en",NAME="English",DEFAULT=NO,AUTOSELECT=YES,URI="text/en.m3u8"

#EXT-X-STREAM-INF:BANDWIDTH=392608,AVERAGE-BANDWIDTH=241359,CODECS="avc1.64000d,mp4a.40.2",RESOLUTION=416x234,FRAME-RATE=24.000,SCORE=6.0,VIDEO-RANGE=SDR,CLOSED-CAPTIONS=NONE,AUDIO="audio",SUBTITLES="subs"
video/h264-234p-150k/media.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=761652,AVERAGE-BANDWIDTH=543964,CODECS="av01.0.04M.08,mp4a.40.2",RESOLUTION=768x432,FRAME-RATE=24.000,SCORE=9.2,VIDEO-RANGE=SDR,CLOSED-CAPTIONS=NONE,AUDIO="audio",SUBTITLES="subs"
video/av1-432p-330k/media.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=3369804,AVERAGE-BANDWIDTH=2613006,CODECS="avc1.640028,mp4a.40.2",RESOLUTION=1920x1080,FRAME-RATE=24.000,SCORE=88.0,VIDEO-RANGE=SDR,CLOSED-CAPTIONS=NONE,AUDIO="audio",SUBTITLES="subs"
video/h264-1080p-2617k/media.m3u8
`;

const PATHWAYS = [
  { id: "isp-a-1", baseUrl: "http://127.0.0.1:8101/" },
  { id: "exchange-1", baseUrl: "http://127.0.0.1:8102/" },
];
const TITLE_PATH = "titles/paper-lanterns--1c1d9e795521/";

type Tag = { attributes: Record<string, string>; uri?: string };

/** Reads the steered playlist back: tags by name, attribute values unquoted. */
function parsePlaylist(text: string): Record<string, Tag[]> {
  const tags: Record<string, Tag[]> = {};
  const lines = text.split("\n");
  lines.forEach((line, i) => {
    const match = /^#(EXT-X-[A-Z-]+):(.*)$/.exec(line);
    if (!match) return;
    const attributes = Object.fromEntries(
      parseAttributes(match[2]!).map((a) => [a.name, a.value.replace(/^"|"$/g, "")]),
    );
    const tag: Tag = { attributes };
    if (match[1] === "EXT-X-STREAM-INF") tag.uri = lines[i + 1];
    const name = match[1]!;
    tags[name] = [...(tags[name] ?? []), tag];
  });
  return tags;
}

describe("steeredMultivariant", () => {
  const steered = steeredMultivariant(MASTER, {
    pathways: PATHWAYS,
    steeringUri: "http://127.0.0.1:8000/steering/hls/paper-lanterns.json?session=s1",
    titleBaseUrl: TITLE_PATH,
  });
  const tags = parsePlaylist(steered);

  it("announces the steering server and starts on the first pathway", () => {
    expect(steered.startsWith("#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-INDEPENDENT-SEGMENTS\n")).toBe(
      true,
    );
    expect(tags["EXT-X-CONTENT-STEERING"]).toEqual([
      {
        attributes: {
          "SERVER-URI": "http://127.0.0.1:8000/steering/hls/paper-lanterns.json?session=s1",
          "PATHWAY-ID": "isp-a-1",
        },
      },
    ]);
  });

  it("gives every pathway every variant, with absolute URIs on its appliance and attributes kept", () => {
    const variants = tags["EXT-X-STREAM-INF"]!;
    expect(variants).toHaveLength(3 * PATHWAYS.length);
    const original = parsePlaylist(MASTER)["EXT-X-STREAM-INF"]!;
    for (const pathway of PATHWAYS) {
      const mine = variants.filter((v) => v.attributes["PATHWAY-ID"] === pathway.id);
      expect(mine).toHaveLength(original.length);
      mine.forEach((variant, i) => {
        const source = original[i]!;
        expect(variant.uri).toBe(`${pathway.baseUrl}${TITLE_PATH}${source.uri}`);
        for (const name of [
          "BANDWIDTH",
          "AVERAGE-BANDWIDTH",
          "CODECS",
          "RESOLUTION",
          "FRAME-RATE",
          "SCORE",
          "VIDEO-RANGE",
          "CLOSED-CAPTIONS",
        ]) {
          expect(variant.attributes[name], name).toBe(source.attributes[name]);
        }
        expect(variant.attributes.AUDIO).toBe(`audio-${pathway.id}`);
        expect(variant.attributes.SUBTITLES).toBe(`subs-${pathway.id}`);
      });
    }
    // The quoted CODECS value, comma included, survives intact.
    expect(variants[0]!.attributes.CODECS).toBe("avc1.64000d,mp4a.40.2");
  });

  it("repeats every rendition per pathway in its own group, on that pathway's appliance", () => {
    const media = tags["EXT-X-MEDIA"]!;
    expect(media).toHaveLength(3 * PATHWAYS.length);
    for (const pathway of PATHWAYS) {
      const groups = media.filter((m) => m.attributes["GROUP-ID"]?.endsWith(`-${pathway.id}`));
      expect(
        groups.map((m) => [m.attributes["GROUP-ID"], m.attributes.LANGUAGE, m.attributes.URI]),
      ).toEqual([
        [`audio-${pathway.id}`, "en", `${pathway.baseUrl}${TITLE_PATH}audio/en/media.m3u8`],
        [`audio-${pathway.id}`, "es", `${pathway.baseUrl}${TITLE_PATH}audio/es/media.m3u8`],
        [`subs-${pathway.id}`, "en", `${pathway.baseUrl}${TITLE_PATH}text/en.m3u8`],
      ]);
      expect(groups.map((m) => m.attributes.NAME)).toEqual(["English", "Español", "English"]);
    }
  });

  it("takes each baseUrl as the title folder when no titleBaseUrl is given", () => {
    const text = steeredMultivariant(MASTER, {
      pathways: [{ id: "a", baseUrl: "http://cache.test/t/x--1/" }],
      steeringUri: "/steer",
    });
    expect(text).toContain("\nhttp://cache.test/t/x--1/video/h264-234p-150k/media.m3u8\n");
  });

  it("refuses bad pathway ids and playlists without variants", () => {
    const input = { pathways: [{ id: "a b", baseUrl: "http://x.test/" }], steeringUri: "/s" };
    expect(() => steeredMultivariant(MASTER, input)).toThrow(/invalid pathway id/);
    const twice = { pathways: [PATHWAYS[0]!, PATHWAYS[0]!], steeringUri: "/s" };
    expect(() => steeredMultivariant(MASTER, twice)).toThrow(/duplicate/);
    expect(() =>
      steeredMultivariant("#EXTM3U\n#EXT-X-VERSION:7\n", { pathways: PATHWAYS, steeringUri: "/s" }),
    ).toThrow(/no EXT-X-STREAM-INF/);
  });
});

describe("steeringManifest", () => {
  it("writes the version 1 manifest", () => {
    const manifest = steeringManifest({
      pathwayPriority: ["exchange-1", "isp-a-1"],
      ttlSec: 30,
      reloadUri: "/steering/hls/paper-lanterns.json?session=s1",
    });
    expect(JSON.parse(JSON.stringify(manifest))).toEqual({
      VERSION: 1,
      TTL: 30,
      "RELOAD-URI": "/steering/hls/paper-lanterns.json?session=s1",
      "PATHWAY-PRIORITY": ["exchange-1", "isp-a-1"],
    });
  });

  it("refuses what the spec forbids", () => {
    const ok = { pathwayPriority: ["a"], ttlSec: 30, reloadUri: "/s" };
    expect(() => steeringManifest({ ...ok, pathwayPriority: [] })).toThrow();
    expect(() => steeringManifest({ ...ok, pathwayPriority: ["a", "a"] })).toThrow(/duplicate/);
    expect(() => steeringManifest({ ...ok, ttlSec: 0 })).toThrow(/TTL/);
  });
});

describe("readHlsSteeringQuery", () => {
  const read = (query: string) => readHlsSteeringQuery(new URL(`http://s.test/steer?${query}`));

  it("reads a good pathway and throughput", () => {
    expect(read("_HLS_pathway=isp-a-1&_HLS_throughput=5140000")).toEqual({
      pathway: "isp-a-1",
      throughputBps: 5_140_000,
    });
    // hls.js sends its fractional estimate as is.
    expect(read("_HLS_pathway=a&_HLS_throughput=5140000.7").throughputBps).toBe(5_140_001);
  });

  it("gives null for missing or bad values", () => {
    expect(read("")).toEqual({ pathway: null, throughputBps: null });
    for (const bad of ["-5", "abc", "1e9", "0", "Infinity", "", "99999999999999999999"]) {
      expect(read(`_HLS_throughput=${encodeURIComponent(bad)}`).throughputBps, bad).toBeNull();
    }
    for (const bad of ["a%20b", "%22a%22", "", "a,b", "x/y"]) {
      expect(read(`_HLS_pathway=${bad}`).pathway, bad).toBeNull();
    }
  });
});
