/**
 * The truncate and stall faults cut the connection at the cut, over real loopback sockets on a
 * keep-alive connection (the case where a short ended response left the socket open until the
 * idle timeout, 6 s later): the client sees the connection end right after the last byte, or
 * right after the stall.
 */
import http from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { FaultRequest } from "../../src/schemas/admin.ts";
import { type Network, startNetwork } from "../network.ts";
import { writeTinyCatalog } from "../tiny-catalog.ts";

const BODY_BYTES = 200_000;
let network: Network;
let file: string;

beforeAll(async () => {
  const catalog = await writeTinyCatalog(BODY_BYTES);
  file = catalog.segmentPath;
  network = await startNetwork({ catalogDir: catalog.dir, fillWindow: null });
});

afterAll(async () => {
  await network?.close();
});

const admin = (method: string, route: string, body: unknown = {}) =>
  fetch(`${network.urls.admin}${route}`, {
    method,
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

afterEach(async () => {
  await admin("POST", "admin/reset", { keepCaches: true });
});

/** A plain GET, to bring the file into the appliance's cache. */
const fill = async () => {
  const response = await fetch(`${network.urls.appliances["isp-a-1"]}${file}`);
  expect((await response.arrayBuffer()).byteLength).toBe(BODY_BYTES);
};

interface Timeline {
  status: number;
  bytes: number;
  lastByteMs: number;
  closedMs: number;
}

/** One GET on a keep-alive connection: when the last byte came and when the socket closed. */
function timedGet(): Promise<Timeline> {
  const url = new URL(`${network.urls.appliances["isp-a-1"]}${file}`);
  const agent = new http.Agent({ keepAlive: true });
  const start = performance.now();
  return new Promise((resolve) => {
    const timeline: Timeline = { status: 0, bytes: 0, lastByteMs: 0, closedMs: -1 };
    const req = http.get(
      { host: url.hostname, port: url.port, path: url.pathname, agent },
      (res) => {
        timeline.status = res.statusCode ?? 0;
        res.on("data", (chunk: Buffer) => {
          timeline.bytes += chunk.length;
          timeline.lastByteMs = performance.now() - start;
        });
        res.on("error", () => undefined);
      },
    );
    req.on("error", () => undefined);
    req.on("socket", (socket) =>
      socket.on("close", () => {
        timeline.closedMs = performance.now() - start;
        agent.destroy();
        resolve(timeline);
      }),
    );
  });
}

async function withFault(fault: Partial<FaultRequest>): Promise<Timeline> {
  const added = await admin("POST", "admin/faults", { appliance: "isp-a-1", ...fault });
  expect(added.status).toBe(201);
  return timedGet();
}

describe("faults cut the socket at the cut", () => {
  it("truncate: the connection ends right after the last byte sent", async () => {
    await fill(); // so the timeline is the appliance's alone
    const t = await withFault({ type: "truncate", fraction: 0.5 });
    expect(t.status).toBe(200);
    expect(t.bytes).toBe(BODY_BYTES / 2);
    // It was 6 s: the idle keep-alive timeout, not the fault, closed the socket.
    expect(t.closedMs - t.lastByteMs).toBeLessThan(250);
  });

  it("truncate on a shaped link: the paced half, then the cut at once", async () => {
    await fill();
    await admin("PUT", "admin/appliances/isp-a-1/shaping", { bitsPerSecond: 4_000_000 });
    const t = await withFault({ type: "truncate", fraction: 0.25 });
    expect(t.bytes).toBe(BODY_BYTES / 4);
    // 50 kB at 4 Mbit/s is about 100 ms of pacing before the cut.
    expect(t.lastByteMs).toBeGreaterThan(50);
    expect(t.closedMs - t.lastByteMs).toBeLessThan(250);
  });

  it("stall: part of the body, silence for delayMs, then the cut", async () => {
    await fill();
    const t = await withFault({ type: "stall", fraction: 0.5, delayMs: 600 });
    expect(t.bytes).toBe(BODY_BYTES / 2);
    const silenceMs = t.closedMs - t.lastByteMs;
    expect(silenceMs).toBeGreaterThan(500);
    expect(silenceMs).toBeLessThan(600 + 250);
  });
});
