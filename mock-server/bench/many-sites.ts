/**
 * The many-site run (`npm run bench:network -- --topology FILE --clients N`): the network of a
 * topology file on this machine (nginx appliances where it says so), and N simulated clients,
 * not browsers. Each arrives at its time (Poisson arrivals over `--spread-sec`), picks a title
 * by a Zipf popularity curve, stands in one region (by the region's share of clients), asks
 * the steering service, and plays `--watch-sec` of the title in real time with our ABR core
 * (src/abr/controller.ts, driven as bench/sim drives it): the controller picks the rendition
 * and the appliance for each segment, segments are fetched over HTTP from the appliances, the
 * client's own link shaped on each appliance it uses (per-session shaping, the admin API),
 * errors reported to the controller, which moves to the next appliance.
 *
 * Reports hit ratio, origin offload, per-site load, steering balance and QoE (each client's in
 * a JSON file under .cache/bench/).
 */
import { readFileSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import Table from "cli-table3";
import { parseMediaPlaylist } from "../../bench/sim/ladder.ts";
import { qoe, utilities } from "../../bench/sim/metrics.ts";
import { DEFAULT_ABR_CONFIG } from "../../src/abr/config.ts";
import { AbrController } from "../../src/abr/controller.ts";
import type { Rendition, Title } from "../../src/schemas/catalog.ts";
import { parseCatalog } from "../../src/schemas/catalog.ts";
import {
  type SteeringAnswer,
  SteeringAnswer as SteeringAnswerSchema,
} from "../../src/schemas/steering.ts";
import type { Topology } from "../../src/schemas/topology.ts";
import { type Network, startNetwork } from "../network.ts";
import { seededRandom } from "../shaping/random.ts";
import { localApplianceSpecs } from "../topology.ts";

export interface ManySitesOptions {
  topology: Topology;
  catalogDir: string;
  clients: number;
  /** Arrivals spread over this many seconds. */
  spreadSec: number;
  /** Media seconds each client plays (at most the title's length). */
  watchSec: number;
  /** Zipf exponent of title popularity. */
  zipf: number;
  seed: number;
  /** Every local appliance this kind (`--appliances`), else as the topology says. */
  applianceKind?: "node" | "nginx";
}

interface TitleMedia {
  id: string;
  renditions: Rendition[];
  durationsSec: number[];
  /** segmentPaths[rendition][segment]: catalog paths. */
  segmentPaths: string[][];
}

interface ClientResult {
  client: number;
  region: string;
  title: string;
  arrivalSec: number;
  firstAppliance: string | null;
  appliancesUsed: string[];
  linkMbps: number;
  segments: number;
  startupSec: number;
  stallSec: number;
  avgBitrateKbps: number;
  switches: number;
  errors: number;
  qoe: number;
}

const BUFFER_CAP_SEC = 30;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** H.264 renditions (what every browser decodes) and their segments, from the catalog. */
function titleMedia(catalogDir: string, title: Title): TitleMedia | null {
  const renditions = title.renditions
    .filter((r) => r.codec === "h264")
    .sort((a, b) => a.averageBitrateBps - b.averageBitrateBps);
  if (renditions.length === 0) return null;
  let durationsSec: number[] = [];
  const segmentPaths = renditions.map((r) => {
    const list = parseMediaPlaylist(readFileSync(path.join(catalogDir, r.playlist), "utf8"));
    durationsSec = list.map((s) => s.durationSec);
    return list.map((s) => path.posix.join(path.posix.dirname(r.playlist), s.uri));
  });
  return { id: title.id, renditions, durationsSec, segmentPaths };
}

/** A sample of the normal distribution (Box-Muller) from a uniform source. */
const normal = (random: () => number) =>
  Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());

const percentile = (values: number[], p: number) => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};

