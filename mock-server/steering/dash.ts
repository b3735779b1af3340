/**
 * DASH Content Steering (DASH-IF CTS 001 "Content Steering for DASH", adopted as ETSI TS
 * 103 998; the elements are in ISO/IEC 23009-1 6th edition). Pure: MPD text in, MPD text out.
 *
 * Each appliance becomes one MPD-level `<BaseURL serviceLocation="id">` on which the title's
 * relative SegmentTemplate URLs resolve; `<ContentSteering>` tells the player where to fetch
 * the steering manifest that orders those service locations.
 */
import { escapeXml } from "../../src/lib/xml.ts";
import { PATHWAY_ID, parseThroughputBps, steeringManifestBase } from "./hls.ts";

export interface ServiceLocation {
  /** Same character set as an HLS PATHWAY-ID, so one appliance id serves both protocols. */
  id: string;
  /** Absolute URL of the title folder on that appliance (relative segment URLs resolve on it). */
  baseUrl: string;
}

function checkIds(ids: readonly string[]): void {
  if (ids.length === 0) throw new Error("at least one service location is needed");
  const seen = new Set<string>();
  for (const id of ids) {
    if (!PATHWAY_ID.test(id)) throw new Error(`invalid service location ${JSON.stringify(id)}`);
    if (seen.has(id)) throw new Error(`duplicate service location "${id}"`);
    seen.add(id);
  }
}

/**
 * The MPD with one BaseURL per location and a ContentSteering element, both placed before the
 * first Period: MPD-level BaseURL precedes Period in the MPD schema, and the DASH-IF examples
 * put ContentSteering next to the BaseURLs it steers. Throws on an MPD that already has
 * MPD-level BaseURL or ContentSteering elements (they would compete with ours).
 */
export function steeredMpd(
  mpd: string,
  input: { locations: ServiceLocation[]; steeringUri: string; queryBeforeStart?: boolean },
): string {
  checkIds(input.locations.map((l) => l.id));
  for (const l of input.locations) {
    // Without the trailing slash the last path segment would be dropped when resolving.
    if (!l.baseUrl.endsWith("/")) throw new Error(`baseUrl of "${l.id}" must end in "/"`);
  }
  const mpdStart = mpd.search(/<MPD[\s>]/);
  const periodStart = mpd.search(/<Period[\s>/]/);
  if (mpdStart < 0 || periodStart < mpdStart)
    throw new Error("not an MPD: no <MPD> with a <Period>");
  const head = mpd.slice(mpdStart, periodStart);
  if (/<(BaseURL|ContentSteering)[\s>]/.test(head)) {
    throw new Error("the MPD already has MPD-level BaseURL or ContentSteering elements");
  }
  // Indent like the Period line so the output stays readable.
  const lineStart = mpd.lastIndexOf("\n", periodStart - 1) + 1;
  const indent = /^[ \t]*$/.test(mpd.slice(lineStart, periodStart))
    ? mpd.slice(lineStart, periodStart)
    : "";
  const queryBeforeStart = input.queryBeforeStart ?? true;
  const inserted = [
    ...input.locations.map(
      (l) =>
        `<BaseURL serviceLocation="${escapeXml(l.id)}">${escapeXml(new URL(l.baseUrl).href)}</BaseURL>`,
    ),
    `<ContentSteering defaultServiceLocation="${escapeXml(input.locations[0]!.id)}" queryBeforeStart="${queryBeforeStart}">${escapeXml(input.steeringUri)}</ContentSteering>`,
  ];
  const insertAt = indent ? lineStart : periodStart;
  const block = indent
    ? inserted.map((line) => `${indent}${line}\n`).join("")
    : `${inserted.join("")}`;
  return mpd.slice(0, insertAt) + block + mpd.slice(insertAt);
}

export interface DashSteeringManifest {
  VERSION: 1;
  TTL: number;
  "RELOAD-URI": string;
  "SERVICE-LOCATION-PRIORITY": string[];
}

/** The DASH steering manifest (DCSM) JSON. Throws on an empty or repeated priority list. */
export function dashSteeringManifest(input: {
  serviceLocationPriority: string[];
  ttlSec: number;
  reloadUri: string;
}): DashSteeringManifest {
  checkIds(input.serviceLocationPriority);
  return {
    ...steeringManifestBase(input.ttlSec, input.reloadUri),
    "SERVICE-LOCATION-PRIORITY": [...input.serviceLocationPriority],
  };
}

export interface DashSteeringQuery {
  /** The first service location the player reported (the one it is on), if valid. */
  pathway: string | null;
  /** Its throughput in bit/s, if reported and valid. */
  throughputBps: number | null;
  /** Every reported location with its throughput, in the order the player sent them. */
  reported: { pathway: string; throughputBps: number | null }[];
}

/**
 * Reads `_DASH_pathway` and `_DASH_throughput`. dash.js 4.x sends one location and one value;
 * dash.js 5 sends a quoted, comma-separated list (`"alpha,beta"`) with a parallel list of
 * throughputs, empty where it has no sample. Both are accepted; a malformed pathway list gives
 * no locations at all, a malformed throughput entry gives null for that entry. Never throws.
 */
export function readDashSteeringQuery(url: URL): DashSteeringQuery {
  const none: DashSteeringQuery = { pathway: null, throughputBps: null, reported: [] };
  let raw = url.searchParams.get("_DASH_pathway");
  if (raw === null) return none;
  if (raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"')) raw = raw.slice(1, -1);
  const ids = raw.split(",").map((s) => s.trim());
  if (!ids.every((id) => PATHWAY_ID.test(id))) return none;
  const throughputs = (url.searchParams.get("_DASH_throughput") ?? "").split(",");
  const reported = ids.map((pathway, i) => ({
    pathway,
    throughputBps: parseThroughputBps(throughputs[i]?.trim()),
  }));
  return {
    pathway: reported[0]?.pathway ?? null,
    throughputBps: reported[0]?.throughputBps ?? null,
    reported,
  };
}
