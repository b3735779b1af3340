import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_ABR_TUNABLES } from "../../src/schemas/abr-tunables.ts";
import type { ExportedSegment, SessionExport } from "../../src/schemas/session-export.ts";
import { parseSimArgs } from "./args.ts";
import { defaultLadder } from "./ladder.ts";
import { sessionMetrics } from "./metrics.ts";
import { DEFAULT_SIM_CONFIG, playOne } from "./run.ts";
import { loadSessionReplay, traceFromSegments } from "./session-trace.ts";
import { trace } from "./test-support.ts";
import type { NamedTrace } from "./traces.ts";

const segment = (
  atMs: number,
  sizeBytes: number,
  transferMs: number,
  aborted: string | null = null,
): ExportedSegment => ({
  atMs,
  url: `http://a/seg_${atMs}.m4s`,
  applianceId: "isp-a-1",
  renditionId: "h264-360p",
  sizeBytes,
  ttfbMs: 20,
  transferMs,
  cacheStatus: "HIT",
  aborted,
});

const session = (segments: ExportedSegment[]): SessionExport => ({
  schemaVersion: 1,
  exportedAt: "2026-11-30T12:00:00.000Z",
  environment: {
    pageUrl: "http://127.0.0.1:5173/watch/e2e-clip",
    userAgent: "test",
    stream: { titleId: "e2e-clip", url: null },
    engine: "hlsjs",
    engineVersion: "1.7.4",
    abr: "ours",
    capToPlayerSize: true,
    window: { width: 1280, height: 720, devicePixelRatio: 1 },
  },
  qoe: {
    timeToFirstFrameMs: 800,
    stallCount: 0,
    stallMs: 0,
    freezes: 0,
    averageBitrateBps: 1e6,
    averageQuality: 70,
    switches: 1,
    applianceChanges: 0,
    droppedFrames: 0,
    qualityQoe: 3,
  },
  decisions: [],
  segments,
  timeline: [],
  warnings: [],
});

describe("a session's link as a trace", () => {
  it("gives each segment's rate over its transfer, in time order, skipping what was given up", () => {
    const trace = traceFromSegments([
      segment(3_000, 250_000, 1_000), // 2 Mbit/s from 2 s to 3 s
      segment(1_000, 125_000, 1_000), // 1 Mbit/s from 0 to 1 s
      segment(2_000, 0, 0, "HTTP 503"),
    ]);
    expect(trace.samples).toEqual([
      { atSec: 0, mbps: 1 },
      { atSec: 2, mbps: 2 },
    ]);
    expect(trace.durationSec).toBe(3);
  });

  it("needs two measured segments", () => {
    expect(() => traceFromSegments([segment(1_000, 1_000, 100)])).toThrow(/play longer/);
  });

  it("reads an export, and refuses what is not one with the fix", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "session-"));
    const good = path.join(dir, "good.json");
    writeFileSync(
      good,
      JSON.stringify(session([segment(1_000, 125_000, 1_000), segment(3_000, 250_000, 1_000)])),
    );
    const replay = loadSessionReplay(good);
    expect(replay.titleId).toBe("e2e-clip");
    // An export made before the tunables: the controller's defaults.
    expect(replay.abrTunables).toBeNull();
    expect(replay.set.traces[0]?.trace.samples).toHaveLength(2);

    const csv = path.join(dir, "s-segments.csv");
    writeFileSync(csv, "atMs,url\r\n");
    expect(() => loadSessionReplay(csv)).toThrow(/not JSON: give the .json file/);
    const other = path.join(dir, "other.json");
    writeFileSync(other, JSON.stringify({ hello: 1 }));
    expect(() => loadSessionReplay(other)).toThrow(/not a session export \(schemaVersion/);
    expect(() => loadSessionReplay(path.join(dir, "missing.json"))).toThrow(/cannot read/);
  });

  it("carries the session's ABR settings, and our controller replays with them", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "session-"));
    const file = path.join(dir, "tuned.json");
    const exported = session([segment(1_000, 125_000, 1_000), segment(3_000, 250_000, 1_000)]);
    const tunables = { ...DEFAULT_ABR_TUNABLES, switchPenalty: 20 };
    exported.environment.abrTunables = tunables;
    writeFileSync(file, JSON.stringify(exported));
    expect(loadSessionReplay(file).abrTunables).toEqual(tunables);

    // On a link that rises, switches priced twenty times higher keep our controller where it
    // started: the replay plays the settings, not the defaults.
    const rising: NamedTrace = {
      name: "rising",
      file: "rising",
      trace: trace([
        [0, 0.5],
        [20, 3],
        [40, 6],
      ]),
    };
    const l = defaultLadder();
    const switches = (abrTunables?: typeof tunables) =>
      sessionMetrics(l, playOne(l, rising, { ...DEFAULT_SIM_CONFIG, abrTunables }, "ours", []))
        .switches;
    expect(switches()).toBeGreaterThan(0);
    expect(switches(tunables)).toBeLessThan(switches());
  });

  it("takes --session instead of --traces, never both", () => {
    expect(parseSimArgs(["--session", "s.json"], "/w", {}).session).toBe("/w/s.json");
    expect(() => parseSimArgs(["--session", "s.json", "--traces", "t"], "/w", {})).toThrow(
      /one of them/,
    );
  });
});
