/**
 * The steering service over HTTP: appliances report to it by heartbeat, players ask it which
 * appliances to use for a title. Speaks our own JSON answer and the standard content-steering
 * protocols (HLS `#EXT-X-CONTENT-STEERING` with its steering manifest, DASH
 * `<ContentSteering>` with `BaseURL@serviceLocation`), so a stock player steers too.
 *
 * What players read is open to every origin (any player may be steered); the heartbeat is
 * closed: the app's origins only, JSON only, and the network's secret (heartbeat.ts).
 */
import { readFile } from "node:fs/promises";
import { isIP } from "node:net";
import path from "node:path";
import cors from "@fastify/cors";
import Fastify, {
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyReply,
  type FastifyRequest,
} from "fastify";
import {
  type ApplianceStatus,
  FOREIGN_STREAM_PATH,
  ForeignStreamRequest,
  ORIGIN_PATHWAY,
  parseApplianceStatus,
  type SteeringAnswer,
} from "../../src/schemas/steering.ts";
import type { PublishedCatalog } from "../catalog/store.ts";
import { closedDoors } from "../net/doors.ts";
import { type AllowList, checkUpstreamUrl, originOf, proxiedPath } from "../proxy/allow-list.ts";
import type { RegionMap } from "../topology.ts";
import { dashSteeringManifest, readDashSteeringQuery, steeredMpd } from "./dash.ts";
import { checkHeartbeatAuth, HEARTBEAT_PATH } from "./heartbeat.ts";
import {
  PATHWAY_ID,
  parseThroughputBps,
  readHlsSteeringQuery,
  steeredMultivariant,
  steeringManifest,
} from "./hls.ts";
import { PlayerReports } from "./player-reports.ts";
import { pathwayPriority } from "./priority.ts";
import { type AnswerReason, answerReason, inRotation, rankAppliances } from "./ranking.ts";
import { ApplianceRegistry, type Registration } from "./registry.ts";
import { ThroughputHints } from "./throughput-hints.ts";

export interface SteeringOptions {
  catalog: PublishedCatalog;
  originBaseUrl: string;
  /** Where players reach this service (for RELOAD-URI and SERVER-URI). */
  publicBaseUrl: () => string;
  /** An appliance silent this long is out of rotation (three missed 1 s heartbeats). */
  heartbeatTimeoutMs?: number;
  /** How long a player may keep an answer: short, so a failure reaches players within seconds. */
  ttlSec?: number;
  now?: () => number;
  /** What a heartbeat over HTTP must carry (heartbeat.ts). */
  heartbeatSecret: string;
  /** Origins a browser may send a heartbeat from: the app's (net/doors.ts). */
  appOrigins: readonly string[];
  /** The hosts foreign streams may be fetched from; a player's registration adds its host. */
  allowList?: AllowList;
  /** Client prefixes and hops of the topology's regions; the demo's three when not given. */
  regions?: RegionMap;
}

export const DEFAULT_HEARTBEAT_TIMEOUT_MS = 3_000;
export const DEFAULT_TTL_SEC = 10;

export interface SteeringService {
  app: FastifyInstance;
  /**
   * The latest heartbeat of an appliance (in-process appliances call this directly; others
   * POST it), or why it was refused (an id that clashes, too many appliances).
   */
  report(status: ApplianceStatus): Registration;
  /** Heartbeats, throughput hints and player reports forgotten, garbage mode off (the admin
   * API's reset). */
  forget(): void;
  /** Answer every steering request with a document no player can use (a chaos test's fault). */
  setGarbage(on: boolean): void;
  readonly garbage: boolean;
  /** Answers given since the start (or the last `forget`), by why the first appliance led. */
  answerCounts(): ReadonlyMap<AnswerReason, number>;
  answer(
    titleId: string,
    clientRegion: string | null,
    clientAddress: string | null,
  ): SteeringAnswer;
}

/**
 * Where an address sits when the client names no region: a prefix table, as a real steering
 * service would map IP blocks to networks. On loopback the demo's three "networks" are
 * 127.0.0.x (ISP A, where a browser on this machine lands), 127.0.1.x (ISP B) and 127.0.2.x
 * (the exchange); any address of the 127/8 block reaches the servers, so tests and demos can
 * stand a client anywhere.
 */
