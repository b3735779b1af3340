/**
 * Starts the whole delivery network on loopback:
 * `npm run network -- [--catalog DIR] [--traces DIR ...] [--port-offset N] [--app-origin URL ...]
 * [--topology FILE] [--appliances node|nginx] [--host 0.0.0.0 --public-host NAME]
 * [--allow-upstream URL ...]` (each trace folder becomes profiles; --host and --public-host
 * serve other machines). The ports are the topology's (the demo's: origin 8080, steering 8081,
 * admin 8082, appliances 8101-8103), all moved up by `--port-offset` (the browser benchmark runs
 * its own network beside the demo's and the e2e suite's); Ctrl-C closes every server and frees
 * the ports.
 *
 * Run by `scripts/demo.ts` as a child process (process/supervisor.ts): it then says "ready" over
 * the IPC channel once every port listens, and exits when that channel closes (the demo died).
 */
import path from "node:path";
import { type CommandLine, exitWithUsageError, parseCommandLine } from "../scripts/cli.ts";
import type { Topology } from "../src/schemas/topology.ts";
import { appOriginsFor } from "./net/doors.ts";
import { type Network, startNetwork } from "./network.ts";
import {
  DEFAULT_TOPOLOGY,
  loadTopology,
  localApplianceSpecs,
  TopologyError,
  topologyPorts,
} from "./topology.ts";

export const DEMO_PORTS = {
  origin: 8080,
  steering: 8081,
  admin: 8082,
  appliances: [8101, 8102, 8103],
};

/** The topology's ports (the demo's by default), every one moved up by `offset`. */
export function demoPorts(
  offset: number,
  topology: Topology = DEFAULT_TOPOLOGY,
): typeof DEMO_PORTS {
  return topologyPorts(topology, offset);
}

/** How appliances run: `node`, the in-process cache, or `nginx`; undefined: as the topology says. */
/** `--appliances`: absent, "node" or "nginx"; anything else ends the process, a usage error. */
export function applianceKindOrExit(
  value: string | undefined,
  cli: CommandLine,
): "node" | "nginx" | undefined {
  if (value === undefined || value === "node" || value === "nginx") return value;
  return exitWithUsageError(cli, `--appliances must be "node" or "nginx", got "${value}"`);
}

/** The topology of `--topology FILE`, or the demo's; a bad file ends the process, named. */
export async function topologyOrExit(file: string | undefined, who: string): Promise<Topology> {
  if (!file) return DEFAULT_TOPOLOGY;
  try {
    return await loadTopology(path.resolve(file));
  } catch (error) {
    if (!(error instanceof TopologyError)) throw error;
    console.error(`${who}: ${error.message}`);
    process.exit(2);
  }
}

/**
 * `appOrigins`: where the app runs, the only pages that may use the admin API. The heartbeat
 * secret for appliances in other processes comes from STREAMLAB_HEARTBEAT_SECRET when set.
 */
export async function startDemoNetwork(
  catalogDir: string,
  ports = DEMO_PORTS,
  traceDirs: string[] = [],
  appOrigins: readonly string[] = [],
  topology: Topology = DEFAULT_TOPOLOGY,
  applianceKind?: "node" | "nginx",
  more: { host?: string; publicHost?: string; allowedUpstreams?: readonly string[] } = {},
): Promise<Network> {
  return startNetwork({
    ...more,
    catalogDir,
    ports,
    topology,
    ...(applianceKind ? { applianceKind } : {}),
    traceDirs,
    appOrigins,
    heartbeatSecret: process.env.STREAMLAB_HEARTBEAT_SECRET || undefined,
  });
}

/** The addresses the network answers at on `ports` (what `startNetwork` reports as `urls`). */
export function demoUrls(
  ports = DEMO_PORTS,
  topology: Topology = DEFAULT_TOPOLOGY,
  host = "127.0.0.1",
): Network["urls"] {
  const at = (port: number) => `http://${host}:${port}/`;
  return {
    origin: at(ports.origin),
    steering: at(ports.steering),
    admin: at(ports.admin),
    appliances: Object.fromEntries(
      localApplianceSpecs(topology).map((spec, i) => [spec.id, at(ports.appliances[i]!)]),
    ),
  };
}

