/**
 * The admin API (documented in `mock-server/README.md`): read the counters, set shaping and
 * faults, start a fill, take parts down, reset. Every body is validated against the shared
 * schemas before anything changes, so a bad value is a 4xx naming the field and nothing is
 * half applied. Only the app's own origins may use it from a browser, and only with JSON
 * (net/doors.ts); what it may hold is bounded (limits.ts).
 */
import cors from "@fastify/cors";
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyReply,
} from "fastify";
import type { z } from "zod";
import {
  FaultRequest,
  FillRequest,
  type NetworkState,
  type ProfileInfo,
  ResetRequest,
  ShapingRequest,
  type SimulatedClockState,
  TRACE_LIMITS,
  UnshapeRequest,
} from "../../src/schemas/admin.ts";
import type { Appliance, ShapingEntry } from "../appliance/appliance.ts";
import type { PublishedCatalog } from "../catalog/store.ts";
import type { FaultBook } from "../faults/faults.ts";
import { acceptEmptyJson, closedDoors } from "../net/doors.ts";
import type { Listener } from "../net/listener.ts";
import { fastifyServerOptions } from "../net/timeouts.ts";
import type { Profile } from "../shaping/profiles.ts";
import { parseTraceSliced } from "../shaping/trace.ts";
import type { SteeringService } from "../steering/server.ts";
import { type Refusal, roomForFault, roomForShaping } from "./limits.ts";
import { metricsRoutes } from "./metrics.ts";

function badRequest(reply: FastifyReply, error: string, field?: string) {
  return reply.code(400).send({ error, ...(field ? { field } : {}) });
}

function refuse(reply: FastifyReply, refusal: Refusal) {
  const { status, ...body } = refusal;
  return reply.code(status).send(body);
}

/** The request body's own limit: a 5 MB trace, quoted in JSON, with room to spare. */
const BODY_LIMIT_BYTES = 6 * 1024 * 1024;

/** Parse a body with a schema, or answer 400 naming the first bad field. */
function validate<T extends z.ZodType>(
  schema: T,
  body: unknown,
  reply: FastifyReply,
): z.infer<T> | undefined {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  void badRequest(reply, issue?.message ?? "invalid body", issue?.path.join(".") || undefined);
  return undefined;
}

/**
 * The shaping a request asks for, or an error naming the field; nothing is applied here. A
 * trace is read in slices (parseTraceSliced), so a large one never holds up other requests.
 */
export async function shapingFrom(
  request: ShapingRequest,
  current: ShapingEntry,
  profiles: Record<string, Profile>,
): Promise<ShapingEntry | { error: string; field: string }> {
  const latencyMs = request.latencyMs ?? current.spec.latencyMs;
  if (request.profile !== undefined) {
    // Own properties only: "__proto__" or "toString" is no profile (they answered 500).
    const profile = Object.hasOwn(profiles, request.profile)
      ? profiles[request.profile]
      : undefined;
    if (!profile)
      return {
        error: `unknown profile "${request.profile}" (GET /admin/profiles lists them)`,
        field: "profile",
      };
    const latency = request.latencyMs ?? profile.spec.latencyMs;
    return {
      spec: { ...profile.spec, latencyMs: latency },
      description: `${request.profile}: ${profile.description}`,
    };
  }
  if (request.bitsPerSecond !== undefined) {
    return {
      spec: { rate: { kind: "constant", bitsPerSecond: request.bitsPerSecond }, latencyMs },
      description: `${(request.bitsPerSecond / 1e6).toFixed(2)} Mbit/s`,
    };
  }
  if (request.trace !== undefined) {
    try {
      const trace = await parseTraceSliced(request.trace);
      return {
        spec: { rate: { kind: "trace", trace, name: "uploaded" }, latencyMs },
        description: `uploaded trace, ${trace.durationSec.toFixed(0)} s`,
        uploadedSamples: trace.samples.length,
      };
    } catch (error) {
      return { error: (error as Error).message, field: "trace" };
    }
  }
  // The same link with another latency: it still holds the same trace.
  return { ...current, spec: { ...current.spec, latencyMs } };
}

/**
 * What the admin API needs of a network: declared here, so that this module does not import
 * network.ts (which builds the admin API); `startNetwork`'s `Network` has all of it.
 */