/** One client: steered, then playing `watchSec` in real time with our controller. */
async function runClient(
  network: Network,
  client: number,
  region: string,
  media: TitleMedia,
  linkBps: number,
  watchSec: number,
  arrivalSec: number,
): Promise<ClientResult> {
  const session = `bench-${client}`;
  const controller = new AbrController(DEFAULT_ABR_CONFIG, () => performance.now());
  controller.setRenditions(media.renditions);
  const steer = async (): Promise<SteeringAnswer> => {
    const response = await fetch(
      `${network.urls.steering}steering/${media.id}?region=${encodeURIComponent(region)}`,
    );
    return SteeringAnswerSchema.parse(await response.json());
  };
  let answer = await steer();
  controller.setSteering(answer);
  const firstAppliance = answer.appliances.find((a) => a.score > -1)?.id ?? null;
  const shaped = new Set<string>();
  const shapeOn = async (appliance: string) => {
    if (shaped.has(appliance)) return;
    shaped.add(appliance);
    await fetch(`${network.urls.admin}admin/appliances/${appliance}/shaping`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ session, bitsPerSecond: Math.round(linkBps), latencyMs: 20 }),
    });
  };

  const startedMs = performance.now();
  let lastMs = startedMs;
  let bufferSec = 0;
  let playing = false;
  let startupSec = 0;
  let stallSec = 0;
  let errors = 0;
  const chosen: number[] = [];
  const used = new Set<string>();
  let playedSec = 0;
  let segment = 0;
  const advance = () => {
    const now = performance.now();
    if (playing) {
      bufferSec -= (now - lastMs) / 1000;
      if (bufferSec < 0) {
        stallSec += -bufferSec;
        bufferSec = 0;
      }
    }
    lastMs = now;
  };
  while (segment < media.durationsSec.length && playedSec < watchSec) {
    const durationSec = media.durationsSec[segment]!;
    advance();
    if (bufferSec > BUFFER_CAP_SEC - durationSec) {
      await sleep((bufferSec - (BUFFER_CAP_SEC - durationSec)) * 1000);
      advance();
    }
    if (controller.needsSteeringRefresh()) {
      answer = await steer();
      controller.setSteering(answer);
    }
    const decision = controller.decide({
      bufferSec,
      playbackRate: 1,
      segmentDurationSec: durationSec,
    });
    const rendition = media.renditions.findIndex((r) => r.id === decision.renditionId);
    const applianceId = decision.applianceId;
    const base = decision.applianceBaseUrl ?? answer.origin.baseUrl;
    if (applianceId) await shapeOn(applianceId);
    const sentMs = performance.now();
    try {
      const response = await fetch(`${base}${media.segmentPaths[rendition]![segment]}`, {
        headers: { "x-session-id": session },
        signal: AbortSignal.timeout(10_000),
      });
      const firstByteMs = performance.now();
      if (!response.ok) {
        await response.body?.cancel();
        throw Object.assign(new Error(`HTTP ${response.status}`), { status: response.status });
      }
      const body = await response.arrayBuffer();
      const doneMs = performance.now();
      if (applianceId) {
        controller.onSegmentLoaded({
          applianceId,
          renditionId: decision.renditionId,
          sizeBytes: body.byteLength,
          ttfbMs: firstByteMs - sentMs,
          durationMs: doneMs - sentMs,
          mediaDurationSec: durationSec,
        });
        used.add(applianceId);
      }
    } catch (error) {
      errors++;
      const status = (error as { status?: number }).status;
      if (applianceId)
        controller.onSegmentError({
          applianceId,
          kind: status === undefined ? "network" : "http",
          ...(status === undefined ? {} : { status }),
        });
      if (errors > 20) break;
      continue;
    }
    advance();
    if (!playing) {
      playing = true;
      startupSec = (performance.now() - startedMs) / 1000;
    }
    bufferSec += durationSec;
    playedSec += durationSec;
    chosen.push(rendition);
    segment++;
  }
  // The rest of the buffer plays out: stalls can only have happened before.
  const u = utilities({ renditions: media.renditions }, "bitrate");
  const weights = chosen.map((_, k) => media.durationsSec[k]! / 4);
  return {
    client,
    region,
    title: media.id,
    arrivalSec,
    firstAppliance,
    appliancesUsed: [...used],
    linkMbps: linkBps / 1e6,
    segments: chosen.length,
    startupSec,
    stallSec,
    avgBitrateKbps:
      chosen.reduce((s, r) => s + media.renditions[r]!.averageBitrateBps, 0) /
      Math.max(1, chosen.length) /
      1000,
    switches: chosen.filter((r, k) => k > 0 && r !== chosen[k - 1]).length,
    errors,
    qoe: qoe(u, chosen, startupSec + stallSec, weights),
  };
}

