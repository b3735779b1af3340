/**
 * The servers the benchmark plays against, all on one set of ports `portOffset` above the
 * demo's: the delivery network (`mock-server/main.ts` as a child process, so the shaping's
 * timers do not share an event loop with the browser driver) serving the chosen catalog, and
 * the site (site.ts: our app's production build and the bare stock pages), built meanwhile.
 */
import path from "node:path";
import { allPorts, demoPorts } from "../../mock-server/main.ts";
import { busyPorts } from "../../mock-server/process/readiness.ts";
import {
  type NetworkChild,
  startNetworkChild,
  stopChild,
} from "../../mock-server/process/supervisor.ts";
import { buildApp, type Site, startSite } from "./site.ts";

const ROOT = path.resolve(import.meta.dirname, "../..");
/** Offsets tried when none is given: the e2e suite's first, as before. */
const OFFSETS = [10_000, 20_000, 30_000, 40_000];
/** The site sits where the demo's app does (5173), moved by the same offset. */
const SITE_PORT = 5173;
const BUSY_RETRIES = 3;
const HOST = "http://127.0.0.1";

export interface Servers {
  siteUrl: string;
  originUrl: string;
  steeringUrl: string;
  adminUrl: string;
  portOffset: number;
  /** Seconds the app's production build took. */
  appBuildSec: number;
  stop(): Promise<void>;
}

function portsAt(offset: number): number[] {
  return [...allPorts(demoPorts(offset)), SITE_PORT + offset];
}

async function chooseOffset(wanted: number | null): Promise<number> {
  if (wanted !== null) {
    // Offsets above 32768 lie in Linux's ephemeral range, where an outgoing connection can hold
    // a port for a moment: look again before calling it taken.
    let busy = await busyPorts(portsAt(wanted));
    for (let retry = 0; busy.length > 0 && retry < BUSY_RETRIES; retry++) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      busy = await busyPorts(portsAt(wanted));
    }
    if (busy.length > 0) {
      throw new Error(
        `--port-offset ${wanted}: port ${busy.join(", ")} already in use: stop what holds it or pick another offset`,
      );
    }
    return wanted;
  }
  for (const offset of OFFSETS) if ((await busyPorts(portsAt(offset))).length === 0) return offset;
  throw new Error(
    `no free set of ports (tried offsets ${OFFSETS.join(", ")} over ${portsAt(0).join(", ")}): give a free one with --port-offset`,
  );
}

export async function startServers(options: {
  catalog: string;
  portOffset: number | null;
  log: (line: string) => void;
}): Promise<Servers> {
  const offset = await chooseOffset(options.portOffset);
  const ports = demoPorts(offset);
  const urls = {
    origin: `${HOST}:${ports.origin}`,
    steering: `${HOST}:${ports.steering}`,
    admin: `${HOST}:${ports.admin}`,
  };
  // Started while the app builds; the build itself does not need the network.
  const networkStarting = startNetworkChild({
    catalogDir: options.catalog,
    ports,
    portOffset: offset,
  });
  // Handled: awaited below, after the build, or in the catch.
  networkStarting.catch(() => undefined);
  let network: NetworkChild | null = null;
  let site: Site | null = null;
  try {
    const appDir = path.join(ROOT, `.cache/bench/app-${offset}`);
    const buildStarted = performance.now();
    await buildApp(urls, appDir);
    const appBuildSec = (performance.now() - buildStarted) / 1000;
    network = await networkStarting;
    site = await startSite(appDir, SITE_PORT + offset);
    const opened = site;
    const child = network.process;
    return {
      siteUrl: opened.url,
      originUrl: urls.origin,
      steeringUrl: urls.steering,
      adminUrl: urls.admin,
      portOffset: offset,
      appBuildSec,
      stop: async () => {
        await opened.close().catch(() => undefined);
        await stopChild(child);
      },
    };
  } catch (error) {
    await site?.close().catch(() => undefined);
    // A network that failed to start was stopped already; one that started is stopped here.
    const started = network ?? (await networkStarting.catch(() => null));
    if (started) await stopChild(started.process);
    throw error;
  }
}
