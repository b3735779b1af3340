/**
 * nginx appliances for real (Debian's nginx, /usr/sbin/nginx or NGINX_PATH): the cache is
 * nginx's, a miss then a hit with nginx's own X-Cache, concurrent misses share one origin
 * fetch (proxy_cache_lock), stopping leaves no nginx process, an nginx stopped through the
 * admin API makes its appliance answer 502 and leave the steering rotation, and a missing
 * nginx is one line naming the package.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Network, startNetwork } from "../network.ts";
import { writeTinyCatalog } from "../tiny-catalog.ts";
import { childPids, freePort, NginxProcess, NginxStore, nginxBinary } from "./nginx.ts";

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
/** Every process whose command line names `text` (pgrep -f, by hand). */
function processesNaming(text: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(text)) found.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

describe("an nginx in front of an origin", () => {
  const FILE_BYTES = 400_000;
  let origin: http.Server;
  let originRequests = 0;
  let store: NginxStore;
  let prefix: string;

  beforeAll(async () => {
    // An origin that takes 300 ms to answer, so concurrent misses overlap.
    origin = http.createServer((req, res) => {
      originRequests++;
      setTimeout(() => {
        if (!req.url?.startsWith("/titles/")) return res.writeHead(404).end();
        res.writeHead(200, { "content-type": "video/mp4", "content-length": FILE_BYTES });
        res.end(Buffer.alloc(FILE_BYTES, 7));
      }, 300);
    });
    await new Promise<void>((resolve) => origin.listen(0, "127.0.0.1", resolve));
    prefix = path.join(await mkdtemp(path.join(os.tmpdir(), "nginx-appliance-")), "a1");
    store = new NginxStore(
      new NginxProcess(
        {
          id: "a1",
          prefix,
          port: await freePort(),
          originBaseUrl: `http://127.0.0.1:${(origin.address() as AddressInfo).port}/`,
          capacityBytes: 50e6,
          fillBitsPerSecond: 1e9,
        },
        nginxBinary(),
      ),
      (p) => p.split("/")[1] ?? null,
    );
    await store.start();
  });

  afterAll(async () => {
    await store?.close();
    origin?.close();
  });

  it("runs a real nginx master with its workers, under its own prefix", () => {
    const pid = store.nginx.pid!;
    expect(readFileSync(`/proc/${pid}/cmdline`, "utf8")).toContain(prefix);
    expect(childPids(pid).length).toBeGreaterThan(0);
  });

  it("misses, then hits, with nginx's own X-Cache", async () => {
    const direct = await fetch(`${store.nginx.baseUrl}titles/t1/seg-1.m4s`);
    expect(direct.headers.get("x-cache")).toBe("MISS");
    await direct.arrayBuffer();
    const again = await store.get("titles/t1/seg-1.m4s");
    expect(again?.hit).toBe(true);
    expect(again?.object.body.length).toBe(FILE_BYTES);
    // nginx writes a request's log line just after the response: read until it is there.
    await expect
      .poll(async () => {
        await store.refresh();
        return store.snapshot();
      })
      .toMatchObject({ fills: 1, fillBytes: FILE_BYTES, objects: 1 });
    expect(store.titleBytes().get("t1")).toBe(FILE_BYTES);
    expect(store.has("titles/t1/seg-1.m4s")).toBe(true);
  });

  it("makes ten concurrent misses for one file one origin fetch", async () => {
    const before = originRequests;
    const answers = await Promise.all(
      Array.from({ length: 10 }, () => store.get("titles/t1/seg-2.m4s")),
    );
    expect(answers.every((a) => a?.object.body.length === FILE_BYTES)).toBe(true);
    expect(originRequests - before).toBe(1);
    await expect
      .poll(async () => {
        await store.refresh();
        return store.snapshot().fills;
      })
      .toBe(2);
  });

  it("answers null for a file the origin does not have", async () => {
    expect(await store.get("nothing/here")).toBeNull();
  });

  it("stops with no nginx process left, workers included", async () => {
    const pid = store.nginx.pid!;
    const workers = childPids(pid);
    await store.close();
    expect(alive(pid)).toBe(false);
    expect(workers.filter(alive)).toEqual([]);
    expect(processesNaming(prefix)).toEqual([]);
  });
});