export async function runManySites(options: ManySitesOptions): Promise<void> {
  const random = seededRandom(options.seed);
  const catalog = parseCatalog(
    JSON.parse(readFileSync(path.join(options.catalogDir, "catalog.json"), "utf8")),
  );
  const titles = catalog.titles
    .map((t) => titleMedia(options.catalogDir, t))
    .filter((t): t is TitleMedia => t !== null);
  if (titles.length === 0)
    throw new Error(`no title with H.264 renditions in ${options.catalogDir}`);
  // Zipf: the k-th title (catalog order) drawn with weight 1 / k^s.
  const weights = titles.map((_, k) => 1 / (k + 1) ** options.zipf);
  const totalWeight = weights.reduce((a, b) => a + b, 0);
  const pickTitle = () => {
    let x = random() * totalWeight;
    for (const [k, w] of weights.entries()) {
      x -= w;
      if (x <= 0) return titles[k]!;
    }
    return titles.at(-1)!;
  };
  const regions = options.topology.regions.map((r) => r.id);

  const specs = localApplianceSpecs(options.topology, options.applianceKind);
  const network = await startNetwork({
    catalogDir: options.catalogDir,
    topology: options.topology,
    appliances: specs,
    fillWindow: null,
  });
  const started = performance.now();
  const peakSessions = new Map<string, number>();
  const sampler = setInterval(() => {
    for (const a of network.appliances) {
      const active = a.activeSessions();
      peakSessions.set(a.id, Math.max(peakSessions.get(a.id) ?? 0, active));
    }
  }, 500);
  try {
    console.log(
      `many-site run: ${specs.length} appliances (${specs.filter((s) => s.kind === "nginx").length} nginx) in ${regions.length} regions, ${options.clients} clients over ${options.spreadSec} s, ${titles.length} titles (Zipf s=${options.zipf}), ${options.watchSec} s each`,
    );
    let at = 0;
    const runs: Promise<ClientResult>[] = [];
    for (let client = 0; client < options.clients; client++) {
      // Poisson arrivals: exponential gaps with the mean that spreads N over the window.
      at += (-Math.log(1 - random()) * options.spreadSec) / options.clients;
      const arrivalSec = at;
      const region = regions[Math.floor(random() * regions.length)]!;
      const media = pickTitle();
      // Access links: log-normal around 6 Mbit/s, 1 to 40 Mbit/s.
      const linkBps = Math.min(40e6, Math.max(1e6, 6e6 * Math.exp(0.6 * normal(random))));
      runs.push(
        sleep(arrivalSec * 1000).then(() =>
          runClient(network, client, region, media, linkBps, options.watchSec, arrivalSec),
        ),
      );
    }
    const results = await Promise.all(runs);
    const wallSec = (performance.now() - started) / 1000;
    await report(network, results, peakSessions, options, wallSec);
  } finally {
    clearInterval(sampler);
    await network.close();
  }
}

