import { describe, expect, it } from "vitest";
import { parseThumbnailVtt, parseVttTimestamp, thumbnailAt } from "./thumbnails.ts";

const BASE = "http://127.0.0.1:8080/titles/clip--abc/thumbs/thumbnails.vtt";

/** What the encoder writes (encoder/artwork/artwork.ts). */
const ENCODED = `WEBVTT

00:00:00.000 --> 00:00:02.000
sprite_001.jpg#xywh=0,0,160,90

00:00:02.000 --> 00:00:04.000
sprite_001.jpg#xywh=160,0,160,90

00:00:04.000 --> 00:00:05.500
sprite_002.jpg#xywh=0,90,160,90
`;

describe("parseVttTimestamp", () => {
  it("reads both forms", () => {
    expect(parseVttTimestamp("00:01:02.500")).toBe(62.5);
    expect(parseVttTimestamp("01:02.250")).toBe(62.25);
    expect(parseVttTimestamp("10:00:00.000")).toBe(36000);
  });
  it("refuses malformed times", () => {
    expect(parseVttTimestamp("1:2.5")).toBeNull();
    expect(parseVttTimestamp("00:61:00.000")).toBeNull();
    expect(parseVttTimestamp("00:00:01")).toBeNull();
    expect(parseVttTimestamp("")).toBeNull();
  });
});

describe("parseThumbnailVtt", () => {
  it("reads the encoder's track, resolving sprites against the track URL", () => {
    const cues = parseThumbnailVtt(ENCODED, BASE);
    expect(cues).toHaveLength(3);
    expect(cues[0]).toEqual({
      startSec: 0,
      endSec: 2,
      url: "http://127.0.0.1:8080/titles/clip--abc/thumbs/sprite_001.jpg",
      tile: { x: 0, y: 0, width: 160, height: 90 },
    });
    expect(cues[2]?.url).toMatch(/sprite_002\.jpg$/);
    expect(cues[2]?.tile).toEqual({ x: 0, y: 90, width: 160, height: 90 });
  });

  it("accepts CRLF, a BOM, identifiers, cue settings, notes, pixel: and absolute URLs", () => {
    const text = [
      "\uFEFFWEBVTT - thumbnails",
      "",
      "NOTE made by hand",
      "",
      "1",
      "00:00:02.000 --> 00:00:04.000 align:start",
      "../img/b.jpg#xywh=pixel:10,20,30,40",
      "",
      "00:00.000 --> 00:02.000",
      "https://cdn.example/a.jpg",
      "",
    ].join("\r\n");
    const cues = parseThumbnailVtt(text, BASE);
    expect(cues.map((c) => c.url)).toEqual([
      "https://cdn.example/a.jpg",
      "http://127.0.0.1:8080/titles/clip--abc/img/b.jpg",
    ]);
    expect(cues[0]?.tile).toBeNull();
    expect(cues[1]?.tile).toEqual({ x: 10, y: 20, width: 30, height: 40 });
  });

  it("throws on a document that is not WebVTT", () => {
    expect(() => parseThumbnailVtt("", BASE)).toThrow(/not a WebVTT/);
    expect(() => parseThumbnailVtt("<html>404</html>", BASE)).toThrow(/not a WebVTT/);
    expect(() => parseThumbnailVtt("WEBVTTX\n", BASE)).toThrow(/not a WebVTT/);
  });

  it("skips bad cues and keeps the good ones", () => {
    const text = `WEBVTT

00:00:02.000 --> 00:00:01.000
backwards.jpg#xywh=0,0,160,90

00:00:xx.000 --> 00:00:02.000
badtime.jpg#xywh=0,0,160,90

00:00:02.000 --> 00:00:04.000

00:00:04.000 --> 00:00:06.000
zero.jpg#xywh=0,0,0,90

00:00:06.000 --> 00:00:08.000
percent.jpg#xywh=percent:0,0,50,50

00:00:08.000 --> 00:00:10.000
http://[bad/x.jpg

00:00:10.000 --> 00:00:12.000
good.jpg#xywh=320,180,160,90
`;
    const cues = parseThumbnailVtt(text, BASE);
    expect(cues).toHaveLength(1);
    expect(cues[0]?.url).toMatch(/good\.jpg$/);
    expect(parseThumbnailVtt("WEBVTT\n", BASE)).toEqual([]);
  });

  it("sorts cues by start", () => {
    const text =
      "WEBVTT\n\n00:00:02.000 --> 00:00:04.000\nb.jpg\n\n00:00:00.000 --> 00:00:02.000\na.jpg\n";
    expect(parseThumbnailVtt(text, BASE).map((c) => c.startSec)).toEqual([0, 2]);
  });
});

describe("thumbnailAt", () => {
  const cues = parseThumbnailVtt(ENCODED, BASE);
  it("finds the cue covering a time", () => {
    expect(thumbnailAt(cues, 0)?.tile?.x).toBe(0);
    expect(thumbnailAt(cues, 1.99)?.tile?.x).toBe(0);
    expect(thumbnailAt(cues, 2)?.tile?.x).toBe(160);
    expect(thumbnailAt(cues, 5)?.url).toMatch(/sprite_002/);
  });
  it("keeps the last picture past the end and has none without cues", () => {
    expect(thumbnailAt(cues, 99)?.url).toMatch(/sprite_002/);
    expect(thumbnailAt([], 3)).toBeNull();
    expect(thumbnailAt(cues, Number.NaN)).toBeNull();
  });
  it("shows nothing in a gap between cues", () => {
    const gappy = parseThumbnailVtt(
      "WEBVTT\n\n00:00.000 --> 00:01.000\na.jpg\n\n00:05.000 --> 00:06.000\nb.jpg\n",
      BASE,
    );
    expect(thumbnailAt(gappy, 3)).toBeNull();
    expect(thumbnailAt(gappy, 5.5)?.url).toMatch(/b\.jpg$/);
  });
});
