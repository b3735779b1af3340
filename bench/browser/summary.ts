/**
 * The comparison table, pure: run results in, per-network means and ratios out. A ratio is our
 * controller's figure over the same engine's own ABR's, so below 1 is better on "lower is
 * better" rows (time to first frame, stalls) and above 1 on "higher is better" ones (bitrate,
 * quality).
 */
import type { QoeFigures } from "../../src/features/player/qoe.ts";
import { type EngineName, type PlayerName, playerParts } from "./args.ts";

export interface RunResult {
  scenario: string;
  player: PlayerName;
  repeat: number;
  /** null when the run failed before the page could be read. */
  metrics: QoeFigures | null;
  /** False when the player never said which rendition played: bitrate and quality are unknown. */
  renditionReported: boolean;
  /** Played the whole duration (or to the end); false when cut at the wall-clock limit. */
  complete: boolean;
  mediaSec: number;
  wallSec: number;
  error: string | null;
  /** The session's status when the run ended (playing, stalled, ended, …) and its last warnings. */
  status?: string | null;
  warnings?: string[];
  /** Segment requests of the measured session per server (host:port). */
  requestsByHost?: Record<string, number>;
  /** Share of those that went to an appliance: below 1, part of the run was not shaped. */
  shapedShare?: number | null;
}

export interface MetricDef {
  key: keyof QoeFigures;
  label: string;
  better: "lower" | "higher";
  /** Multiplies the stored figure for display (ms to s, bit/s to kbit/s). */
  scale: number;
  digits: number;
  /** Only known when the player reported the rendition it played. */
  needsRendition?: boolean;
}

export const METRICS: MetricDef[] = [
  {
    // The target's figure: the simulator's QoE_q over the run (src/features/player/qoe.ts).
    key: "qualityQoe",
    label: "quality-aware QoE",
    better: "higher",
    scale: 1,
    digits: 1,
    needsRendition: true,
  },
  {
    key: "timeToFirstFrameMs",
    label: "time to first frame, ms",
    better: "lower",
    scale: 1,
    digits: 0,
  },
  { key: "stallCount", label: "stalls", better: "lower", scale: 1, digits: 1 },
  { key: "stallMs", label: "stall time, s", better: "lower", scale: 1e-3, digits: 2 },
  {
    key: "averageBitrateBps",
    label: "average bitrate, kbit/s",
    better: "higher",
    scale: 1e-3,
    digits: 0,
    needsRendition: true,
  },
  {
    key: "averageQuality",
    label: "average quality score",
    better: "higher",
    scale: 1,
    digits: 1,
    needsRendition: true,
  },
  { key: "switches", label: "rendition switches", better: "lower", scale: 1, digits: 1 },
  { key: "applianceChanges", label: "appliance changes", better: "lower", scale: 1, digits: 1 },
  { key: "droppedFrames", label: "dropped frames", better: "lower", scale: 1, digits: 0 },
];

export interface SummaryRow {
  metric: MetricDef;
  /** Mean per player, in `players` order; null when no run of that player gave the figure. */
  values: (number | null)[];
  /** ours / engine per engine in `pairs` order. */
  ratios: (number | null)[];
}

export interface Summary {
  scenario: string;
  players: PlayerName[];
  /** Engines with both players present, so a ratio exists. */
  pairs: EngineName[];
  /** Runs that gave figures, and runs in all, per player. */
  runs: { ok: number; total: number; complete: number }[];
  /** Mean share of segment requests that went to appliances, per player. */
  shaped: (number | null)[];
  rows: SummaryRow[];
}

export const ALL_SCENARIOS = "all networks (mean of each network's mean)";

export function mean(values: number[]): number | null {
  return values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;
}

/** ours / engine; 1 when both are 0; null when the engine's is 0 and ours is not, or either is missing. */
export function ratio(ours: number | null, engine: number | null): number | null {
  if (ours === null || engine === null) return null;
  if (engine === 0) return ours === 0 ? 1 : null;
  return ours / engine;
}

/** Share of segment requests that went to an appliance (so were shaped); null with none at all. */
export function shapedShare(
  byHost: Record<string, number>,
  applianceHosts: string[],
): number | null {
  const all = Object.values(byHost).reduce((a, b) => a + b, 0);
  if (all === 0) return null;
  const shaped = applianceHosts.reduce((n, h) => n + (byHost[h] ?? 0), 0);
  return shaped / all;
}

