/**
 * Starts the whole delivery network on loopback:
 * `npm run network -- [--catalog DIR] [--traces DIR ...]` (each trace folder becomes profiles).
 * Fixed ports for the demo (origin 8080, steering 8081, admin 8082, appliances 8101-8103),
 * each overridable; Ctrl-C closes every server and frees the ports.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { type Network, startNetwork } from "./network.ts";

export const DEMO_PORTS = {
  origin: 8080,
  steering: 8081,
  admin: 8082,
  appliances: [8101, 8102, 8103],
};

export async function startDemoNetwork(
  catalogDir: string,
  ports = DEMO_PORTS,
  traceDirs: string[] = [],
): Promise<Network> {
  return startNetwork({ catalogDir, ports, fillWindow: { everySec: 60, top: 3 }, traceDirs });
}

export function describeNetwork(network: Network): string {
  const lines = [
    `origin:     ${network.urls.origin}`,
    `steering:   ${network.urls.steering}steering/<title-id>`,
    `admin API:  ${network.urls.admin}admin/state`,
    ...Object.entries(network.urls.appliances).map(([id, url]) => `appliance:  ${url} (${id})`),
  ];
  return lines.join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { catalog: { type: "string" }, traces: { type: "string", multiple: true } },
  });
  const catalogDir = path.resolve(values.catalog ?? process.env.CATALOG_DIR ?? "catalog");
  const network = await startDemoNetwork(catalogDir, DEMO_PORTS, values.traces ?? []);
  console.log(describeNetwork(network));
  const stop = () => void network.close().then(() => process.exit(0));
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}
