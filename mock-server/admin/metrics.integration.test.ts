/**
 * `GET /metrics` over real loopback HTTP: Prometheus text whose counters move as an appliance
 * serves a miss, a hit and an injected fault, and as the steering service answers.
 */
import Fastify from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Network, startNetwork } from "../network.ts";
import { type TinyCatalog, writeTinyCatalog } from "../tiny-catalog.ts";
import { metricsRoutes } from "./metrics.ts";

let network: Network;
let catalog: TinyCatalog;

beforeAll(async () => {
  catalog = await writeTinyCatalog();
  network = await startNetwork({ catalogDir: catalog.dir, fillWindow: null });
});

afterAll(async () => {
  await network?.close();
});

/** Every sample of a scrape, `name{labels}` to its value. */
async function scrape(): Promise<Map<string, number>> {
  const response = await fetch(`${network.urls.admin}metrics`);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  const samples = new Map<string, number>();
  for (const line of (await response.text()).split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const cut = line.lastIndexOf(" ");
    samples.set(line.slice(0, cut), Number(line.slice(cut + 1)));
  }
  return samples;
}

const of = (name: string) => `streamlab_appliance_${name}{appliance="isp-a-1",region="isp-a"}`;

describe("GET /metrics", () => {
  it("moves the counters with requests, hits, misses, faults and steering answers", async () => {
    const before = await scrape();
    expect(before.get(of("requests_total"))).toBe(0);
    expect(before.get(of("up"))).toBe(1);

    const appliance = network.urls.appliances["isp-a-1"];
    const get = (headers: Record<string, string> = {}) =>
      fetch(`${appliance}${catalog.segmentPath}`, { headers });
    expect((await get()).headers.get("x-cache")).toBe("MISS");
    await (await get()).arrayBuffer();
    const faulted = await fetch(`${network.urls.admin}admin/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ type: "error", appliance: "isp-a-1", status: 503 }),
    });
    expect(faulted.status).toBe(201);
    expect((await get()).status).toBe(503);
    // A client in ISP A (127.0.0.x) is steered to its own region's appliance.
    const steered = await fetch(`${network.urls.steering}steering/${catalog.titleId}`);
    expect(steered.status).toBe(200);

    const after = await scrape();
    expect(after.get(of("requests_total"))).toBe(3);
    expect(after.get(of("cache_misses_total"))).toBe(1);
    expect(after.get(of("cache_hits_total"))).toBe(2);
    expect(after.get(of("fills_total"))).toBe(1);
    expect(after.get(of("bytes_served_total"))).toBe(catalog.segment.length * 2);
    expect(after.get(of("faults_injected_total"))).toBe(1);
    expect(after.get(of("cache_used_bytes"))).toBeGreaterThan(0);
    expect(after.get('streamlab_steering_answers_total{reason="same-region"}')).toBeGreaterThan(
      before.get('streamlab_steering_answers_total{reason="same-region"}') ?? 0,
    );
  });

  it("says an appliance taken down is down", async () => {
    const down = await fetch(`${network.urls.admin}admin/appliances/isp-b-1/down`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(down.status).toBe(200);
    expect((await scrape()).get('streamlab_appliance_up{appliance="isp-b-1",region="isp-b"}')).toBe(
      0,
    );
  });
});

describe("metricsRoutes as a plugin", () => {
  it("answers through inject on an app of its own, with no socket", async () => {
    const app = Fastify();
    await app.register(metricsRoutes, { network });
    const response = await app.inject({ method: "GET", url: "/metrics" });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain("# TYPE streamlab_appliance_requests_total counter");
    expect(response.body).toContain(
      'streamlab_appliance_up{appliance="exchange-1",region="exchange"} 1',
    );
    await app.close();
  });
});