export function enginePairs(players: PlayerName[]): EngineName[] {
  const engines: EngineName[] = [];
  for (const p of players) {
    const { engine } = playerParts(p);
    if (engines.includes(engine)) continue;
    if (players.includes(`ours-${engine}`) && players.includes(`engine-${engine}`))
      engines.push(engine);
  }
  return engines;
}

function withRatios(
  scenario: string,
  players: PlayerName[],
  runs: Summary["runs"],
  shaped: Summary["shaped"],
  valuesOf: (metric: MetricDef, player: PlayerName) => number | null,
): Summary {
  const pairs = enginePairs(players);
  const rows = METRICS.map((metric) => {
    const values = players.map((p) => valuesOf(metric, p));
    const at = (p: PlayerName) => values[players.indexOf(p)] ?? null;
    const ratios = pairs.map((e) => ratio(at(`ours-${e}`), at(`engine-${e}`)));
    return { metric, values, ratios };
  });
  return { scenario, players, pairs, runs, shaped, rows };
}

/** One network: each player's mean over its repeats (runs that gave figures). */
export function summarizeScenario(
  results: RunResult[],
  players: PlayerName[],
  scenario: string,
): Summary {
  const mine = results.filter((r) => r.scenario === scenario);
  const runs = players.map((p) => {
    const of = mine.filter((r) => r.player === p);
    return {
      ok: of.filter((r) => r.metrics !== null).length,
      total: of.length,
      complete: of.filter((r) => r.complete).length,
    };
  });
  const shaped = players.map((p) =>
    mean(
      mine
        .filter((r) => r.player === p)
        .map((r) => r.shapedShare)
        .filter((v): v is number => typeof v === "number"),
    ),
  );
  return withRatios(scenario, players, runs, shaped, (metric, player) => {
    const figures = mine
      .filter((r) => r.player === player && (r.renditionReported || !metric.needsRendition))
      .map((r) => r.metrics?.[metric.key])
      .filter((v): v is number => typeof v === "number");
    return mean(figures);
  });
}

/**
 * A table per network, and with more than one network an overall table where each network
 * counts once (a long trace list of one kind should not drown the others by run count).
 */
export function summarize(
  results: RunResult[],
  players: PlayerName[],
  scenarios: string[],
): Summary[] {
  const each = scenarios.map((s) => summarizeScenario(results, players, s));
  if (each.length < 2) return each;
  const runs = players.map((_, i) => ({
    ok: each.reduce((n, s) => n + s.runs[i]!.ok, 0),
    total: each.reduce((n, s) => n + s.runs[i]!.total, 0),
    complete: each.reduce((n, s) => n + s.runs[i]!.complete, 0),
  }));
  const shaped = players.map((_, i) =>
    mean(each.map((s) => s.shaped[i] ?? null).filter((v): v is number => v !== null)),
  );
  const overall = withRatios(ALL_SCENARIOS, players, runs, shaped, (metric, player) => {
    const row = METRICS.indexOf(metric);
    const col = players.indexOf(player);
    const values = each
      .map((s) => s.rows[row]!.values[col] ?? null)
      .filter((v): v is number => v !== null);
    return mean(values);
  });
  return [...each, overall];
}

export function formatValue(metric: MetricDef, value: number | null): string {
  return value === null ? "—" : (value * metric.scale).toFixed(metric.digits);
}

export function formatRatio(value: number | null): string {
  return value === null ? "—" : `${value.toFixed(2)}x`;
}

/** Header and body cells of one summary, ready for a table renderer. */
export function tableCells(summary: Summary): { head: string[]; body: string[][] } {
  const head = [
    `${summary.scenario}`,
    ...summary.players,
    ...summary.pairs.map((e) => `ours/engine ${e}`),
  ];
  const body = summary.rows.map((row) => [
    `${row.metric.label} (${row.metric.better} is better)`,
    ...row.values.map((v) => formatValue(row.metric, v)),
    ...row.ratios.map(formatRatio),
  ]);
  body.push([
    "segment requests to shaped appliances",
    ...summary.shaped.map((v) => (v === null ? "—" : `${Math.round(v * 100)}%`)),
    ...summary.pairs.map(() => ""),
  ]);
  body.push([
    "runs with figures / complete / all",
    ...summary.runs.map((r) => `${r.ok} / ${r.complete} / ${r.total}`),
    ...summary.pairs.map(() => ""),
  ]);
  return { head, body };
}
