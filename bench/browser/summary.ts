/**
 * The comparison tables, pure: run outcomes in, per-set means and ratios out. A set's figure
 * for a player is the mean over its runs (every trace and repeat); the overall table gives
 * each set one vote. A ratio is our controller's figure over the same engine's own ABR's, so
 * below 1 is better on "lower is better" rows (time to first frame, stalls) and above 1 on
 * "higher is better" ones (QoE, bitrate, quality). QoE can be negative, where a ratio reads
 * backwards (-3 / -9 = 0.33 though ours is better): there the table shows the difference,
 * ours - engine, instead.
 */
import { type EngineName, type PlayerName, playerParts } from "./args.ts";
import type { RunMetrics } from "./meter/measure.ts";

export interface RunOutcome {
  set: string;
  player: PlayerName;
  /** null when the run failed before anything could be measured. */
  metrics: RunMetrics | null;
  /** Share of segment requests that went to appliances: below 1, part of the run was not shaped. */
  shapedShare: number | null;
}

export interface MetricDef {
  key: keyof RunMetrics;
  label: string;
  better: "lower" | "higher";
  /** Multiplies the stored figure for display (ms to s). */
  scale: number;
  digits: number;
}

export const METRICS: MetricDef[] = [
  { key: "qoeLinPer4s", label: "QoE_lin per 4 s", better: "higher", scale: 1, digits: 2 },
  { key: "qoeQPer4s", label: "QoE_q per 4 s", better: "higher", scale: 1, digits: 2 },
  {
    key: "timeToFirstFrameMs",
    label: "time to first frame, s",
    better: "lower",
    scale: 1e-3,
    digits: 2,
  },
  { key: "stallCount", label: "stalls", better: "lower", scale: 1, digits: 1 },
  { key: "stallSec", label: "stall time, s", better: "lower", scale: 1, digits: 2 },
  {
    key: "averageBitrateKbps",
    label: "average bitrate, kbit/s",
    better: "higher",
    scale: 1,
    digits: 0,
  },
  { key: "averageQuality", label: "average quality score", better: "higher", scale: 1, digits: 1 },
  { key: "switches", label: "rendition switches", better: "lower", scale: 1, digits: 1 },
  {
    key: "maxRequestsPerSegment",
    label: "most requests of one segment",
    better: "lower",
    scale: 1,
    digits: 1,
  },
  { key: "abortedRequests", label: "aborted requests", better: "lower", scale: 1, digits: 1 },
];

export interface SummaryRow {
  metric: MetricDef;
  /** Mean per player, in `players` order; null when no run of that player gave the figure. */
  values: (number | null)[];
  /** ours / engine per engine in `pairs` order. */
  ratios: (number | null)[];
  /** ours - engine per engine in `pairs` order. */
  differences: (number | null)[];
}

export interface Summary {
  set: string;
  players: PlayerName[];
  /** Engines with both players present, so a ratio exists. */
  pairs: EngineName[];
  /** Per player: runs measured, runs that showed a frame, runs in all. */
  runs: { measured: number; played: number; total: number }[];
  /** Mean share of segment requests that went to appliances, per player. */
  shaped: (number | null)[];
  rows: SummaryRow[];
}

export const ALL_SETS = "all sets (mean of each set's mean)";

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

export function difference(ours: number | null, engine: number | null): number | null {
  return ours === null || engine === null ? null : ours - engine;
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

const numbers = (values: (number | null | undefined)[]) =>
  values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));

function withRatios(
  set: string,
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
    const differences = pairs.map((e) => difference(at(`ours-${e}`), at(`engine-${e}`)));
    return { metric, values, ratios, differences };
  });
  return { set, players, pairs, runs, shaped, rows };
}

/** One set: each player's mean over its runs (every trace and repeat that gave the figure). */
export function summarizeSet(results: RunOutcome[], players: PlayerName[], set: string): Summary {
  const mine = results.filter((r) => r.set === set);
  const of = (p: PlayerName) => mine.filter((r) => r.player === p);
  const runs = players.map((p) => ({
    measured: of(p).filter((r) => r.metrics !== null).length,
    played: of(p).filter((r) => r.metrics?.timeToFirstFrameMs != null).length,
    total: of(p).length,
  }));
  const shaped = players.map((p) => mean(numbers(of(p).map((r) => r.shapedShare))));
  return withRatios(set, players, runs, shaped, (metric, player) =>
    mean(numbers(of(player).map((r) => r.metrics?.[metric.key] as number | null | undefined))),
  );
}

/**
 * A table per set, and with more than one set an overall table where each set counts once (a
 * long trace list of one kind should not drown the others by run count).
 */
export function summarize(results: RunOutcome[], players: PlayerName[], sets: string[]): Summary[] {
  const each = sets.map((s) => summarizeSet(results, players, s));
  if (each.length < 2) return each;
  const runs = players.map((_, i) => ({
    measured: each.reduce((n, s) => n + s.runs[i]!.measured, 0),
    played: each.reduce((n, s) => n + s.runs[i]!.played, 0),
    total: each.reduce((n, s) => n + s.runs[i]!.total, 0),
  }));
  const shaped = players.map((_, i) => mean(numbers(each.map((s) => s.shaped[i]))));
  const overall = withRatios(ALL_SETS, players, runs, shaped, (metric, player) => {
    const row = METRICS.indexOf(metric);
    const col = players.indexOf(player);
    return mean(numbers(each.map((s) => s.rows[row]!.values[col])));
  });
  return [...each, overall];
}

export function formatValue(metric: MetricDef, value: number | null): string {
  return value === null ? "—" : (value * metric.scale).toFixed(metric.digits);
}

/** ours / engine, or where either figure is below 0 (a ratio would read backwards) ours - engine. */
export function formatComparison(
  metric: MetricDef,
  ours: number | null,
  engine: number | null,
): string {
  if (ours !== null && engine !== null && (ours < 0 || engine < 0)) {
    const diff = (ours - engine) * metric.scale;
    return `${diff >= 0 ? "+" : ""}${diff.toFixed(metric.digits)} (diff.)`;
  }
  const value = ratio(ours, engine);
  return value === null ? "—" : `${value.toFixed(2)}x`;
}

/** Header and body cells of one summary, ready for a table renderer. */
export function tableCells(summary: Summary): { head: string[]; body: string[][] } {
  const head = [summary.set, ...summary.players, ...summary.pairs.map((e) => `ours/engine ${e}`)];
  const body = summary.rows.map((row) => [
    `${row.metric.label} (${row.metric.better} is better)`,
    ...row.values.map((v) => formatValue(row.metric, v)),
    ...summary.pairs.map((engine) => {
      const at = (p: PlayerName) => row.values[summary.players.indexOf(p)] ?? null;
      return formatComparison(row.metric, at(`ours-${engine}`), at(`engine-${engine}`));
    }),
  ]);
  const blank = summary.pairs.map(() => "");
  body.push([
    "segment requests to shaped appliances",
    ...summary.shaped.map((v) => (v === null ? "—" : `${Math.round(v * 100)}%`)),
    ...blank,
  ]);
  body.push([
    "runs measured / showed a frame / all",
    ...summary.runs.map((r) => `${r.measured} / ${r.played} / ${r.total}`),
    ...blank,
  ]);
  return { head, body };
}
