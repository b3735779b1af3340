import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ArgError, parseSimArgs } from "./args.ts";
import { defaultLadder, ladderFromCatalog, ladderFromFile } from "./ladder.ts";
import { loadTraceSets } from "./traces.ts";

const scratch = () => mkdtempSync(path.join(tmpdir(), "bench-sim-"));

describe("trace folders", () => {
  it("reads a folder of traces, or one set per subfolder", () => {
    const dir = scratch();
    mkdirSync(path.join(dir, "a"));
    mkdirSync(path.join(dir, "b"));
    writeFileSync(path.join(dir, "a", "t1.log"), "0 1.5\n1 2\n");
    writeFileSync(path.join(dir, "b", "t2"), "0\n5\n10\n");
    writeFileSync(path.join(dir, "README.md"), "# not a trace\n");
    const sets = loadTraceSets(dir);
    expect(sets.map((s) => [s.name, s.traces.map((t) => t.name)])).toEqual([
      ["a", ["t1.log"]],
      ["b", ["t2"]],
    ]);
    expect(loadTraceSets(path.join(dir, "a"))[0]!.name).toBe("a");
  });

  it("refuses a missing folder, an empty one and an unparsable trace, naming the fix", () => {
    const dir = scratch();
    expect(() => loadTraceSets(path.join(dir, "nope"))).toThrow(/no folder .*nope.*give a folder/);
    expect(() => loadTraceSets(dir)).toThrow(/has no trace files/);
    writeFileSync(path.join(dir, "bad.log"), "0 1\n1 fast\n");
    expect(() => loadTraceSets(dir)).toThrow(/bad\.log is not a trace: line 2.*fix it/);
  });
});

describe("ladders", () => {
  it("has a documented built-in ladder", () => {
    const l = defaultLadder();
    expect(l.renditions.map((r) => r.averageBitrateBps / 1000)).toEqual([
      300, 750, 1200, 1850, 2850, 4300,
    ]);
    expect(l.durationsSec).toHaveLength(48);
    expect(l.sizesBytes[5]![0]).toBe((4_300_000 * 4) / 8);
  });

  it("reads a ladder file and refuses a bad one", () => {
    const dir = scratch();
    const good = path.join(dir, "l.json");
    writeFileSync(
      good,
      JSON.stringify({
        segmentSec: 2,
        segments: 3,
        renditions: [
          { id: "hi", bitrateKbps: 2000, score: 80 },
          { id: "lo", bitrateKbps: 500, score: 40, sizesBytes: [100, 200, 300] },
        ],
      }),
    );
    const l = ladderFromFile(good);
    expect(l.renditions.map((r) => r.id)).toEqual(["lo", "hi"]);
    expect(l.sizesBytes[0]).toEqual([100, 200, 300]);
    const bad = path.join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ segmentSec: 2, segments: 3, renditions: [] }));
    expect(() => ladderFromFile(bad)).toThrow(/renditions.*ladder\.example\.json/);
  });

  it("reads a catalog title's real segment sizes, and names the titles when one is unknown", () => {
    const root = scratch();
    const dir = "titles/t--1/video/h264-360";
    mkdirSync(path.join(root, dir), { recursive: true });
    writeFileSync(
      path.join(root, dir, "index.m3u8"),
      '#EXTM3U\n#EXT-X-MAP:URI="init.mp4"\n#EXTINF:2.00000,\nseg-0.m4s\n#EXTINF:1.50000,\nseg-1.m4s\n#EXT-X-ENDLIST\n',
    );
    writeFileSync(path.join(root, dir, "seg-0.m4s"), Buffer.alloc(1000));
    writeFileSync(path.join(root, dir, "seg-1.m4s"), Buffer.alloc(700));
    const rendition = {
      id: "h264-360",
      codec: "h264",
      codecs: "avc1.64001e",
      width: 640,
      height: 360,
      frameRate: 24,
      averageBitrateBps: 3800,
      peakBitrateBps: 4000,
      targetBitrateBps: 4000,
      quality: { metric: "ssim", value: 0.9, score: 60 },
      playlist: `${dir}/index.m3u8`,
    };
    const title = {
      id: "t",
      kind: "movie",
      name: "T",
      synopsis: "",
      year: 2024,
      genres: ["Drama"],
      tags: { mood: [], pace: "slow", themes: [] },
      durationSec: 3.5,
      path: "titles/t--1",
      manifests: { hls: "titles/t--1/master.m3u8", dash: "titles/t--1/manifest.mpd" },
      artwork: { poster: "titles/t--1/poster.jpg", backdrop: "titles/t--1/backdrop.jpg" },
      thumbnails: {
        vtt: "titles/t--1/thumbs.vtt",
        intervalSec: 2,
        width: 160,
        height: 90,
        columns: 5,
        rows: 5,
        sprites: ["titles/t--1/sprite-0.jpg"],
      },
      renditions: [rendition],
      audio: [],
      subtitles: [],
      encoding: {
        metric: "ssim",
        bdRatePercent: null,
        report: "titles/t--1/report.md",
        inputHash: "0123456789abcdef",
        encodedAt: "2026-01-01T00:00:00.000Z",
      },
    };
    writeFileSync(
      path.join(root, "catalog.json"),
      JSON.stringify({
        schemaVersion: 1,
        generatedAt: "2026-01-01T00:00:00.000Z",
        titles: [title],
        series: [],
      }),
    );
    const l = ladderFromCatalog(root, "t");
    expect(l.durationsSec).toEqual([2, 1.5]);
    expect(l.sizesBytes).toEqual([[1000, 700]]);
    expect(ladderFromCatalog(root, null).renditions[0]!.id).toBe("h264-360");
    expect(() => ladderFromCatalog(root, "nope")).toThrow(/no title "nope".*choose one of t/);
    expect(() => ladderFromCatalog(path.join(root, "missing"), "t")).toThrow(
      /no catalog\.json.*npm start/,
    );
  });
});

describe("arguments", () => {
  it("needs --traces and resolves the rest", () => {
    expect(() => parseSimArgs([])).toThrow(ArgError);
    const a = parseSimArgs(["--traces", "tr", "--title", "x"], "/w", {});
    expect(a.traces).toBe("/w/tr");
    expect(a.ladder).toEqual({ kind: "catalog", dir: "/w/catalog", title: "x" });
    expect(a.out).toBe("/w/.cache/bench/abr");
    expect(parseSimArgs(["--traces", "t"], "/w", {}).ladder).toEqual({ kind: "default" });
    expect(() => parseSimArgs(["--traces", "t", "--ladder", "l", "--title", "x"])).toThrow(
      /not both/,
    );
    expect(() => parseSimArgs(["--traces", "t", "--rtt-ms=-1"])).toThrow(/positive/);
    expect(() => parseSimArgs(["--traces", "t", "--bogus"])).toThrow(/^Unknown option '--bogus'$/);
  });
});