export const ADDRESS_REGIONS: readonly { prefix: string; region: string }[] = [
  { prefix: "127.0.0.", region: "isp-a" },
  { prefix: "::ffff:127.0.0.", region: "isp-a" },
  { prefix: "::1", region: "isp-a" },
  { prefix: "127.0.1.", region: "isp-b" },
  { prefix: "::ffff:127.0.1.", region: "isp-b" },
  { prefix: "127.0.2.", region: "exchange" },
  { prefix: "::ffff:127.0.2.", region: "exchange" },
];

export function regionForAddress(
  address: string | null,
  table: readonly { prefix: string; region: string }[] = ADDRESS_REGIONS,
): string | null {
  if (!address) return null;
  return table.find((r) => address.startsWith(r.prefix))?.region ?? null;
}

function clientOf(
  request: FastifyRequest,
  table: readonly { prefix: string; region: string }[],
): { region: string | null; address: string | null } {
  const query = request.query as Record<string, unknown>;
  const header = request.headers["x-client-region"];
  const region =
    typeof query.region === "string" ? query.region : typeof header === "string" ? header : null;
  // `?address=` stands a test's client elsewhere; only an IP address is taken.
  const address =
    typeof query.address === "string" && isIP(query.address) !== 0
      ? query.address
      : (request.ip ?? null);
  const named = region && /^[a-z0-9-]{1,40}$/.test(region) ? region : null;
  return { region: named ?? regionForAddress(address, table), address };
}

export async function buildSteering(options: SteeringOptions): Promise<SteeringService> {
  const now = options.now ?? Date.now;
  const heartbeatTimeoutMs = options.heartbeatTimeoutMs ?? DEFAULT_HEARTBEAT_TIMEOUT_MS;
  const registry = new ApplianceRegistry(heartbeatTimeoutMs);
  const addressRegions = options.regions?.addressRegions ?? ADDRESS_REGIONS;
  const reports = new PlayerReports();
  const app = Fastify({
    logger: false,
    routerOptions: { maxParamLength: 200 },
    bodyLimit: 256 * 1024,
    // No timeouts here: it is served through a Listener (network.ts), which sets them.
  });
  let garbage = false;
  // A steering service gone wrong: every answer a 200 that parses as nothing useful. Heartbeats
  // still work, so turning it off brings the right answers back at once.
  app.addHook("onRequest", async (request, reply) => {
    if (!garbage || !request.url.startsWith("/steering/")) return;
    await reply
      .code(200)
      .header("content-type", "application/json")
      .header("cache-control", "no-store")
      .send('{"titleId":');
    return reply;
  });
  const appOrigins = [...options.appOrigins];
  await app.register(cors, {
    delegator: (request, callback) =>
      callback(null, {
        origin: request.url.startsWith(HEARTBEAT_PATH) ? appOrigins.length > 0 && appOrigins : true,
      }),
  });

  const hints = new ThroughputHints();
  /**
   * A pathway a player names: an appliance we know, or the origin. Anything else is not
   * believed, so forged names neither fill the hints nor the reports.
   */
  const knownPathway = (pathway: string | null) =>
    pathway !== null && (pathway === ORIGIN_PATHWAY || registry.has(pathway)) ? pathway : null;
  /** A player's measured throughput from an appliance, as it reports it with a request. */
  const noteThroughput = (region: string | null, pathway: string | null, bps: number | null) => {
    const known = knownPathway(pathway);
    if (known !== null && bps !== null) hints.report(region, known, bps, now());
  };
  /** The ranking, each appliance with what players in the region measured from it lately. */
  const hinted = (titleId: string, region: string | null, address: string | null) => {
    const ranked = answer(titleId, region, address);
    const nowMs = now();
    return {
      ...ranked,
      appliances: ranked.appliances.map((a) => {
        const hint = hints.hint(region, a.id, nowMs);
        return hint === null ? a : { ...a, throughputHintBps: Math.round(hint) };
      }),
    };
  };

  const answersByReason = new Map<AnswerReason, number>();
  const answer = (titleId: string, region: string | null, address: string | null) => {
    const ranked = rankAppliances({
      titleId,
      clientRegion: region,
      clientAddress: address,
      appliances: registry.list(),
      nowMs: now(),
      heartbeatTimeoutMs,
      ttlSec: options.ttlSec ?? DEFAULT_TTL_SEC,
      originBaseUrl: options.originBaseUrl,
      ...(options.regions ? { hops: options.regions.hops } : {}),
    });
    const reason = answerReason(ranked);
    answersByReason.set(reason, (answersByReason.get(reason) ?? 0) + 1);
    return ranked;
  };

  const report = (status: ApplianceStatus) => registry.report(status, now());

  await app.register(steeringRoutes, {
    core: {
      options,
      appOrigins,
      addressRegions,
      now,
      reports,
      answer,
      hinted,
      report,
      knownPathway,
      noteThroughput,
    },
  });

  const forget = () => {
    registry.clear();
    hints.clear();
    reports.clear();
    answersByReason.clear();
    garbage = false;
  };
  return {
    app,
    report,
    forget,
    answer,
    answerCounts: () => answersByReason,
    setGarbage: (on: boolean) => {
      garbage = on;
    },
    get garbage() {
      return garbage;
    },
  };
}

