/**
 * Property-based tests (fast-check) of the admin API and the steering service, on the real
 * fastify apps of a running network (app.inject: no socket, same routes, hooks and schemas):
 * any body, path or query gets 2xx or 4xx, never 5xx, with a JSON error for a 4xx, in bounded
 * time; and the process does not grow without bound over the runs.
 */
import fc from "fast-check";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NetworkState } from "../../src/schemas/admin.ts";
import { type Network, startNetwork } from "../network.ts";
import { HEARTBEAT_PATH } from "../steering/heartbeat.ts";
import { writeTinyCatalog } from "../tiny-catalog.ts";
import { buildAdmin } from "./admin.ts";

const APP = "http://127.0.0.1:5173";
let network: Network;
let admin: FastifyInstance;
let titleId: string;

beforeAll(async () => {
  const catalog = await writeTinyCatalog();
  titleId = catalog.titleId;
  network = await startNetwork({ catalogDir: catalog.dir, fillWindow: null, appOrigins: [APP] });
  // A second admin app over the same network: the real routes, reachable through inject.
  admin = await buildAdmin(network, { appOrigins: [APP] });
});

afterAll(async () => {
  await admin?.close();
  await network?.close();
});

/** Adversarial values of each kind, next to ordinary ones, for every field of every body. */
const text = (...special: string[]) =>
  fc.oneof(
    {
      arbitrary: fc.constantFrom(...special, "__proto__", "constructor", "toString", ""),
      weight: 2,
    },
    { arbitrary: fc.string({ maxLength: 40 }), weight: 1 },
  );
const number = fc.oneof(
  fc.integer({ min: -10, max: 200_000 }),
  fc.double(),
  fc.constantFrom(0, 1, 0.5, 1e10, 1e300, -1, Number.MAX_SAFE_INTEGER),
);
const json = fc.jsonValue({ maxDepth: 2 });
/** A field's value: mostly of its kind, sometimes any JSON at all. */
const field = <T>(kind: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: kind, weight: 4 }, { arbitrary: json, weight: 1 });
const optional = { requiredKeys: [] as [] };

const applianceId = fc.oneof(
  { arbitrary: fc.constantFrom("isp-a-1", "isp-b-1", "exchange-1"), weight: 4 },
  { arbitrary: fc.constantFrom("nowhere", "__proto__", "%2e%2e", "a%00b", "*"), weight: 1 },
  { arbitrary: fc.string({ maxLength: 30 }).map(encodeURIComponent), weight: 1 },
);
const traceText = text("0 1\n1 2", "0\n10000000000", "0\n86400000", "5\n9\n7", "0 1e999", "0 0");
/** Mostly one of the three ways to shape (the schema refuses two at once), sometimes any mix. */
const shapingFields = {
  profile: field(text("3g", "harsh", "fibre", "unlimited")),
  bitsPerSecond: field(number),
  trace: field(traceText),
  latencyMs: field(number),
  session: field(text("viewer-1")),
};
const shaping = fc.oneof(
  ...(["profile", "bitsPerSecond", "trace"] as const).map((way) =>
    fc.record(
      {
        [way]: shapingFields[way],
        latencyMs: shapingFields.latencyMs,
        session: shapingFields.session,
      },
      { requiredKeys: [way] },
    ),
  ),
  fc.record(shapingFields, optional),
);
const fault = fc.record(
  {
    type: field(text("error", "stall", "truncate", "corrupt", "slow-first-byte", "down")),
    appliance: field(text("*", "isp-a-1", "nowhere")),
    title: field(text("tiny")),
    rendition: field(text("v")),
    segment: field(text("seg_00001.m4s")),
    probability: field(number),
    status: field(number),
    delayMs: field(number),
    fraction: field(number),
  },
  optional,
);
const fill = fc.record(
  { titles: field(fc.array(text("tiny", "nope"), { maxLength: 3 })), top: field(number) },
  optional,
);
const reset = fc.record({ keepCaches: field(fc.boolean()) }, optional);
/** A body for the route, or any JSON value at all now and then. */
const bodyOf = <T>(kind: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: kind, weight: 5 }, { arbitrary: json, weight: 1 });
const shapingPath = applianceId.map((id) => `/admin/appliances/${id}/shaping`);
/** Requests by route, each property on its own so a rare body is not diluted by the others. */
const ROUTES = {
  "PUT shaping": fc.tuple(fc.constant("PUT"), shapingPath, bodyOf(shaping)),
  "POST faults": fc.tuple(
    fc.constantFrom("POST", "GET"),
    fc.constant("/admin/faults"),
    bodyOf(fault),
  ),
  "POST fill": fc.tuple(
    fc.constant("POST"),
    applianceId.map((id) => `/admin/appliances/${id}/fill`),
    bodyOf(fill),
  ),
  "everything else": fc.oneof(
    fc.tuple(fc.constant("DELETE"), shapingPath, bodyOf(reset)),
    fc.tuple(
      fc.constant("DELETE"),
      text("fault-1", "fault-2").map((id) => `/admin/faults/${encodeURIComponent(id)}`),
      bodyOf(reset),
    ),
    fc.tuple(
      fc.constantFrom("POST"),
      applianceId.chain((id) =>
        fc.constantFrom(`/admin/appliances/${id}/down`, `/admin/appliances/${id}/up`),
      ),
      bodyOf(reset),
    ),
    fc.tuple(fc.constantFrom("POST", "GET"), fc.constant("/admin/reset"), bodyOf(reset)),
    fc.tuple(
      fc.constant("GET"),
      fc.constantFrom("/admin/state", "/admin/profiles"),
      fc.constant({}),
    ),
  ),
};
const origin = fc.oneof(
  { arbitrary: fc.constantFrom(undefined, APP), weight: 6 },
  { arbitrary: fc.constantFrom("http://evil.example", "null"), weight: 1 },
);
const contentType = fc.oneof(
  { arbitrary: fc.constantFrom("application/json", "application/json; charset=utf-8"), weight: 6 },
  { arbitrary: fc.constantFrom("text/plain", "application/x-www-form-urlencoded"), weight: 1 },
);

