/**
 * `npm start`: the whole demo. Serves the demo catalog from the origin and the app's production
 * build (built once per change of its source, cached in `.cache/app-build/`), then builds or
 * updates the catalog in the background (scripts/background-encode.ts): the app answers in
 * seconds and shows each title as it is published, the pending ones with their progress. Ctrl-C
 * stops everything. `npm run dev` (`--dev`) serves the app from the Vite dev server instead,
 * with hot reload.
 *
 * The delivery network runs in a child process (mock-server/process/supervisor.ts), so a request
 * that kills it leaves the app's server up; it is restarted with backoff, said on stderr.
 *
 * `--e2e` builds a small catalog from a generated test clip instead, before serving (the
 * Playwright suite expects it whole), and uses ports 10000 higher; `--catalog` and `--app-port`
 * move things elsewhere; `--demo-set tiny` encodes two 6 s titles (the demo's own tests).
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import { createServer, type ViteDevServer } from "vite";
import { type AppBuild, ensureAppBuild } from "../app-server/build.ts";
import { buildAppServer } from "../app-server/server.ts";
import { CatalogStore } from "../encoder/catalog/store.ts";
import { makeE2eSources } from "../encoder/demo/e2e-sources.ts";
import { makeForeignStreams } from "../encoder/demo/foreign-streams.ts";
import { demoSet } from "../encoder/demo/titles.ts";
import { startForeignHost } from "../mock-server/foreign-host.ts";
import {
  applianceKindOrExit,
  demoPorts,
  demoUrls,
  describeNetwork,
  topologyOrExit,
} from "../mock-server/main.ts";
import { appOriginsFor } from "../mock-server/net/doors.ts";
import { NetworkSupervisor } from "../mock-server/process/supervisor.ts";
import { emptyCatalog } from "../src/schemas/catalog.ts";
import { ENCODE_STATUS_PATH } from "../src/schemas/encode-status.ts";
import { parseRuntimeConfig } from "../src/schemas/runtime-config.ts";
import { type BackgroundEncode, startBackgroundEncode } from "./background-encode.ts";
import { type CommandLine, exitWithUsageError, parseCommandLine } from "./cli.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const CLI: CommandLine = {
  name: "demo",
  command: "npm start --",
  usage: `Usage: npm start -- [options]      (npm run dev: the same with --dev)

Starts the delivery network and serves the app (http://127.0.0.1:5173/ by default) within a
few seconds, then builds or updates the demo catalog in the background: titles appear in the
app as they are encoded (6 titles, about 12.5 minutes on 2 idle cores the first time; seconds
when nothing changed). Ctrl-C stops everything.

Options:
  --dev             serve the app from Vite's dev server (hot reload) instead of a build
  --catalog DIR     the catalog folder (default ./catalog; with --e2e .cache/e2e-catalog)
  --skip-encode     serve the catalog as it is, encode nothing
  --demo-set S      which demo titles to encode: full (default) or tiny (two 6 s titles)
  --e2e             the browser tests' setup: a small catalog encoded before serving,
                    every port 10000 higher
  --port-offset N   move every port by N (0-50000; default 0, with --e2e 10000)
  --app-port PORT   the app's port (default 5173 + the offset)
  --traces DIR      a folder of throughput traces: each becomes shaping profiles in the
                    network lab (repeatable)
  --topology FILE   the network's regions, sites, appliances, fill window and ports (JSON;
                    mock-server/README.md#topology); default three appliances
  --appliances K    node (in-process caches, the default) or nginx (each appliance a real
                    nginx with proxy_cache; needs Debian's nginx-light)
  --allow-upstream URL  a host whose streams may play through the appliances without being
                    opened first (its segments on another CDN, say; repeatable)
  -h, --help        show this help`,
};
const { values } = parseCommandLine(CLI, {
  e2e: { type: "boolean" },
  dev: { type: "boolean" },
  catalog: { type: "string" },
  "app-port": { type: "string" },
  "skip-encode": { type: "boolean" },
  "port-offset": { type: "string" },
  traces: { type: "string", multiple: true },
  "demo-set": { type: "string" },
  "allow-upstream": { type: "string", multiple: true },
  topology: { type: "string" },
  appliances: { type: "string" },
});

const demoSetName = values["demo-set"] ?? "full";
try {
  demoSet(demoSetName);
} catch (error) {
  exitWithUsageError(CLI, (error as Error).message);
}

function encode(args: string[]): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", path.join(ROOT, "encoder/cli.ts"), ...args],
      {
        cwd: ROOT,
        stdio: "inherit",
        env: { SVT_LOG: "1", ...process.env },
      },
    );
    child.on("close", (code) => resolve(code ?? 1));
  });
}

const catalogDir = path.resolve(
  ROOT,
  values.catalog ?? (values.e2e ? ".cache/e2e-catalog" : "catalog"),
);
/** The e2e servers sit 10000 above the demo's, so both can run at once; `--port-offset` moves
 * every port (the browser benchmark does when another run holds the e2e ones). */
const offset = Number(values["port-offset"] ?? (values.e2e ? 10000 : 0));
if (!Number.isInteger(offset) || offset < 0 || offset > 50_000)
  exitWithUsageError(
    CLI,
    `--port-offset takes a whole number from 0 to 50000, not "${values["port-offset"]}"`,
  );