export interface AdminNetwork {
  readonly catalog: Pick<PublishedCatalog, "read">;
  readonly profiles: Record<string, Profile>;
  readonly faults: FaultBook;
  readonly appliances: Appliance[];
  readonly steering: Pick<SteeringService, "garbage" | "setGarbage" | "answerCounts">;
  readonly steeringListener: Pick<Listener, "isUp" | "start" | "stop">;
  readonly urls: { readonly origin: string; readonly steering: string };
  /** Bytes of every title, for "how much of the title does this cache hold". */
  titleTotals(): Map<string, number>;
  fill(appliance: Appliance, titles: string[]): Promise<{ files: number; bytes: number }>;
  popularTitles(top: number): Promise<string[]>;
  /** Bring appliances up or down to match the "down" faults. */
  reconcile(): Promise<void>;
  clock(): SimulatedClockState | null;
  /** The hosts foreign streams may be proxied from (the lab lists them). */
  readonly allowList: { list(): string[] };
  reset(options?: { keepCaches?: boolean }): Promise<void>;
}

export interface AdminOptions {
  /** Origins a browser may call the API from: the app's (net/doors.ts). */
  appOrigins: readonly string[];
}

export async function buildAdmin(
  network: AdminNetwork,
  options: AdminOptions,
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: BODY_LIMIT_BYTES,
    routerOptions: { maxParamLength: 100 },
    ...fastifyServerOptions(),
  });
  // Before CORS: a foreign page's preflight gets the 403 too.
  app.addHook("onRequest", closedDoors(options.appOrigins));
  await app.register(cors, {
    origin: options.appOrigins.length > 0 ? [...options.appOrigins] : false,
    methods: ["GET", "POST", "PUT", "DELETE"],
  });
  acceptEmptyJson(app);
  // fastify's own refusals (malformed JSON, a body over the limit) in the API's error shape.
  app.setErrorHandler((error: FastifyError, _request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 500) return reply.code(status).send({ error: error.message });
    const hint =
      error.code === "FST_ERR_CTP_BODY_TOO_LARGE"
        ? `the body is over ${BODY_LIMIT_BYTES} bytes: send less (a trace is at most ${TRACE_LIMITS.maxChars} characters)`
        : error.code === "FST_ERR_CTP_INVALID_JSON_BODY" || error instanceof SyntaxError
          ? `the body is not valid JSON (${error.message}): send a JSON object`
          : error.message;
    return reply.code(status).send({ error: hint });
  });

  await app.register(adminRoutes, { network });
  await app.register(metricsRoutes, { network });
  return app;
}

/**
 * The API's routes as a fastify plugin: registered by `buildAdmin` behind its doors, CORS and
 * error handler, and testable with `inject` on any app that registers it the same way.
 */