/** A 4xx says why in JSON; nothing is 5xx; nothing takes long. */
function checkAnswer(response: { statusCode: number; body: string }, startedMs: number) {
  expect(response.statusCode, response.body).toBeLessThan(500);
  if (response.statusCode >= 400) {
    const json = JSON.parse(response.body) as { error?: unknown };
    expect(typeof json.error).toBe("string");
  }
  expect(performance.now() - startedMs).toBeLessThan(3_000);
}

describe("any request", () => {
  it.each(Object.entries(ROUTES))(
    "to the admin API, %s: 2xx or 4xx, and the state still reads with the shared schema",
    async (_name, request) => {
      const heapBefore = process.memoryUsage().heapUsed;
      await fc.assert(
        fc.asyncProperty(
          request,
          origin,
          contentType,
          async ([method, url, payload], from, type) => {
            const started = performance.now();
            const response = await admin.inject({
              method: method as "GET" | "POST" | "PUT" | "DELETE",
              url,
              headers: { "content-type": type, ...(from ? { origin: from } : {}) },
              ...(method === "GET" ? {} : { payload: JSON.stringify(payload) }),
            });
            checkAnswer(response, started);
            // Nothing half applied: whatever was accepted, the network still describes itself.
            const state = await admin.inject({ method: "GET", url: "/admin/state" });
            expect(state.statusCode).toBe(200);
            expect(NetworkState.safeParse(JSON.parse(state.body)).success, state.body).toBe(true);
          },
        ),
        { numRuns: 400 },
      );
      await network.reset();
      // Bounded memory: a few runs hold day-long traces (50 MB each) until the reset frees them.
      expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(400e6);
    },
    60_000,
  );

  it("to the steering service gets 2xx or 4xx, heartbeats with the secret included", async () => {
    const auth = { authorization: `Bearer ${network.heartbeatSecret}` };
    const heartbeat = fc.record(
      {
        id: fc.oneof(fc.constantFrom("origin", "isp-a-1", "edge"), fc.string({ maxLength: 20 })),
        baseUrl: fc.oneof(fc.constant("http://127.0.0.9:9/"), fc.webUrl(), fc.string()),
        region: fc.string({ maxLength: 10 }),
        healthy: fc.boolean(),
        lastHeartbeatMs: fc.integer(),
        activeSessions: fc.integer(),
        capacitySessions: fc.integer(),
        throughputBps: fc.double(),
        capacityBps: fc.double(),
        titles: fc.dictionary(fc.string(), fc.double()),
      },
      { requiredKeys: [] },
    );
    const request = fc.oneof(
      fc.tuple(fc.oneof(heartbeat, json), origin).map(([payload, from]) => ({
        method: "POST" as const,
        url: HEARTBEAT_PATH,
        headers: { "content-type": "application/json", ...auth, ...(from ? { origin: from } : {}) },
        payload: JSON.stringify(payload),
      })),
      fc
        .tuple(
          fc.constantFrom("", "/hls.json", "/dash.json", "/master.m3u8", "/manifest.mpd"),
          fc.oneof(fc.constant(titleId), fc.string({ maxLength: 20 }).map(encodeURIComponent)),
          fc.dictionary(
            fc.constantFrom(
              "region",
              "address",
              "pathway",
              "throughput",
              "_HLS_pathway",
              "_HLS_throughput",
              "_DASH_pathway",
              "_DASH_throughput",
            ),
            fc.string({ maxLength: 30 }),
          ),
        )
        .map(([suffix, id, query]) => ({
          method: "GET" as const,
          url: `/steering/${id}${suffix}?${new URLSearchParams(query)}`,
          headers: {},
        })),
      fc.constant({ method: "GET" as const, url: "/steering/reports", headers: {} }),
    );
    await fc.assert(
      fc.asyncProperty(request, async (r) => {
        const started = performance.now();
        checkAnswer(await network.steering.app.inject(r), started);
      }),
      { numRuns: 250 },
    );
  }, 60_000);
});
