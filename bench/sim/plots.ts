/**
 * Plots as self-contained SVG (no dependency: two chart types do not justify a chart library,
 * and SVG strings are easy to test and open anywhere): the CDF of a QoE over a set's sessions,
 * and one session's timeline (rendition bitrate and buffer level over time, stalls shaded).
 * `htmlReport` puts them, with the tables, in one HTML file.
 */
import type { SimLadder } from "./ladder.ts";
import type { SessionResult } from "./session.ts";

const COLORS = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#555555", "#17becf"];
const W = 640;
const H = 360;
const M = { left: 56, right: 150, top: 34, bottom: 44 };

const esc = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** About 5 round tick values covering [lo, hi]. */
function ticks(lo: number, hi: number): number[] {
  const span = hi - lo || 1;
  const raw = span / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9; v += step)
    out.push(Number(v.toPrecision(12)));
  return out;
}

interface Frame {
  x: (v: number) => number;
  y: (v: number) => number;
  svg: string[];
}

function frame(
  title: string,
  xLabel: string,
  yLabel: string,
  [x0, x1]: [number, number],
  [y0, y1]: [number, number],
  top = M.top,
  height = H - M.top - M.bottom,
): Frame {
  const pw = W - M.left - M.right;
  const x = (v: number) => M.left + ((v - x0) / (x1 - x0 || 1)) * pw;
  const y = (v: number) => top + height - ((v - y0) / (y1 - y0 || 1)) * height;
  const svg: string[] = [];
  svg.push(
    `<text x="${M.left}" y="${top - 12}" font-size="13" font-weight="bold">${esc(title)}</text>`,
  );
  svg.push(
    `<rect x="${M.left}" y="${top}" width="${pw}" height="${height}" fill="none" stroke="#999"/>`,
  );
  for (const t of ticks(x0, x1)) {
    svg.push(
      `<line x1="${x(t)}" x2="${x(t)}" y1="${top}" y2="${top + height}" stroke="#eee"/>`,
      `<text x="${x(t)}" y="${top + height + 14}" font-size="10" text-anchor="middle">${t}</text>`,
    );
  }
  for (const t of ticks(y0, y1)) {
    svg.push(
      `<line x1="${M.left}" x2="${M.left + pw}" y1="${y(t)}" y2="${y(t)}" stroke="#eee"/>`,
      `<text x="${M.left - 4}" y="${y(t) + 3}" font-size="10" text-anchor="end">${t}</text>`,
    );
  }
  svg.push(
    `<text x="${M.left + pw / 2}" y="${top + height + 30}" font-size="11" text-anchor="middle">${esc(xLabel)}</text>`,
    `<text x="14" y="${top + height / 2}" font-size="11" text-anchor="middle" transform="rotate(-90 14 ${top + height / 2})">${esc(yLabel)}</text>`,
  );
  return { x, y, svg };
}

function legend(names: string[], top = M.top): string[] {
  return names.flatMap((name, i) => [
    `<rect x="${W - M.right + 12}" y="${top + i * 16}" width="12" height="3" fill="${COLORS[i % COLORS.length]}"/>`,
    `<text x="${W - M.right + 28}" y="${top + i * 16 + 5}" font-size="11">${esc(name)}</text>`,
  ]);
}

/** `title` is the chart's accessible name (an SVG opened alone or inlined in the report). */
const wrap = (title: string, body: string[], height = H) =>
  `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${W}" height="${height}" viewBox="0 0 ${W} ${height}" font-family="sans-serif">\n<title>${esc(title)}</title>\n<rect width="100%" height="100%" fill="white"/>\n${body.join("\n")}\n</svg>\n`;

/** Empirical CDF of each series (one value per session). */
export function cdfSvg(
  title: string,
  xLabel: string,
  series: { name: string; values: number[] }[],
) {
  const all = series.flatMap((s) => s.values).filter(Number.isFinite);
  const lo = Math.min(0, ...all);
  const hi = Math.max(...all, lo + 1);
  const fr = frame(title, xLabel, "fraction of sessions", [lo, hi], [0, 1]);
  series.forEach((s, i) => {
    const v = [...s.values].sort((a, b) => a - b);
    const pts: string[] = [`${fr.x(v[0] ?? lo)},${fr.y(0)}`];
    v.forEach((value, j) => {
      pts.push(
        `${fr.x(value)},${fr.y(j / v.length)}`,
        `${fr.x(value)},${fr.y((j + 1) / v.length)}`,
      );
    });
    fr.svg.push(
      `<polyline fill="none" stroke="${COLORS[i % COLORS.length]}" stroke-width="1.6" points="${pts.join(" ")}"/>`,
    );
  });
  return wrap(title, [...fr.svg, ...legend(series.map((s) => s.name))]);
}

