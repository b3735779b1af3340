/**
 * Scheduled faults through the admin API on a real network over loopback: a fault set for the
 * 3rd segment request hits exactly the 3rd, a window applies only inside it, and a bad
 * schedule is refused naming the field, with the faults as they were.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Fault } from "../../src/schemas/admin.ts";
import { type Network, startNetwork } from "../network.ts";
import { writeTinyCatalog } from "../tiny-catalog.ts";

const APP = "http://127.0.0.1:5999";
let network: Network;
let segment: string;
let manifest: string;

beforeAll(async () => {
  const catalog = await writeTinyCatalog(20_000);
  segment = catalog.segmentPath;
  manifest = `${segment.split("/video/")[0]}/master.m3u8`;
  network = await startNetwork({ catalogDir: catalog.dir, fillWindow: null, appOrigins: [APP] });
});

afterAll(async () => {
  await network?.close();
});

afterEach(async () => {
  await admin("POST", "admin/reset", { keepCaches: true });
});

const admin = (method: string, route: string, body: unknown = {}, headers = {}) =>
  fetch(`${network.urls.admin}${route}`, {
    method,
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

const status = async (path: string) => {
  const response = await fetch(`${network.urls.appliances["isp-a-1"]}${path}`);
  await response.arrayBuffer();
  return response.status;
};

const faults = async () =>
  (await (await fetch(`${network.urls.admin}admin/faults`)).json()) as Fault[];
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("scheduled faults", () => {
  it("a fault on the 3rd segment request hits exactly the 3rd", async () => {
    const set = await admin("POST", "admin/faults", {
      type: "error",
      status: 500,
      requests: "segment",
      nth: 3,
    });
    expect(set.status).toBe(201);
    // Manifests between the segments are not counted.
    const seen = [];
    for (const path of [segment, manifest, segment, manifest, segment, segment, segment]) {
      seen.push(await status(path));
    }
    expect(seen).toEqual([200, 200, 200, 200, 500, 200, 200]);
    expect((await faults())[0]).toMatchObject({ injected: 1, counted: 5 });
  });

  it("a window applies only inside it", async () => {
    await admin("POST", "admin/faults", { type: "error", status: 503, fromSec: 1, toSec: 2.5 });
    const before = await status(segment);
    await sleep(1_500);
    const inside = await status(segment);
    await sleep(1_500);
    const after = await status(segment);
    expect([before, inside, after]).toEqual([200, 503, 200]);
  });

  it("refuses bad schedules naming the field, and changes nothing", async () => {
    await admin("POST", "admin/faults", { type: "error", nth: 2 });
    const kept = await faults();
    for (const [body, field] of [
      [{ nth: 0 }, "nth"],
      [{ every: -1 }, "every"],
      [{ nth: 10_000_000 }, "nth"],
      [{ fromSec: 10, toSec: 5 }, "toSec"],
      [{ toSec: 1e12 }, "toSec"],
      [{ nth: 1, every: 2 }, "every"],
    ] as const) {
      const response = await admin("POST", "admin/faults", { type: "error", ...body });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(((await response.json()) as { field: string }).field).toBe(field);
    }
    // Nor from another web origin.
    const foreign = await admin(
      "POST",
      "admin/faults",
      { type: "error", nth: 1 },
      {
        origin: "http://evil.example",
      },
    );
    expect(foreign.status).toBe(403);
    expect(await faults()).toEqual(kept);
  });
});
