/**
 * The app server over real loopback HTTP, on a real production build of the app: the cached
 * build, the page with its injected config for an app route, immutable hashed assets, and a
 * plain 404 for a missing asset. Also a build that fails, and what it says.
 */
import { mkdir, mkdtemp, readdir, utimes, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RUNTIME_CONFIG_GLOBAL } from "../src/schemas/runtime-config.ts";
import { type AppBuild, ensureAppBuild } from "./build.ts";
import { buildAppServer, IMMUTABLE } from "./server.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const config = {
  originUrl: "http://127.0.0.1:18080",
  steeringUrl: "http://127.0.0.1:18081",
  adminUrl: "http://127.0.0.1:18082",
};

let cacheDir: string;
let build: AppBuild;
let server: FastifyInstance;
let base: string;

/** Earlier builds, used 3, 2 and 1 days ago, and what a killed build left. */
async function earlierBuilds(dir: string): Promise<void> {
  for (const [name, daysAgo] of [
    ["0000000000000003", 3],
    ["0000000000000002", 2],
    ["0000000000000001", 1],
  ] as const) {
    await mkdir(path.join(dir, name));
    const then = new Date(Date.now() - daysAgo * 86_400_000);
    await utimes(path.join(dir, name), then, then);
  }
  // No process has this id (above Linux's largest, 2^22).
  await mkdir(path.join(dir, ".staging-0000000000000004-99999999"));
}

beforeAll(async () => {
  cacheDir = await mkdtemp(path.join(os.tmpdir(), "app-build-"));
  await earlierBuilds(cacheDir);
  build = await ensureAppBuild({ root: ROOT, cacheDir });
  server = await buildAppServer({ dir: build.dir, config });
  base = (await server.listen({ host: "127.0.0.1", port: 0 })).replace(/\/$/, "");
}, 120_000);

afterAll(async () => {
  await server?.close();
});

describe("the cached build", () => {
  it("builds once, then is found by its key", async () => {
    expect(build.builtMs).toBeGreaterThan(0);
    const again = await ensureAppBuild({ root: ROOT, cacheDir });
    expect(again).toEqual({ dir: build.dir, key: build.key, builtMs: null });
  });

  it("keeps the three builds used last, and sweeps what a killed build left", async () => {
    expect((await readdir(cacheDir)).sort()).toEqual(
      ["0000000000000001", "0000000000000002", build.key].sort(),
    );
  });
});

describe("the app server", () => {
  it("serves an app route as the page with the config written in, not cached", async () => {
    const response = await fetch(`${base}/watch/e2e-clip?t=30`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("cache-control")).toBe("no-cache");
    const html = await response.text();
    const json = new RegExp(`window\\.${RUNTIME_CONFIG_GLOBAL}=(\\{.*?\\});</script>`).exec(html);
    expect(JSON.parse(json![1]!)).toEqual(config);
    expect(html).toMatch(/<script type="module" crossorigin src="\/assets\/index-[\w-]+\.js">/);
    // A watch page starts loading hls.js and the catalog before the app asks.
    expect(html).toMatch(/<link rel="modulepreload" href="\/assets\/hls-[\w-]+\.js" crossorigin>/);
    expect(html).toContain(
      '<link rel="preload" href="http://127.0.0.1:18080/catalog.json" as="fetch" crossorigin>',
    );
  });

  it("serves every route of the app, and the page for an unknown one with a 404", async () => {
    for (const route of ["/", "/title/e2e-clip", "/search?q=clip", "/lab", "/index.html"]) {
      const response = await fetch(`${base}${route}`);
      expect(response.status, route).toBe(200);
      expect(await response.text(), route).toContain(`window.${RUNTIME_CONFIG_GLOBAL}=`);
    }
    const unknown = await fetch(`${base}/no/such/page`);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toContain('<div id="root">');
  });

  it("serves hashed assets as immutable", async () => {
    const assets = await readdir(path.join(build.dir, "assets"));
    const script = assets.find((f) => /^index-[\w-]+\.js$/.test(f))!;
    const response = await fetch(`${base}/assets/${script}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("cache-control")).toBe(IMMUTABLE);
    expect(response.headers.get("content-type")).toMatch(/javascript/);
    expect(response.headers.get("content-encoding")).toBeNull();
    const favicon = await fetch(`${base}/favicon.svg`);
    expect(favicon.status).toBe(200);
    expect(favicon.headers.get("cache-control")).toBe("no-cache");
  });

  it("answers a missing asset with a plain 404, not the page", async () => {
    for (const missing of ["/assets/index-00000000.js", "/nope.css", "/.vite/manifest.json"]) {
      const response = await fetch(`${base}${missing}`);
      expect(response.status, missing).toBe(404);
      expect(response.headers.get("content-type"), missing).toMatch(/^text\/plain/);
      expect(await response.text(), missing).not.toContain("<html");
    }
  });
});

describe("a build that fails", () => {
  it("says where and what to do, and caches nothing", async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), "broken-app-"));
    await writeFile(
      path.join(root, "index.html"),
      '<!doctype html><html><head></head><body><script type="module" src="/main.ts"></script></body></html>',
    );
    await writeFile(path.join(root, "main.ts"), "const x: number = ;\n");
    const brokenCache = path.join(root, ".cache");
    await mkdir(brokenCache);
    await expect(ensureAppBuild({ root, cacheDir: brokenCache })).rejects.toThrow(
      /^app build failed \(vite build\): [\s\S]*main\.ts:1:\d+[\s\S]*\nfix: correct the file named above/,
    );
    expect(await readdir(brokenCache)).toEqual([]);
  }, 60_000);
});