/** Rendition bitrate (top panel) and buffer level (bottom panel) over session time. */
export function timelineSvg(
  title: string,
  ladder: SimLadder,
  sessions: { name: string; result: SessionResult }[],
  bufferCapSec: number,
) {
  const height = 2 * H - 40;
  const panel = H - M.top - M.bottom;
  const end = Math.max(...sessions.map((s) => s.result.endSec), 1);
  const topKbps = Math.max(...ladder.renditions.map((r) => r.averageBitrateBps / 1000));
  const rate = frame(
    `${title}: rendition`,
    "session time (s)",
    "kbit/s",
    [0, end],
    [0, topKbps * 1.05],
  );
  const buf = frame(
    "buffer level",
    "session time (s)",
    "buffer (s)",
    [0, end],
    [0, bufferCapSec],
    H + M.top - 20,
    panel,
  );
  sessions.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const d = s.result.downloads;
    // Each segment's rendition from its request to the next request (what the player fetched).
    const steps: string[] = [];
    d.forEach((x, k) => {
      const kbps = ladder.renditions[x.rendition]!.averageBitrateBps / 1000;
      const until = d[k + 1]?.sentSec ?? x.doneSec;
      steps.push(`${rate.x(x.sentSec)},${rate.y(kbps)}`, `${rate.x(until)},${rate.y(kbps)}`);
    });
    rate.svg.push(
      `<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${steps.join(" ")}"/>`,
    );
    // Buffer: drains between arrivals, jumps by a segment at each arrival.
    const pts: string[] = [];
    d.forEach((x) => {
      pts.push(`${buf.x(x.sentSec)},${buf.y(x.bufferAtSendSec)}`);
      pts.push(`${buf.x(x.doneSec)},${buf.y(x.bufferAtDoneSec)}`);
      pts.push(`${buf.x(x.doneSec)},${buf.y(x.bufferAtDoneSec + x.mediaSec)}`);
    });
    buf.svg.push(
      `<polyline fill="none" stroke="${color}" stroke-width="1.2" points="${pts.join(" ")}"/>`,
    );
    for (const [a, b] of s.result.stalls) {
      buf.svg.push(
        `<rect x="${buf.x(a)}" y="${buf.y(bufferCapSec) + i * 4}" width="${Math.max(1, buf.x(b) - buf.x(a))}" height="4" fill="${color}"><title>${esc(s.name)} stall ${(b - a).toFixed(2)} s</title></rect>`,
      );
    }
  });
  return wrap(title, [...rate.svg, ...buf.svg, ...legend(sessions.map((s) => s.name))], height);
}

export function htmlReport(title: string, sections: { heading: string; html: string }[]): string {
  const body = sections.map((s) => `<section><h2>${esc(s.heading)}</h2>\n${s.html}\n</section>`);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<style>body{font-family:sans-serif;margin:24px;max-width:1400px}table{border-collapse:collapse;font-size:13px;margin:8px 0}td,th{border:1px solid #ccc;padding:3px 7px;text-align:right}td:first-child,th:first-child{text-align:left}.plots{display:flex;flex-wrap:wrap;gap:12px}</style>
</head><body><h1>${esc(title)}</h1>
${body.join("\n")}
</body></html>
`;
}

/** A Markdown pipe table as an HTML table (the report shows the same tables as the terminal). */
export function markdownTableToHtml(markdown: string): string {
  const lines = markdown.split("\n").filter((l) => l.startsWith("|"));
  const cells = (l: string) =>
    l
      .slice(1, -1)
      .split("|")
      .map((c) => esc(c.trim()));
  const [head, , ...rows] = lines;
  if (!head) return "";
  return `<table><tr>${cells(head)
    .map((c) => `<th>${c}</th>`)
    .join("")}</tr>${rows
    .map(
      (r) =>
        `<tr>${cells(r)
          .map((c) => `<td>${c}</td>`)
          .join("")}</tr>`,
    )
    .join("")}</table>`;
}