async function report(
  network: Network,
  results: ClientResult[],
  peakSessions: Map<string, number>,
  options: ManySitesOptions,
  wallSec: number,
): Promise<void> {
  // nginx appliances read their counters from the access log every 0.5 s.
  await sleep(600);
  const fresh = network.appliances.map((a) => a.state(network.titleTotals()));
  const hits = fresh.reduce((s, a) => s + a.counters.hits, 0);
  const misses = fresh.reduce((s, a) => s + a.counters.misses, 0);
  const served = fresh.reduce((s, a) => s + a.counters.bytesServed, 0);
  const filled = fresh.reduce((s, a) => s + a.counters.fillBytes, 0);
  const firstBy = new Map<string, number>();
  for (const r of results)
    if (r.firstAppliance) firstBy.set(r.firstAppliance, (firstBy.get(r.firstAppliance) ?? 0) + 1);
  const bytes = fresh.map((a) => a.counters.bytesServed);
  const jain =
    bytes.reduce((s, b) => s + b, 0) ** 2 /
    (bytes.length * bytes.reduce((s, b) => s + b * b, 0) || 1);

  const mb = (n: number) => (n / 1e6).toFixed(1);
  const perSite = new Table({
    head: [
      "appliance",
      "region",
      "kind",
      "clients steered first",
      "peak sessions",
      "requests",
      "hit ratio",
      "MB served",
      "MB filled",
    ],
  });
  const kinds = new Map(
    localApplianceSpecs(options.topology, options.applianceKind).map((s) => [s.id, s.kind]),
  );
  for (const a of fresh) {
    const lookups = a.counters.hits + a.counters.misses;
    perSite.push([
      a.id,
      a.region,
      kinds.get(a.id) ?? "node",
      firstBy.get(a.id) ?? 0,
      peakSessions.get(a.id) ?? 0,
      a.counters.requests,
      lookups > 0 ? `${((a.counters.hits / lookups) * 100).toFixed(0)}%` : "-",
      mb(a.counters.bytesServed),
      mb(a.counters.fillBytes),
    ]);
  }
  console.log(perSite.toString());

  const q = (f: (r: ClientResult) => number, digits = 2) =>
    [10, 50, 90].map((p) => percentile(results.map(f), p).toFixed(digits)).join(" / ");
  const steered = [...firstBy.values()];
  const summary = new Table({ head: ["measure", "value"] });
  const reasons = [...network.steering.answerCounts()].map(([r, n]) => `${r} ${n}`).join(", ");
  summary.push(
    [
      "clients (finished)",
      `${results.length} (${results.filter((r) => r.segments > 0).length} played)`,
    ],
    ["wall time", `${wallSec.toFixed(0)} s`],
    ["hit ratio (all appliances)", `${((hits / Math.max(1, hits + misses)) * 100).toFixed(1)}%`],
    [
      "origin offload (1 - filled / served bytes)",
      `${((1 - filled / Math.max(1, served)) * 100).toFixed(1)}%`,
    ],
    [
      "steering: clients per appliance, min / max",
      `${Math.min(...steered)} / ${Math.max(...steered)} over ${firstBy.size} appliances`,
    ],
    ["steering: answers by reason", reasons],
    ["load balance (Jain's index of bytes served)", jain.toFixed(2)],
    ["QoE_lin p10 / p50 / p90", q((r) => r.qoe)],
    ["startup s p10 / p50 / p90", q((r) => r.startupSec)],
    ["stall s p10 / p50 / p90", q((r) => r.stallSec)],
    ["clients with a stall", `${results.filter((r) => r.stallSec > 0.05).length}`],
    ["bitrate kbit/s p10 / p50 / p90", q((r) => r.avgBitrateKbps, 0)],
    ["link Mbit/s p10 / p50 / p90", q((r) => r.linkMbps, 1)],
    ["segment errors (all clients)", `${results.reduce((s, r) => s + r.errors, 0)}`],
  );
  console.log(summary.toString());
  const dir = path.resolve(import.meta.dirname, "../../.cache/bench");
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `many-sites-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  await writeFile(
    file,
    JSON.stringify({ options: { ...options, topology: undefined }, clients: results }, null, 1),
  );
  console.log(`each client's QoE: ${path.relative(process.cwd(), file)}`);
}
