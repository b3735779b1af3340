/**
 * Starts the whole delivery network on loopback:
 * `npm run network -- [--catalog DIR] [--traces DIR ...] [--port-offset N] [--app-origin URL ...]
 * [--allow-upstream URL ...]` (each trace folder
 * becomes profiles). Fixed ports for the demo (origin 8080, steering 8081, admin 8082, appliances
 * 8101-8103), each overridable, all moved up by `--port-offset` (the browser benchmark runs its
 * own network beside the demo's and the e2e suite's); Ctrl-C closes every server and frees the ports.
 *
 * Run by `scripts/demo.ts` as a child process (process/supervisor.ts): it then says "ready" over
 * the IPC channel once every port listens, and exits when that channel closes (the demo died).
 */
import path from "node:path";
import { type CommandLine, exitWithUsageError, parseCommandLine } from "../scripts/cli.ts";
import { appOriginsFor } from "./net/doors.ts";
import { DEFAULT_APPLIANCES, type Network, startNetwork } from "./network.ts";

export const DEMO_PORTS = {
  origin: 8080,
  steering: 8081,
  admin: 8082,
  appliances: [8101, 8102, 8103],
};

/** The demo's ports, every one moved up by `offset`. */
export function demoPorts(offset: number): typeof DEMO_PORTS {
  return {
    origin: DEMO_PORTS.origin + offset,
    steering: DEMO_PORTS.steering + offset,
    admin: DEMO_PORTS.admin + offset,
    appliances: DEMO_PORTS.appliances.map((p) => p + offset),
  };
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
  allowedUpstreams: readonly string[] = [],
): Promise<Network> {
  return startNetwork({
    allowedUpstreams,
    catalogDir,
    ports,
    fillWindow: { everySec: 60, top: 3 },
    traceDirs,
    appOrigins,
    heartbeatSecret: process.env.STREAMLAB_HEARTBEAT_SECRET || undefined,
  });
}

/** The addresses the network answers at on `ports` (what `startNetwork` reports as `urls`). */
export function demoUrls(ports = DEMO_PORTS, host = "127.0.0.1"): Network["urls"] {
  const at = (port: number) => `http://${host}:${port}/`;
  return {
    origin: at(ports.origin),
    steering: at(ports.steering),
    admin: at(ports.admin),
    appliances: Object.fromEntries(
      DEFAULT_APPLIANCES.map((spec, i) => [spec.id, at(ports.appliances[i]!)]),
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
  });
  const offset = Number(values["port-offset"] ?? 0);
  if (!Number.isInteger(offset) || offset < 0 || offset > 50_000) {
    exitWithUsageError(
      NETWORK_CLI,
      `--port-offset takes a whole number from 0 to 50000, not "${values["port-offset"]}"`,
    );
  }
  const catalogDir = path.resolve(values.catalog ?? process.env.CATALOG_DIR ?? "catalog");
  // The app where npm start puts it (5173, moved by the offset) unless told otherwise.
  const appOrigins = values["app-origin"] ?? appOriginsFor(`http://127.0.0.1:${5173 + offset}/`);
  // A bad option (an --allow-upstream that is no http(s) URL, a short heartbeat secret) is
  // said in one line, not a stack.
  const network = await startDemoNetwork(
    catalogDir,
    demoPorts(offset),
    values.traces ?? [],
    appOrigins,
    values["allow-upstream"] ?? [],
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
