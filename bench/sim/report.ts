/**
 * Summaries per trace set: median and mean of every metric per algorithm, each algorithm's
 * median QoE as a fraction of the offline optimum's median (the bound), a Markdown table for
 * the terminal and README, and the JSON document with every session.
 */
import type { SimLadder } from "./ladder.ts";
import type { SessionMetrics } from "./metrics.ts";
import { OPTIMUM, type SimConfig, type TraceResult } from "./run.ts";

export type MetricName = keyof SessionMetrics;

export const METRICS: MetricName[] = [
  "qoeLin",
  "qoeQuality",
  "stallRatio",
  "startupSec",
  "stallSec",
  "stallCount",
  "avgBitrateKbps",
  "avgQuality",
  "switches",
  "abandonments",
];

export interface Stat {
  median: number;
  mean: number;
}

export interface AlgorithmSummary {
  algorithm: string;
  stats: Record<MetricName, Stat>;
  /** Median QoE over the optimum's median bound (null when that median is not positive). */
  fractionLin: number | null;
  fractionQuality: number | null;
}

export interface SetSummary {
  set: string;
  sessions: number;
  optimum: { qoeLin: Stat; qoeQuality: Stat; replayQoeLin: Stat };
  algorithms: AlgorithmSummary[];
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const mean = (values: readonly number[]) => values.reduce((a, b) => a + b, 0) / values.length;
const stat = (values: readonly number[]): Stat => ({ median: median(values), mean: mean(values) });

export function summarize(set: string, results: TraceResult[]): SetSummary {
  const names = Object.keys(results[0]?.metrics ?? {});
  const optLin = stat(results.map((r) => r.optimum.qoeLin));
  const optQ = stat(results.map((r) => r.optimum.qoeQuality));
  const fraction = (value: number, of: number) => (of > 0 ? value / of : null);
  const summaries = (name: string, pick: (r: TraceResult) => SessionMetrics) => {
    const stats = Object.fromEntries(
      METRICS.map((m) => [m, stat(results.map((r) => pick(r)[m]))]),
    ) as Record<MetricName, Stat>;
    return {
      algorithm: name,
      stats,
      fractionLin: fraction(stats.qoeLin.median, optLin.median),
      fractionQuality: fraction(stats.qoeQuality.median, optQ.median),
    };
  };
  return {
    set,
    sessions: results.length,
    optimum: {
      qoeLin: optLin,
      qoeQuality: optQ,
      replayQoeLin: stat(results.map((r) => r.optimum.replay.qoeLin)),
    },
    algorithms: [
      ...names.map((n) => summaries(n, (r) => r.metrics[n]!)),
      summaries(`${OPTIMUM} (plan replayed)`, (r) => r.optimum.replay),
    ],
  };
}

const f = (x: number, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : "—");
const pct = (x: number | null) => (x === null ? "—" : `${(x * 100).toFixed(1)}%`);

/** One Markdown table per set: medians (means in the JSON and the second table). */
export function markdownTable(s: SetSummary): string {
  const head =
    "| algorithm | QoE_lin median | mean | % of optimum | QoE_q median | % of optimum | stall ratio median | mean | startup s | kbit/s | quality | switches | abandons |";
  const rule = `|${" --- |".repeat(1)}${" ---: |".repeat(12)}`;
  const rows = s.algorithms.map((a) => {
    const st = a.stats;
    return `| ${a.algorithm} | ${f(st.qoeLin.median)} | ${f(st.qoeLin.mean)} | ${pct(a.fractionLin)} | ${f(st.qoeQuality.median)} | ${pct(a.fractionQuality)} | ${pct(st.stallRatio.median)} | ${pct(st.stallRatio.mean)} | ${f(st.startupSec.median, 2)} | ${f(st.avgBitrateKbps.median, 0)} | ${f(st.avgQuality.median)} | ${f(st.switches.median, 0)} | ${f(st.abandonments.mean, 2)} |`;
  });
  const o = s.optimum;
  const bound = `| ${OPTIMUM} (bound) | ${f(o.qoeLin.median)} | ${f(o.qoeLin.mean)} | 100% | ${f(o.qoeQuality.median)} | 100% | | | | | | | |`;
  return [`### ${s.set} (${s.sessions} traces)`, "", head, rule, ...rows, bound, ""].join("\n");
}

export interface RunInfo {
  traces: string;
  ladder: SimLadder;
  config: SimConfig;
  seconds: number;
}

export function resultsJson(
  info: RunInfo,
  sets: { summary: SetSummary; results: TraceResult[] }[],
) {
  return {
    generatedBy: "npm run bench:abr",
    traces: info.traces,
    ladder: {
      source: info.ladder.source,
      renditions: info.ladder.renditions.map((r) => ({
        id: r.id,
        averageBitrateBps: r.averageBitrateBps,
        peakBitrateBps: r.peakBitrateBps,
        score: r.quality.score,
      })),
      segments: info.ladder.durationsSec.length,
      mediaSec: info.ladder.durationsSec.reduce((a, b) => a + b, 0),
    },
    model: {
      bufferCapSec: info.config.bufferCapSec,
      rttSec: info.config.rttSec,
      optimumGrid: info.config.grid,
      traceStart:
        "each session starts at the trace's t = 0; a trace shorter than the session loops",
      qoe: "QoE_lin: sum Mbit/s - 4.3 x rebuffer s (startup included) - sum |change| Mbit/s; QoE_q: the same with score/20",
    },
    runSeconds: info.seconds,
    sets: sets.map((s) => ({ ...s.summary, sessions: s.results })),
  };
}