/** Every port of the network, for "is it up" and "is anything else there". */
export function allPorts(ports = DEMO_PORTS): number[] {
  return [ports.origin, ports.steering, ports.admin, ...ports.appliances];
}

/** The lines `npm start` and `npm run network` print. */
export function describeNetwork(urls: Network["urls"]): string {
  const lines = [
    `origin:     ${urls.origin}`,
    `steering:   ${urls.steering}steering/<title-id>`,
    `admin API:  ${urls.admin}admin/state`,
    ...Object.entries(urls.appliances).map(([id, url]) => `appliance:  ${url} (${id})`),
  ];
  return lines.join("\n");
}

const NETWORK_CLI: CommandLine = {
  name: "network",
  command: "npm run network --",
  usage: `Usage: npm run network -- [options]

Starts the delivery network alone on loopback: the origin (8080), steering (8081), the admin
API (8082) and three cache appliances (8101-8103). Ctrl-C closes every server.

Options:
  --catalog DIR      the catalog to serve (default $CATALOG_DIR or ./catalog)
  --traces DIR       a folder of throughput traces: each becomes shaping profiles (repeatable)
  --port-offset N    move every port up by N (0-50000, default 0)
  --app-origin URL   an app origin the admin API answers browsers from (repeatable; default
                     the app where npm start puts it, 5173 + the offset)
  --allow-upstream URL  a host whose streams may play through the appliances without being
                    opened first (repeatable)
  --topology FILE    the network's regions, sites, appliances, fill window and ports (JSON;
                     mock-server/README.md#topology); default the three appliances above
  --appliances K     node (in-process caches, the default) or nginx (each appliance a real
                     nginx with proxy_cache; needs Debian's nginx-light)
  --host ADDR        listen on ADDR (default 127.0.0.1; 0.0.0.0 for other machines)
  --public-host NAME the host name other machines reach this one by, in every URL handed out
  -h, --help         show this help`,
};

/** What a child network says over IPC once it listens. */
export const READY_MESSAGE = "streamlab-network-ready";

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseCommandLine(NETWORK_CLI, {
    catalog: { type: "string" },
    traces: { type: "string", multiple: true },
    "port-offset": { type: "string" },
    "app-origin": { type: "string", multiple: true },
    "allow-upstream": { type: "string", multiple: true },
    topology: { type: "string" },
    appliances: { type: "string" },
    host: { type: "string" },
    "public-host": { type: "string" },
  });
  const offset = Number(values["port-offset"] ?? 0);
  if (!Number.isInteger(offset) || offset < 0 || offset > 50_000) {
    exitWithUsageError(
      NETWORK_CLI,
      `--port-offset takes a whole number from 0 to 50000, not "${values["port-offset"]}"`,
    );
  }
  const applianceKind = applianceKindOrExit(values.appliances, NETWORK_CLI);
  const topology = await topologyOrExit(values.topology, "network");
  const catalogDir = path.resolve(values.catalog ?? process.env.CATALOG_DIR ?? "catalog");
  // The app where npm start puts it (5173, moved by the offset) unless told otherwise.
  const appOrigins = values["app-origin"] ?? appOriginsFor(`http://127.0.0.1:${5173 + offset}/`);
  // A bad option (an --allow-upstream that is no http(s) URL, a short heartbeat secret) is
  // said in one line, not a stack.
  const network = await startDemoNetwork(
    catalogDir,
    demoPorts(offset, topology),
    values.traces ?? [],
    appOrigins,
    topology,
    applianceKind,
    {
      ...(values.host ? { host: values.host } : {}),
      ...(values["public-host"] ? { publicHost: values["public-host"] } : {}),
      allowedUpstreams: values["allow-upstream"] ?? [],
    },
  ).catch((error: Error) => {
    console.error(`network: ${error.message}`);
    process.exit(2);
  });
  console.log(describeNetwork(network.urls));
  const stop = () => void network.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  if (process.send) {
    // A child of the demo: the channel closes when the demo exits, however it died.
    process.once("disconnect", stop);
    process.send(READY_MESSAGE);
  }
}