describe("a network of nginx appliances", () => {
  let network: Network;
  let segmentPath: string;

  beforeAll(async () => {
    const catalog = await writeTinyCatalog(200_000);
    segmentPath = catalog.segmentPath;
    network = await startNetwork({
      catalogDir: catalog.dir,
      fillWindow: null,
      applianceKind: "nginx",
      heartbeatMs: 100,
    });
  });

  afterAll(async () => {
    await network?.close();
  });

  const admin = (route: string) =>
    fetch(`${network.urls.admin}${route}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });

  it("serves through nginx, its counters in the admin state", async () => {
    const url = `${network.urls.appliances["isp-a-1"]}${segmentPath}`;
    expect((await fetch(url)).headers.get("x-cache")).toBe("MISS");
    expect((await fetch(url)).headers.get("x-cache")).toBe("HIT");
    const state = network.appliances[0]!.state(network.titleTotals());
    expect(state.engine).toEqual({ name: "nginx", running: true });
    expect(state.counters).toMatchObject({ requests: 2, hits: 1, misses: 1 });
  });

  it("answers 502 and leaves the rotation while its nginx is stopped; reset brings it back", async () => {
    const stopped = await admin("admin/appliances/isp-a-1/engine/stop");
    expect(stopped.status).toBe(200);
    expect(((await stopped.json()) as { engine: unknown }).engine).toEqual({
      name: "nginx",
      running: false,
    });
    expect((await fetch(`${network.urls.appliances["isp-a-1"]}${segmentPath}`)).status).toBe(502);
    const answer = network.steering.answer("tiny", "isp-a", null);
    expect(answer.appliances.find((a) => a.id === "isp-a-1")?.score).toBe(-1);
    expect((await admin("admin/reset")).status).toBe(200);
    expect((await fetch(`${network.urls.appliances["isp-a-1"]}${segmentPath}`)).status).toBe(200);
  });

  it("stops every nginx, workers included, and removes its folder when the network closes", async () => {
    const stores = network.appliances.map((a) => a.cache as NginxStore);
    const pids = stores.map((s) => s.nginx.pid!);
    const workers = pids.flatMap(childPids);
    expect(pids.every(alive)).toBe(true);
    expect(workers.length).toBeGreaterThanOrEqual(pids.length);
    const runDir = path.dirname(stores[0]!.nginx.options.prefix);
    await network.close();
    expect([...pids, ...workers].filter(alive)).toEqual([]);
    expect(processesNaming(runDir)).toEqual([]);
    expect(existsSync(runDir)).toBe(false);
  });

  it("refuses engine/stop on an in-process appliance with 409", async () => {
    const other = await startNetwork({
      catalogDir: (await writeTinyCatalog()).dir,
      fillWindow: null,
    });
    try {
      const response = await fetch(`${other.urls.admin}admin/appliances/isp-a-1/engine/stop`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: "{}",
      });
      expect(response.status).toBe(409);
    } finally {
      await other.close();
    }
  });
});

describe("without nginx", () => {
  it("says how to install it, and starts nothing", async () => {
    expect(() => nginxBinary({ NGINX_PATH: "/nowhere/nginx" })).toThrow(
      "nginx not found at /nowhere/nginx: install it (Debian/Ubuntu: sudo apt-get install nginx-light)",
    );
    const saved = process.env.NGINX_PATH;
    process.env.NGINX_PATH = "/nowhere/nginx";
    try {
      const catalog = await writeTinyCatalog();
      const port = await freePort();
      await expect(
        startNetwork({
          catalogDir: catalog.dir,
          fillWindow: null,
          applianceKind: "nginx",
          ports: { origin: port },
        }),
      ).rejects.toThrow("apt-get install nginx-light");
      // Nothing was started: the origin's port is still free.
      const server = http.createServer();
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, "127.0.0.1", resolve);
      });
      server.close();
    } finally {
      if (saved === undefined) delete process.env.NGINX_PATH;
      else process.env.NGINX_PATH = saved;
    }
  });
});