export const adminRoutes: FastifyPluginAsync<{ network: AdminNetwork }> = async (
  app,
  { network },
) => {
  const applianceOr404 = (id: string, reply: FastifyReply): Appliance | undefined => {
    const appliance = network.appliances.find((a) => a.id === id);
    if (!appliance) void reply.code(404).send({ error: `no appliance "${id}"`, field: "id" });
    return appliance;
  };

  const state = (): NetworkState => ({
    origin: { baseUrl: network.urls.origin },
    steering: {
      baseUrl: network.urls.steering,
      up: network.steeringListener.isUp,
      garbage: network.steering.garbage,
    },
    appliances: network.appliances.map((a) => a.state(network.titleTotals())),
    faults: network.faults.list(),
    proxy: { allowedHosts: network.allowList.list() },
    clock: network.clock(),
  });

  app.get("/admin/state", async () => state());
  app.get(
    "/admin/profiles",
    async (): Promise<ProfileInfo[]> =>
      Object.entries(network.profiles).map(([name, p]) => ({
        name,
        description: p.description,
        latencyMs: p.spec.latencyMs,
      })),
  );

  app.put<{ Params: { id: string } }>("/admin/appliances/:id/shaping", async (request, reply) => {
    const appliance = applianceOr404(request.params.id, reply);
    if (!appliance) return reply;
    const body = validate(ShapingRequest, request.body, reply);
    if (!body) return reply;
    const entry = await shapingFrom(body, appliance.shapingOf(body.session), network.profiles);
    if ("error" in entry) return badRequest(reply, entry.error, entry.field);
    const full = roomForShaping(network.appliances, appliance, entry, body.session);
    if (full) return refuse(reply, full);
    appliance.setShaping(entry, body.session);
    return appliance.state(network.titleTotals());
  });

  app.delete<{ Params: { id: string } }>(
    "/admin/appliances/:id/shaping",
    async (request, reply) => {
      const appliance = applianceOr404(request.params.id, reply);
      if (!appliance) return reply;
      const body = validate(UnshapeRequest, request.body, reply);
      if (!body) return reply;
      if (body.session) appliance.clearSessionShaping(body.session);
      else {
        appliance.setShaping({
          spec: { rate: { kind: "unlimited" }, latencyMs: 0 },
          description: "unlimited",
        });
      }
      return appliance.state(network.titleTotals());
    },
  );

  for (const [action, down] of [
    ["down", true],
    ["up", false],
  ] as const) {
    app.post<{ Params: { id: string } }>(
      `/admin/appliances/:id/${action}`,
      async (request, reply) => {
        const appliance = applianceOr404(request.params.id, reply);
        if (!appliance) return reply;
        for (const fault of network.faults.list()) {
          if (fault.type === "down" && fault.appliance === appliance.id)
            network.faults.remove(fault.id);
        }
        if (down) network.faults.add(FaultRequest.parse({ type: "down", appliance: appliance.id }));
        await network.reconcile();
        return appliance.state(network.titleTotals());
      },
    );
  }

  // The cache's own process (an nginx appliance's nginx): stopped as if it crashed, the
  // appliance in front of it answers 502 and reports unhealthy; started again with its cache.
  for (const action of ["stop", "start"] as const) {
    app.post<{ Params: { id: string } }>(
      `/admin/appliances/:id/engine/${action}`,
      async (request, reply) => {
        const appliance = applianceOr404(request.params.id, reply);
        if (!appliance) return reply;
        const engine = appliance.cache.engine;
        if (!engine)
          return reply.code(409).send({
            error: `appliance "${appliance.id}" keeps its cache in process: only an nginx appliance has an engine to ${action} (start the network with --appliances nginx)`,
            field: "id",
          });
        await engine[action]();
        await network.reconcile();
        return appliance.state(network.titleTotals());
      },
    );
  }

  app.post<{ Params: { id: string } }>("/admin/appliances/:id/fill", async (request, reply) => {
    const appliance = applianceOr404(request.params.id, reply);
    if (!appliance) return reply;
    const body = validate(FillRequest, request.body, reply);
    if (!body) return reply;
    const known = new Set((await network.catalog.read()).titles.map((t) => t.id));
    const unknown = body.titles?.find((t) => !known.has(t));
    if (unknown) return badRequest(reply, `no title "${unknown}"`, "titles");
    const titles = body.titles ?? (await network.popularTitles(body.top ?? 1));
    const result = await network.fill(appliance, titles);
    return { appliance: appliance.id, titles, ...result };
  });

  app.get("/admin/faults", async () => network.faults.list());
  app.post("/admin/faults", async (request, reply) => {
    const body = validate(FaultRequest, request.body, reply);
    if (!body) return reply;
    if (body.appliance !== "*" && !network.appliances.some((a) => a.id === body.appliance)) {
      return badRequest(reply, `no appliance "${body.appliance}"`, "appliance");
    }
    const full = roomForFault(network.faults.list().length);
    if (full) return refuse(reply, full);
    const fault = network.faults.add(body);
    if (fault.type === "down") await network.reconcile();
    return reply.code(201).send(fault);
  });
  app.delete<{ Params: { id: string } }>("/admin/faults/:id", async (request, reply) => {
    if (!network.faults.remove(request.params.id)) {
      return reply.code(404).send({ error: `no fault "${request.params.id}"`, field: "id" });
    }
    await network.reconcile();
    return reply.code(204).send();
  });
  app.delete("/admin/faults", async (_request, reply) => {
    network.faults.clear();
    await network.reconcile();
    return reply.code(204).send();
  });

  app.post("/admin/steering/down", async () => {
    await network.steeringListener.stop();
    return { steering: "down" };
  });
  app.post("/admin/steering/up", async () => {
    network.steering.setGarbage(false);
    await network.steeringListener.start();
    return { steering: "up" };
  });
  app.post("/admin/steering/garbage", async () => {
    network.steering.setGarbage(true);
    return { steering: "garbage" };
  });

  app.post("/admin/reset", async (request, reply) => {
    const body = validate(ResetRequest, request.body, reply);
    if (!body) return reply;
    await network.reset(body);
    return state();
  });
};
