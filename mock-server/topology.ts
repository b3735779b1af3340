/**
 * Reading a topology file (`--topology FILE`, schema in src/schemas/topology.ts) and what the
 * network takes from it: appliance specs, the address-to-region table and hops for the
 * steering service, ports. A bad file is refused as a whole, each problem named by its field,
 * before anything starts.
 */
import { readFile, stat } from "node:fs/promises";
import {
  DEFAULT_APPLIANCE_PORT,
  TOPOLOGY_LIMITS,
  type Topology,
  type TopologyInput,
  Topology as TopologySchema,
} from "../src/schemas/topology.ts";
import type { ApplianceSpec } from "./appliance/fleet.ts";

/**
 * The demo's network: two appliances inside ISPs (small, close to viewers, a slower fill link)
 * and one at an exchange (larger, one hop from both, a fast fill link). Capacities fit the demo
 * catalog (about 150 MB) in the exchange but not twice over in an ISP cache, so eviction
 * happens when a user adds titles. On loopback the ISPs' clients are 127.0.0.x and 127.0.1.x.
 */
export const DEFAULT_TOPOLOGY_INPUT: TopologyInput = {
  regions: [
    {
      id: "isp-a",
      clientPrefixes: ["127.0.0.", "::ffff:127.0.0.", "::1"],
      neighbours: ["exchange"],
    },
    { id: "isp-b", clientPrefixes: ["127.0.1.", "::ffff:127.0.1."], neighbours: ["exchange"] },
    {
      id: "exchange",
      clientPrefixes: ["127.0.2.", "::ffff:127.0.2."],
      neighbours: ["isp-a", "isp-b"],
    },
  ],
  sites: [
    { id: "isp-a-pop", region: "isp-a" },
    { id: "isp-b-pop", region: "isp-b" },
    { id: "exchange-ix", region: "exchange" },
  ],
  appliances: [
    {
      id: "isp-a-1",
      site: "isp-a-pop",
      capacityBytes: 256e6,
      fill: { delayMs: 40, bitsPerSecond: 200e6 },
      capacitySessions: 500,
      capacityBps: 1e9,
      port: 8101,
    },
    {
      id: "isp-b-1",
      site: "isp-b-pop",
      capacityBytes: 256e6,
      fill: { delayMs: 40, bitsPerSecond: 200e6 },
      capacitySessions: 500,
      capacityBps: 1e9,
      port: 8102,
    },
    {
      id: "exchange-1",
      site: "exchange-ix",
      capacityBytes: 1e9,
      fill: { delayMs: 10, bitsPerSecond: 1e9 },
      capacitySessions: 2000,
      capacityBps: 10e9,
      port: 8103,
    },
  ],
  // Off-peak 02:00-06:00 of a day that lasts 24 real minutes, starting at 03:00: a demo sees a
  // fill within its first minutes, as it did with the fixed 60 s timer.
  fillWindow: {
    offPeak: { fromHour: 2, toHour: 6 },
    simulatedDayMinutes: 24,
    startHour: 3,
    everySec: 60,
    top: 3,
  },
  ports: { origin: 8080, steering: 8081, admin: 8082 },
};

export const DEFAULT_TOPOLOGY: Topology = TopologySchema.parse(DEFAULT_TOPOLOGY_INPUT);

export class TopologyError extends Error {}

/** At most this many problems are listed; the rest are counted. */
const MAX_LISTED = 8;

/** A parsed topology, or a TopologyError naming each bad field and the fix. */
export function parseTopology(json: unknown, source: string): Topology {
  const parsed = TopologySchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues;
  const lines = issues
    .slice(0, MAX_LISTED)
    .map((issue) => `  ${issue.path.join(".") || "(the file)"}: ${issue.message}`);
  if (issues.length > MAX_LISTED) lines.push(`  …and ${issues.length - MAX_LISTED} more`);
  throw new TopologyError(
    `topology ${source} is refused:\n${lines.join("\n")}\nfix these fields (the format: mock-server/README.md, "Topology")`,
  );
}

/** Read and check a topology file; its size is checked before it is read. */
export async function loadTopology(file: string): Promise<Topology> {
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new TopologyError(`topology ${file} is not a file: give a JSON file`);
    size = info.size;
  } catch (error) {
    if (error instanceof TopologyError) throw error;
    throw new TopologyError(
      `topology ${file} cannot be read (${(error as Error).message}): check the path`,
    );
  }
  if (size > TOPOLOGY_LIMITS.maxFileBytes)
    throw new TopologyError(
      `topology ${file} is ${size} bytes, over the ${TOPOLOGY_LIMITS.maxFileBytes}-byte limit: a topology is a few kB of JSON`,
    );
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, "utf8"));
  } catch (error) {
    throw new TopologyError(
      `topology ${file} is not JSON (${(error as Error).message}): write it as one JSON object`,
    );
  }
  return parseTopology(json, file);
}

const regionOfSite = (topology: Topology) =>
  new Map(topology.sites.map((s) => [s.id, s.region] as const));

/**
 * The appliances this machine runs (external ones run elsewhere), as the fleet builds them;
 * `kind` "nginx" for every one when `--appliances nginx` asks for it.
 */
export function localApplianceSpecs(
  topology: Topology,
  override?: "node" | "nginx",
): ApplianceSpec[] {
  const regions = regionOfSite(topology);
  return topology.appliances
    .filter((a) => a.kind !== "external")
    .map((a) => ({
      id: a.id,
      region: regions.get(a.site)!,
      kind: override ?? (a.kind === "nginx" ? "nginx" : "node"),
      capacityBytes: a.capacityBytes,
      capacitySessions: a.capacitySessions,
      capacityBps: a.capacityBps,
      fill: { ...a.fill },
    }));
}

/** The ports of the servers this machine runs, every one moved up by `offset`. */
export function topologyPorts(
  topology: Topology,
  offset: number,
): { origin: number; steering: number; admin: number; appliances: number[] } {
  return {
    origin: topology.ports.origin + offset,
    steering: topology.ports.steering + offset,
    admin: topology.ports.admin + offset,
    appliances: topology.appliances
      .filter((a) => a.kind !== "external")
      .map((a, i) => (a.port ?? DEFAULT_APPLIANCE_PORT + i) + offset),
  };
}

/** Where the steering service places clients and how far regions are from each other. */
export interface RegionMap {
  /** Client address prefix to region, longest prefix first. */
  addressRegions: readonly { prefix: string; region: string }[];
  /** Hops between two regions: 0 same, 1 neighbours, 2 any other known one, null unknown. */
  hops(from: string, to: string): number | null;
}

export function regionMap(topology: Topology): RegionMap {
  const addressRegions = topology.regions
    .flatMap((r) => r.clientPrefixes.map((prefix) => ({ prefix, region: r.id })))
    .sort((a, b) => b.prefix.length - a.prefix.length);
  const neighbours = new Map(topology.regions.map((r) => [r.id, new Set(r.neighbours)] as const));
  return {
    addressRegions,
    hops(from, to) {
      if (from === to) return 0;
      if (!neighbours.has(from) || !neighbours.has(to)) return null;
      return neighbours.get(from)!.has(to) || neighbours.get(to)!.has(from) ? 1 : 2;
    },
  };
}