// Checked before anything starts: a bad topology file or kind is said and nothing runs.
const applianceKind = applianceKindOrExit(values.appliances, CLI);
const topologyFile = values.topology ? path.resolve(values.topology) : undefined;
const topology = await topologyOrExit(topologyFile, "demo");
const ports = demoPorts(offset, topology);
const appPort = Number(values["app-port"] ?? 5173 + offset);
if (!Number.isInteger(appPort) || appPort < 1 || appPort > 65_535)
  exitWithUsageError(CLI, `--app-port takes a port from 1 to 65535, not "${values["app-port"]}"`);
/** "Someone else's host" for the e2e suite's streams from outside our catalog. */
const FOREIGN_PORT = 8090 + offset;
const foreignDir = path.join(ROOT, ".cache/e2e-foreign-v1");

/** The app's production build, cached; says how long it took when it had to build. */
async function buildApp(): Promise<AppBuild> {
  try {
    const build = await ensureAppBuild({
      root: ROOT,
      cacheDir: path.join(ROOT, ".cache/app-build"),
    });
    const where = path.relative(ROOT, build.dir);
    console.log(
      build.builtMs === null
        ? `app build:  up to date (${where})`
        : `app build:  built in ${(build.builtMs / 1000).toFixed(1)} s (${where})`,
    );
    return build;
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}

// First: a broken build is reported before minutes of encoding, not after.
const build = values.dev ? null : await buildApp();

// The e2e suite's small catalog is encoded before serving: its tests expect every title.
if (values.e2e && !values["skip-encode"]) {
  const args = ["--out", catalogDir];
  args.push(...(await makeE2eSources(path.join(ROOT, ".cache/e2e-sources-60s"))));
  const code = await encode(args);
  // 1 means some inputs failed but the rest are in the catalog: still worth serving.
  if (code !== 0 && code !== 1) process.exit(code);
}
const encodeInBackground = !values.e2e && !values["skip-encode"];
if (encodeInBackground) {
  // The origin serves an empty catalog until the first title is published, rather than a 503.
  if (!existsSync(path.join(catalogDir, "catalog.json"))) {
    await mkdir(catalogDir, { recursive: true });
    await new CatalogStore(catalogDir).write(emptyCatalog());
  }
  // The last run's progress is not this one's: until the encoder speaks, nothing is known.
  await rm(path.join(catalogDir, ENCODE_STATUS_PATH), { force: true });
}

// The network starts in its child process while the app's server starts here.
const networkStarting = NetworkSupervisor.start({
  catalogDir,
  ports,
  portOffset: offset,
  traceDirs: values.traces ?? [],
  ...(topologyFile ? { topologyFile } : {}),
  ...(applianceKind ? { applianceKind } : {}),
  // The app's page is the one browser origin the admin API answers.
  appOrigins: appOriginsFor(`http://127.0.0.1:${appPort}/`),
  allowedUpstreams: values["allow-upstream"] ?? [],
});
const networkOrNull = networkStarting.catch((error: Error) => {
  console.error(error.message);
  return null;
});
const urls = demoUrls(ports, topology);
// Made once, cached like the e2e clip (seconds of ffmpeg the first time).
if (values.e2e) await makeForeignStreams(foreignDir);
const foreign = values.e2e ? await startForeignHost(foreignDir, FOREIGN_PORT) : null;
const config = parseRuntimeConfig(
  { originUrl: urls.origin, steeringUrl: urls.steering, adminUrl: urls.admin },
  "the network's addresses",
);
let app: ViteDevServer | FastifyInstance;
try {
  if (build) {
    // The built app gets the addresses in its page as it is served (app-server/page.ts).
    app = await buildAppServer({ dir: build.dir, config });
    await app.listen({ port: appPort, host: "127.0.0.1" });
  } else {
    // The dev server hands the app Vite env vars (src/schemas/runtime-config.ts reads both).
    process.env.VITE_ORIGIN_URL = config.originUrl;
    process.env.VITE_STEERING_URL = config.steeringUrl;
    process.env.VITE_ADMIN_URL = config.adminUrl;
    app = await createServer({
      root: ROOT,
      server: { port: appPort, strictPort: true, host: "127.0.0.1" },
    });
    await app.listen();
  }
} catch (error) {
  // Not "app:": that line prefix is the URL that bench/browser/servers.ts waits for.
  const inUse = (error as NodeJS.ErrnoException).code === "EADDRINUSE";
  console.error(
    inUse
      ? `app server: port ${appPort} is in use: stop the server on it, or move with --app-port or --port-offset`
      : `app server: ${(error as Error).message}`,
  );
  await Promise.allSettled([networkOrNull.then((n) => n?.stop()), foreign?.close()]);
  process.exit(1);
}
const network = await networkOrNull;
if (!network) {
  await Promise.allSettled([app.close(), foreign?.close()]);
  process.exit(1);
}
console.log(`\n${describeNetwork(urls)}\ncatalog:    ${catalogDir}`);
if (foreign) console.log(`foreign:    ${foreign.url} (streams from outside the catalog)`);
console.log(`app:        http://127.0.0.1:${appPort}/   <- open this\n`);

// Only now: the app and the network came up without the encoder's load on the CPU.
let encoder: BackgroundEncode | null = null;
if (encodeInBackground) {
  console.log(
    "encode:     the demo catalog, in the background: titles appear in the app as they are ready\n",
  );
  encoder = startBackgroundEncode(["--out", catalogDir, "--demo-set", demoSetName]);
}

const stop = async () => {
  await Promise.allSettled([app.close(), network.stop(), foreign?.close(), encoder?.stop()]);
  process.exit(0);
};
process.once("SIGINT", () => void stop());
process.once("SIGTERM", () => void stop());
