/**
 * The admin API (documented in `mock-server/README.md`): read the counters, set shaping and
 * faults, start a fill, take parts down, reset. Every body is validated against the shared
 * schemas before anything changes, so a bad value is a 4xx naming the field and nothing is
 * half applied.
 */
import cors from "@fastify/cors";
import Fastify, { type FastifyInstance, type FastifyReply } from "fastify";
import type { z } from "zod";
import {
  FaultRequest,
  FillRequest,
  type NetworkState,
  type ProfileInfo,
  ResetRequest,
  ShapingRequest,
} from "../../src/schemas/admin.ts";
import type { Appliance, ShapingEntry } from "../appliance/appliance.ts";
import type { Network } from "../network.ts";
import type { Profile } from "../shaping/profiles.ts";
import { parseTrace } from "../shaping/trace.ts";

function badRequest(reply: FastifyReply, error: string, field?: string) {
  return reply.code(400).send({ error, ...(field ? { field } : {}) });
}

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

/** The shaping a request asks for, or an error naming the field; nothing is applied here. */
export function shapingFrom(
  request: ShapingRequest,
  current: ShapingEntry,
  profiles: Record<string, Profile>,
): ShapingEntry | { error: string; field: string } {
  const latencyMs = request.latencyMs ?? current.spec.latencyMs;
  if (request.profile !== undefined) {
    const profile = profiles[request.profile];
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
      const trace = parseTrace(request.trace);
      return {
        spec: { rate: { kind: "trace", trace, name: "uploaded" }, latencyMs },
        description: `uploaded trace, ${trace.durationSec.toFixed(0)} s`,
      };
    } catch (error) {
      return { error: (error as Error).message, field: "trace" };
    }
  }
  return { spec: { ...current.spec, latencyMs }, description: current.description };
}

export async function buildAdmin(network: Network): Promise<FastifyInstance> {
  const app = Fastify({
    logger: false,
    bodyLimit: 6 * 1024 * 1024,
    routerOptions: { maxParamLength: 100 },
  });
  await app.register(cors, { origin: true, methods: ["GET", "POST", "PUT", "DELETE"] });

  const applianceOr404 = (id: string, reply: FastifyReply): Appliance | undefined => {
    const appliance = network.appliances.find((a) => a.id === id);
    if (!appliance) void reply.code(404).send({ error: `no appliance "${id}"`, field: "id" });
    return appliance;
  };

  const state = (): NetworkState => ({
    origin: { baseUrl: network.urls.origin },
    steering: { baseUrl: network.urls.steering, up: network.steeringListener.isUp },
    appliances: network.appliances.map((a) => a.state(network.titleTotals())),
    faults: network.faults.list(),
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
    const entry = shapingFrom(body, appliance.shapingOf(body.session), network.profiles);
    if ("error" in entry) return badRequest(reply, entry.error, entry.field);
    appliance.setShaping(entry, body.session);
    return appliance.state(network.titleTotals());
  });

  app.delete<{ Params: { id: string } }>(
    "/admin/appliances/:id/shaping",
    async (request, reply) => {
      const appliance = applianceOr404(request.params.id, reply);
      if (!appliance) return reply;
      appliance.setShaping({
        spec: { rate: { kind: "unlimited" }, latencyMs: 0 },
        description: "unlimited",
      });
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
    await network.steeringListener.start();
    return { steering: "up" };
  });

  app.post("/admin/reset", async (request, reply) => {
    const body = validate(ResetRequest, request.body, reply);
    if (!body) return reply;
    await network.reset(body);
    return state();
  });
  return app;
}
