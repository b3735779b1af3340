/**
 * The delivery network's topology: regions (and the client address prefixes steered to each),
 * sites in them, the appliances at each site (an in-process cache, an nginx, or an appliance on
 * another machine), the fill window in simulated time, and the ports. Read by `npm start`,
 * `npm run network` and `npm run bench:network` from `--topology FILE`
 * (mock-server/topology.ts); the default is the demo's three appliances.
 */
import { z } from "zod";
import { ApplianceId, BaseUrl } from "./steering.ts";

export const TOPOLOGY_LIMITS = {
  /** A 20-site file is about 10 kB; 1 MB is far beyond any real one and cheap to read. */
  maxFileBytes: 1024 * 1024,
  maxRegions: 64,
  maxSites: 128,
  /** The steering service ranks at most 64 appliances (mock-server/steering/registry.ts). */
  maxAppliances: 64,
  maxPrefixesPerRegion: 64,
} as const;

const Name = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, "must be 1-40 lower-case letters, digits or '-'");
const Port = z.number().int().min(1).max(65535);

/** A local appliance without a port gets this plus its place among the local ones. */
export const DEFAULT_APPLIANCE_PORT = 8101;

export const ApplianceKind = z.enum(["node", "nginx", "external"]);
export type ApplianceKind = z.infer<typeof ApplianceKind>;

export const TopologyRegion = z.strictObject({
  id: Name,
  /**
   * Client addresses steered to this region, by prefix ("127.0.1.", "::ffff:127.0.1."): a
   * steering service maps IP blocks to networks the same way.
   */
  clientPrefixes: z
    .array(z.string().min(1).max(45))
    .min(
      1,
      'a region needs at least one client prefix (e.g. "127.0.1."): the addresses steered to it',
    )
    .max(TOPOLOGY_LIMITS.maxPrefixesPerRegion),
  /** Regions one hop away (an exchange both ISPs peer at); any other region is further. */
  neighbours: z.array(Name).max(TOPOLOGY_LIMITS.maxRegions).default([]),
});

export const TopologySite = z.strictObject({ id: Name, region: Name });

export const TopologyAppliance = z.strictObject({
  id: ApplianceId,
  site: Name,
  kind: ApplianceKind.default("node"),
  /** The cache's size: the in-process cache's, or nginx's `proxy_cache_path max_size`. */
  capacityBytes: z.number().int().min(1e6).max(1e12),
  capacitySessions: z.number().int().min(1).max(1e6),
  capacityBps: z.number().min(1e6).max(1e12),
  /** The link the cache fills over from the origin. */
  fill: z.strictObject({
    delayMs: z.number().min(0).max(10_000),
    bitsPerSecond: z.number().min(1e5).max(1e12),
  }),
  /**
   * Its port on this machine (moved by --port-offset); absent: 8101 + its place among the
   * local appliances (DEFAULT_APPLIANCE_PORT).
   */
  port: Port.optional(),
  /** An external appliance's address: it runs elsewhere and registers by heartbeat. */
  url: BaseUrl.optional(),
});
export type TopologyAppliance = z.infer<typeof TopologyAppliance>;

export const FillWindow = z.strictObject({
  /** Off-peak hours of the simulated day, [fromHour, toHour), across midnight when from > to. */
  offPeak: z.strictObject({
    fromHour: z.number().int().min(0).max(23),
    toHour: z.number().int().min(0).max(24),
  }),
  /** Real minutes a simulated day lasts: 24 makes an hour a minute. */
  simulatedDayMinutes: z.number().min(1).max(1440),
  /** The simulated hour when the network starts. */
  startHour: z.number().min(0).max(23.99),
  /** While off-peak, every appliance fills the `top` most requested titles every `everySec`. */
  everySec: z.number().int().min(5).max(3600),
  top: z.number().int().min(1).max(100),
});
export type FillWindow = z.infer<typeof FillWindow>;

export const Topology = z
  .strictObject({
    regions: z.array(TopologyRegion).min(1).max(TOPOLOGY_LIMITS.maxRegions),
    sites: z.array(TopologySite).min(1).max(TOPOLOGY_LIMITS.maxSites),
    appliances: z.array(TopologyAppliance).min(1).max(TOPOLOGY_LIMITS.maxAppliances),
    fillWindow: FillWindow.nullable().default(null),
    ports: z
      .strictObject({ origin: Port, steering: Port, admin: Port })
      .default({ origin: 8080, steering: 8081, admin: 8082 }),
  })
  .superRefine((topology, ctx) => {
    const unique = (list: readonly { id: string }[], key: string, what: string) => {
      const seen = new Set<string>();
      list.forEach(({ id }, i) => {
        if (seen.has(id))
          ctx.addIssue({
            code: "custom",
            path: [key, i, "id"],
            message: `${what} id "${id}" is given twice: ids must be unique`,
          });
        seen.add(id);
      });
      return seen;
    };
    const regions = unique(topology.regions, "regions", "region");
    const sites = unique(topology.sites, "sites", "site");
    unique(topology.appliances, "appliances", "appliance");
    topology.regions.forEach((region, i) => {
      region.neighbours.forEach((n, j) => {
        if (!regions.has(n))
          ctx.addIssue({
            code: "custom",
            path: ["regions", i, "neighbours", j],
            message: `no region "${n}": list it under "regions"`,
          });
      });
    });
    topology.sites.forEach((site, i) => {
      if (!regions.has(site.region))
        ctx.addIssue({
          code: "custom",
          path: ["sites", i, "region"],
          message: `no region "${site.region}": list it under "regions"`,
        });
    });
    const ports = new Map<number, string>();
    const claim = (port: number | undefined, path: (string | number)[]) => {
      if (port === undefined) return;
      const holder = ports.get(port);
      if (holder)
        ctx.addIssue({
          code: "custom",
          path,
          message: `port ${port} is already ${holder}'s: give each server its own port`,
        });
      else ports.set(port, path.join("."));
    };
    claim(topology.ports.origin, ["ports", "origin"]);
    claim(topology.ports.steering, ["ports", "steering"]);
    claim(topology.ports.admin, ["ports", "admin"]);
    let local = 0;
    topology.appliances.forEach((a, i) => {
      if (!sites.has(a.site))
        ctx.addIssue({
          code: "custom",
          path: ["appliances", i, "site"],
          message: `no site "${a.site}": list it under "sites"`,
        });
      if (a.kind === "external") {
        if (!a.url)
          ctx.addIssue({
            code: "custom",
            path: ["appliances", i, "url"],
            message: "an external appliance needs its url (where players reach it)",
          });
        if (a.port !== undefined)
          ctx.addIssue({
            code: "custom",
            path: ["appliances", i, "port"],
            message: "an external appliance listens on its own machine: give its url, not a port",
          });
      } else {
        if (a.url)
          ctx.addIssue({
            code: "custom",
            path: ["appliances", i, "url"],
            message: `a "${a.kind}" appliance runs here: only an external one has a url`,
          });
        claim(a.port ?? DEFAULT_APPLIANCE_PORT + local, ["appliances", i, "port"]);
        local++;
      }
    });
  });
export type Topology = z.infer<typeof Topology>;
export type TopologyInput = z.input<typeof Topology>;
