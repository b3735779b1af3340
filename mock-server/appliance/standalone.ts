/**
 * One appliance on its own, for a machine that is not the network's (`kind: "external"` in a
 * topology): `npm run appliance -- --id edge-1 --region isp-b --origin URL --steering URL
 * --public-url URL [--port 8101] [--host 0.0.0.0] [--capacity-bytes N] [--nginx]`, with the
 * network's secret in STREAMLAB_HEARTBEAT_SECRET. It serves catalog files from its cache
 * (in-process, or an nginx with --nginx), filled from the origin over HTTP, and reports to the
 * steering service by heartbeat every second (mock-server/README.md, "Beyond one machine").
 * Shaping and faults are the network's admin API's only for its own appliances: this one runs
 * unshaped and without faults.
 */
import path from "node:path";
import { type CommandLine, parseCommandLine, usageErrorLine } from "../../scripts/cli.ts";
import { ApplianceId } from "../../src/schemas/steering.ts";
import { FaultBook, targetOf } from "../faults/faults.ts";
import { checkConfiguredSecret, postHeartbeat } from "../steering/heartbeat.ts";
import { Appliance, originFetcher } from "./appliance.ts";
import { ApplianceCache, type ApplianceStore } from "./cache.ts";
import { freePort, NGINX_RUNS_DIR, NginxProcess, NginxStore, nginxBinary } from "./nginx.ts";

const CLI: CommandLine = {
  name: "appliance",
  command: "npm run appliance --",
  usage: `Usage: npm run appliance -- --id ID --region REGION --origin URL --steering URL
         --public-url URL [options]      (with STREAMLAB_HEARTBEAT_SECRET set)

One cache appliance on a machine of its own (kind "external" in a topology): it fills from the
origin over HTTP and registers with the steering service by heartbeat, with the network's
secret (mock-server/README.md, "Beyond one machine"). It runs unshaped and without faults.

Options:
  --id ID                  its appliance id (as in the topology)
  --region REGION          its region (one of the topology's)
  --origin URL             the network's origin, e.g. http://origin.example.net:8080/
  --steering URL           the steering service, e.g. http://origin.example.net:8081/
  --public-url URL         where players reach this appliance
  --host ADDR              listen address (default 0.0.0.0)
  --port N                 listen port (default 8101)
  --capacity-bytes N       cache size (default 1e9)
  --capacity-sessions N    sessions it takes before steering looks elsewhere (default 1000)
  --capacity-mbps N        its uplink, for steering (default 1000)
  --nginx                  serve from a real nginx with proxy_cache (Debian's nginx-light)
  -h, --help               show this help`,
};

const fail = (message: string): never => {
  console.error(usageErrorLine(CLI, message));
  process.exit(2);
};

const { values } = parseCommandLine(CLI, {
  id: { type: "string" },
  region: { type: "string" },
  origin: { type: "string" },
  steering: { type: "string" },
  "public-url": { type: "string" },
  host: { type: "string" },
  port: { type: "string" },
  "capacity-bytes": { type: "string" },
  "capacity-sessions": { type: "string" },
  "capacity-mbps": { type: "string" },
  nginx: { type: "boolean" },
});
const required = (name: keyof typeof values) =>
  (values[name] as string | undefined) ??
  fail(`--${name} is required (see mock-server/README.md, "Beyond one machine")`);
const id = required("id");
if (!ApplianceId.safeParse(id).success) fail(`--id "${id}": letters, digits, ".", "-" or "_"`);
const region = required("region");
const asUrl = (name: "origin" | "steering" | "public-url") => {
  const value = required(name);
  try {
    return new URL(value.endsWith("/") ? value : `${value}/`).href;
  } catch {
    return fail(`--${name} "${value}" is not a URL`);
  }
};
const originBaseUrl = asUrl("origin");
const steeringUrl = asUrl("steering");
const publicBaseUrl = asUrl("public-url");
const secretFromEnv = process.env.STREAMLAB_HEARTBEAT_SECRET;
if (!secretFromEnv)
  fail("STREAMLAB_HEARTBEAT_SECRET is not set: give it the network's heartbeat secret");
let secret = "";
try {
  secret = checkConfiguredSecret(secretFromEnv ?? "");
} catch (error) {
  fail((error as Error).message);
}
const number = (name: keyof typeof values, fallback: number) => {
  const n = Number((values[name] as string | undefined) ?? fallback);
  return Number.isFinite(n) && n > 0 ? n : fail(`--${name} must be a positive number`);
};
const capacityBytes = number("capacity-bytes", 1e9);

const titleOf = (p: string) => targetOf(id, p).title;
let cache: ApplianceStore;
let nginx: NginxStore | null = null;
if (values.nginx) {
  let binary = "";
  try {
    binary = nginxBinary();
  } catch (error) {
    fail((error as Error).message);
  }
  nginx = new NginxStore(
    new NginxProcess(
      {
        id,
        prefix: path.join(NGINX_RUNS_DIR, `${process.pid}-standalone`, id),
        port: await freePort(),
        originBaseUrl,
        capacityBytes,
        fillBitsPerSecond: 1e9,
      },
      binary,
    ),
    titleOf,
  );
  await nginx.start();
  cache = nginx;
} else {
  cache = new ApplianceCache(
    capacityBytes,
    originFetcher(originBaseUrl),
    { delayMs: 0, bitsPerSecond: 1e12 },
    titleOf,
  );
}

const appliance = new Appliance(
  {
    id,
    region,
    host: values.host ?? "0.0.0.0",
    port: number("port", 8101),
    capacitySessions: number("capacity-sessions", 1000),
    capacityBps: number("capacity-mbps", 1000) * 1e6,
    publicBaseUrl,
  },
  cache,
  new FaultBook(),
);
await appliance.start();

/** Each title's bytes, from the origin's catalog API: for "how much of it do I hold". */
let totals = new Map<string, number>();
const refreshTotals = async () => {
  try {
    const catalog = (await (await fetch(`${originBaseUrl}api/catalog`)).json()) as {
      titles: { id: string }[];
    };
    const next = new Map<string, number>();
    for (const title of catalog.titles) {
      const files = (await (
        await fetch(`${originBaseUrl}api/titles/${encodeURIComponent(title.id)}/files`)
      ).json()) as { sizeBytes: number }[];
      next.set(
        title.id,
        files.reduce((s, f) => s + f.sizeBytes, 0),
      );
    }
    totals = next;
  } catch {
    // The origin is unreachable for now: keep the last totals.
  }
};
await refreshTotals();
setInterval(() => void refreshTotals(), 30_000).unref();

let lastRefusal: string | null = null;
const heartbeat = async () => {
  try {
    const response = await postHeartbeat(
      steeringUrl,
      secret,
      appliance.status(totals),
      AbortSignal.timeout(2_000),
    );
    const said = response.ok ? "" : `${response.status} ${await response.text()}`;
    if (said !== lastRefusal)
      console.error(said ? `heartbeat refused: ${said}` : "heartbeat accepted");
    lastRefusal = said;
  } catch (error) {
    const said = `steering not reachable: ${(error as Error).message}`;
    if (said !== lastRefusal) console.error(said);
    lastRefusal = said;
  }
};
await heartbeat();
const timer = setInterval(() => void heartbeat(), 1_000);
console.log(`appliance ${id} (${region}) serving at ${publicBaseUrl}, reporting to ${steeringUrl}`);

const stop = async () => {
  clearInterval(timer);
  await appliance.shutdown();
  await nginx?.close();
  process.exit(0);
};
process.once("SIGINT", () => void stop());
process.once("SIGTERM", () => void stop());
