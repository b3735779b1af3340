import { describe, expect, it } from "vitest";
import type { Title } from "../../schemas/catalog.ts";
import {
  checkManifest,
  checkStreamUrl,
  engineForUrl,
  enginesFor,
  hostOf,
  initialEngine,
  manifestKind,
  qualityLabel,
  sourceFor,
  urlItem,
} from "./play-item.ts";

describe("engineForUrl", () => {
  it("reads the manifest type from the path, whatever the query or the case", () => {
    expect(engineForUrl("https://cdn.example/live/master.m3u8")).toBe("hlsjs");
    expect(engineForUrl("https://cdn.example/a/MASTER.M3U8?token=x.mpd")).toBe("hlsjs");
    expect(engineForUrl("http://127.0.0.1:18090/dash/manifest.mpd")).toBe("shaka");
    expect(engineForUrl("https://cdn.example/stream.mpd#t=10")).toBe("shaka");
  });

  it("says null when the URL does not tell, or is no URL", () => {
    expect(engineForUrl("https://cdn.example/play?id=42")).toBeNull();
    expect(engineForUrl("https://cdn.example/")).toBeNull();
    expect(engineForUrl("not a url")).toBeNull();
  });
});

describe("checkStreamUrl", () => {
  it("takes http and https addresses, trimmed", () => {
    expect(checkStreamUrl("  https://cdn.example/a.m3u8 ")).toEqual({
      ok: true,
      url: "https://cdn.example/a.m3u8",
    });
    expect(checkStreamUrl("http://127.0.0.1:18090/hls/master.m3u8")).toEqual({
      ok: true,
      url: "http://127.0.0.1:18090/hls/master.m3u8",
    });
  });

  it("refuses anything else, naming the cause and the fix", () => {
    const empty = checkStreamUrl("   ");
    expect(empty.ok).toBe(false);
    if (!empty.ok) expect(empty.message).toMatch(/Enter a stream URL.*http:\/\/ or https:\/\//);
    const relative = checkStreamUrl("cdn.example/a.m3u8");
    if (relative.ok) throw new Error("expected a refusal");
    expect(relative.message).toMatch(/is not a URL: paste the full address/);
    for (const input of ["ftp://cdn.example/a.m3u8", "javascript:alert(1)", "file:///a.m3u8"]) {
      const check = checkStreamUrl(input);
      if (check.ok) throw new Error(`expected ${input} to be refused`);
      expect(check.message).toMatch(/Only http:\/\/ and https:\/\/ streams can be played/);
    }
  });
});

describe("play items", () => {
  it("fixes the engine of a URL by its type, and lets the menu switch only when unknown", () => {
    const hls = urlItem("https://cdn.example/a.m3u8");
    expect(initialEngine(hls)).toBe("hlsjs");
    expect(enginesFor(hls)).toEqual(["hlsjs"]);
    const dash = urlItem("https://cdn.example/a.mpd");
    expect(initialEngine(dash)).toBe("shaka");
    expect(enginesFor(dash)).toEqual(["shaka"]);
    const unknown = urlItem("https://cdn.example/play?id=1");
    expect(initialEngine(unknown)).toBe("hlsjs");
    expect(enginesFor(unknown)).toEqual(["hlsjs", "shaka"]);
  });

  it("builds an unrouted source without catalog renditions for a URL", () => {
    expect(sourceFor(urlItem("https://cdn.example/a.m3u8"), "hlsjs", "http://o")).toEqual({
      manifestUrl: "https://cdn.example/a.m3u8",
      renditions: null,
      originTitleBase: null,
      titlePath: null,
    });
  });

  it("builds a routed source for a title, per engine", () => {
    const title = {
      path: "titles/grain--1",
      manifests: { hls: "titles/grain--1/master.m3u8", dash: "titles/grain--1/manifest.mpd" },
      renditions: [],
    } as unknown as Title;
    const item = { kind: "title", title } as const;
    expect(enginesFor(item)).toEqual(["hlsjs", "shaka"]);
    expect(sourceFor(item, "shaka", "http://o")).toEqual({
      manifestUrl: "http://o/titles/grain--1/manifest.mpd",
      renditions: [],
      originTitleBase: "http://o/titles/grain--1/",
      titlePath: "titles/grain--1/",
    });
  });

  it("names a foreign stream's host, and labels renditions without size or bitrate", () => {
    expect(hostOf("http://127.0.0.1:18090/hls/master.m3u8")).toBe("127.0.0.1:18090");
    const base = {
      id: "level-0",
      codec: "h264",
      codecs: "avc1",
      width: 1,
      height: 1,
      frameRate: 30,
      averageBitrateBps: 64_000,
      peakBitrateBps: 64_000,
      targetBitrateBps: 64_000,
      quality: { metric: "vmaf", value: 10, score: 10 },
      playlist: "a.m3u8",
    } as const;
    expect(qualityLabel(base)).toBe("64 kbit/s");
    expect(qualityLabel({ ...base, averageBitrateBps: 1 })).toBe("as published");
    expect(qualityLabel({ ...base, width: 640, height: 360, averageBitrateBps: 700_400 })).toBe(
      "H264 360p 700 kbit/s",
    );
  });
});

const messageOf = (check: { ok: true } | { ok: false; message: string }) =>
  check.ok ? "" : check.message;

describe("manifestKind / checkManifest", () => {
  it("tells HLS from DASH from anything else by the first bytes", () => {
    expect(manifestKind("#EXTM3U\n#EXT-X-VERSION:3")).toBe("hls");
    expect(manifestKind("\uFEFF  #EXTM3U")).toBe("hls");
    expect(manifestKind('<?xml version="1.0"?>\n<!-- made by x -->\n<MPD xmlns="urn">')).toBe(
      "dash",
    );
    expect(manifestKind("<MPD>")).toBe("dash");
    expect(manifestKind("<!DOCTYPE html><html>")).toBeNull();
    expect(manifestKind('<?xml version="1.0"?><feed>')).toBeNull();
    expect(manifestKind("")).toBeNull();
  });

  const url = "http://127.0.0.1:18090/missing.m3u8";
  it("names the URL and the HTTP status, or no answer", () => {
    const notFound = checkManifest(url, "hlsjs", 404, "");
    expect(notFound).toEqual({
      ok: false,
      message: expect.stringContaining(`Could not load ${url}: HTTP 404`),
    });
    const down = checkManifest(url, "hlsjs", null, "");
    expect(messageOf(down)).toMatch(/Could not load .*: no answer .*CORS/);
  });

  it("refuses a document that is no manifest, quoting its start", () => {
    const check = checkManifest(url, "hlsjs", 200, "These are notes, not a playlist.\n");
    expect(messageOf(check)).toMatch(
      /is not an HLS or DASH manifest \(it starts with "These are notes, not a playlist\."\)/,
    );
    expect(messageOf(checkManifest(url, "shaka", 200, ""))).toMatch(/it is empty/);
  });

  it("accepts HLS in either engine, DASH only in shaka", () => {
    expect(checkManifest(url, "hlsjs", 200, "#EXTM3U")).toEqual({ ok: true });
    expect(checkManifest(url, "shaka", 200, "#EXTM3U")).toEqual({ ok: true });
    expect(checkManifest(url, "shaka", 200, "<MPD>")).toEqual({ ok: true });
    expect(messageOf(checkManifest(url, "hlsjs", 200, "<MPD>"))).toMatch(/choose shaka-player/);
  });
});