/** What the routes need of the service, made once by `buildSteering`. */
export interface SteeringCore {
  options: SteeringOptions;
  appOrigins: readonly string[];
  addressRegions: readonly { prefix: string; region: string }[];
  now: () => number;
  reports: PlayerReports;
  answer: SteeringService["answer"];
  /** The answer with each appliance's throughput hint for the client's region. */
  hinted(titleId: string, region: string | null, address: string | null): SteeringAnswer;
  report: SteeringService["report"];
  knownPathway(pathway: string | null): string | null;
  noteThroughput(region: string | null, pathway: string | null, bps: number | null): void;
}

/**
 * The service's routes as a fastify plugin: the heartbeat, our JSON answer, and the HLS and
 * DASH steered manifests and steering documents.
 */
export const steeringRoutes: FastifyPluginAsync<{ core: SteeringCore }> = async (app, { core }) => {
  const { options, appOrigins, addressRegions, now, reports, answer, hinted, report } = core;
  const { knownPathway, noteThroughput } = core;
  const doors = closedDoors(appOrigins);
  app.post(HEARTBEAT_PATH, {
    onRequest: [
      doors,
      async (request, reply) => {
        const refused = checkHeartbeatAuth(request.headers.authorization, options.heartbeatSecret);
        if (refused) {
          if (refused.status === 401) void reply.header("www-authenticate", "Bearer");
          return reply.code(refused.status).send({ error: refused.error });
        }
      },
    ],
    handler: async (request, reply) => {
      let status: ApplianceStatus;
      try {
        status = parseApplianceStatus(request.body);
      } catch (error) {
        return reply.code(400).send({ error: (error as Error).message });
      }
      const registered = report(status);
      if (!registered.ok) return reply.code(registered.status).send({ error: registered.error });
      return reply.code(204).send();
    },
  });

  // A stream from outside the catalog, to play through the appliances: its host is allowed and
  // the player gets the proxied path and a ranking. State-changing, so closed like the
  // heartbeat (the app's origins, JSON only); asked again when the answer's TTL runs out.
  const allowList = options.allowList;
  if (allowList) {
    app.post(FOREIGN_STREAM_PATH, { onRequest: doors }, async (request, reply) => {
      const body = ForeignStreamRequest.safeParse(request.body ?? {});
      if (!body.success)
        return reply.code(400).send({
          error: `give the stream as {"url": "http://…"}: ${body.error.issues[0]?.message ?? "bad body"}`,
          field: "url",
        });
      const checked = checkUpstreamUrl(body.data.url);
      if (!checked.ok) return reply.code(400).send({ error: checked.error, field: "url" });
      const upstream = allowList.allow(checked.url);
      const client = clientOf(request, addressRegions);
      return reply.header("cache-control", "no-store").send({
        upstream,
        proxyPath: proxiedPath(checked.url),
        steering: hinted(originOf(checked.url), client.region, client.address),
      });
    });
  }

  /** Look the title up; a 404 names it. */
  const titleOrReply = async (id: string, reply: FastifyReply) => {
    const title = (await options.catalog.read()).titles.find((t) => t.id === id);
    if (!title) await reply.code(404).send({ error: `no title "${id}"`, field: "titleId" });
    return title;
  };

  app.get<{ Params: { titleId: string } }>("/steering/:titleId", async (request, reply) => {
    const title = await titleOrReply(request.params.titleId, reply);
    if (!title) return reply;
    const client = clientOf(request, addressRegions);
    // Our player reports what it measured on the appliance it used, as content steering's
    // _HLS_pathway / _HLS_throughput do.
    const url = new URL(request.url, "http://steering");
    const pathway = url.searchParams.get("pathway");
    noteThroughput(
      client.region,
      pathway !== null && PATHWAY_ID.test(pathway) ? pathway : null,
      parseThroughputBps(url.searchParams.get("throughput")),
    );
    return reply
      .header("cache-control", "no-store")
      .send(hinted(title.id, client.region, client.address));
  });

  /** Pathways: appliances in rotation, each with the title's folder on it; the origin last. */
  const pathwaysFor = (
    titleId: string,
    titlePath: string,
    region: string | null,
    address: string | null,
  ) => {
    const ranked = inRotation(answer(titleId, region, address));
    const pathways = ranked.map((a) => ({ id: a.id, baseUrl: `${a.baseUrl}${titlePath}/` }));
    pathways.push({
      id: ORIGIN_PATHWAY,
      baseUrl: `${options.originBaseUrl.replace(/\/?$/, "/")}${titlePath}/`,
    });
    return pathways;
  };
  const regionQuery = (region: string | null) =>
    region ? `?region=${encodeURIComponent(region)}` : "";

  app.get<{ Params: { titleId: string } }>(
    "/steering/:titleId/master.m3u8",
    async (request, reply) => {
      const title = await titleOrReply(request.params.titleId, reply);
      if (!title) return reply;
      const client = clientOf(request, addressRegions);
      const master = await readFile(path.join(options.catalog.root, title.manifests.hls), "utf8");
      const text = steeredMultivariant(master, {
        pathways: pathwaysFor(title.id, title.path, client.region, client.address),
        steeringUri: `${options.publicBaseUrl()}steering/${title.id}/hls.json${regionQuery(client.region)}`,
      });
      return reply
        .header("content-type", "application/vnd.apple.mpegurl")
        .header("cache-control", "no-store")
        .send(text);
    },
  );

  app.get<{ Params: { titleId: string } }>(
    "/steering/:titleId/hls.json",
    async (request, reply) => {
      const title = await titleOrReply(request.params.titleId, reply);
      if (!title) return reply;
      const client = clientOf(request, addressRegions);
      const reported = readHlsSteeringQuery(new URL(request.url, "http://steering"));
      const ranked = answer(title.id, client.region, client.address);
      reports.note(title.id, client.address, {
        pathway: knownPathway(reported.pathway),
        throughputBps: reported.throughputBps,
        atMs: now(),
      });
      noteThroughput(client.region, reported.pathway, reported.throughputBps);
      return reply.header("cache-control", "no-store").send(
        steeringManifest({
          pathwayPriority: pathwayPriority(ranked, reported.pathway),
          ttlSec: ranked.ttlSec,
          reloadUri: `${options.publicBaseUrl()}steering/${title.id}/hls.json${regionQuery(client.region)}`,
        }),
      );
    },
  );

  app.get<{ Params: { titleId: string } }>(
    "/steering/:titleId/manifest.mpd",
    async (request, reply) => {
      const title = await titleOrReply(request.params.titleId, reply);
      if (!title) return reply;
      const client = clientOf(request, addressRegions);
      const mpd = await readFile(path.join(options.catalog.root, title.manifests.dash), "utf8");
      const text = steeredMpd(mpd, {
        locations: pathwaysFor(title.id, title.path, client.region, client.address),
        steeringUri: `${options.publicBaseUrl()}steering/${title.id}/dash.json${regionQuery(client.region)}`,
        queryBeforeStart: true,
      });
      return reply
        .header("content-type", "application/dash+xml")
        .header("cache-control", "no-store")
        .send(text);
    },
  );

  app.get<{ Params: { titleId: string } }>(
    "/steering/:titleId/dash.json",
    async (request, reply) => {
      const title = await titleOrReply(request.params.titleId, reply);
      if (!title) return reply;
      const client = clientOf(request, addressRegions);
      const reported = readDashSteeringQuery(new URL(request.url, "http://steering"));
      const ranked = answer(title.id, client.region, client.address);
      reports.note(title.id, client.address, {
        pathway: knownPathway(reported.pathway),
        throughputBps: reported.throughputBps,
        atMs: now(),
      });
      noteThroughput(client.region, reported.pathway, reported.throughputBps);
      return reply.header("cache-control", "no-store").send(
        dashSteeringManifest({
          serviceLocationPriority: pathwayPriority(ranked, reported.pathway),
          ttlSec: ranked.ttlSec,
          reloadUri: `${options.publicBaseUrl()}steering/${title.id}/dash.json${regionQuery(client.region)}`,
        }),
      );
    },
  );

  /** What players last reported (pathway and measured throughput), by title and address. */
  app.get("/steering/reports", async () => reports.toJSON());
};
