/**
 * What the browser loads pages from, as a viewer would get them: our app's production build
 * (Vite, minified, the engines in their own lazily loaded chunks) and the bare stock-engine
 * pages with the engines' published dist builds from node_modules, all from one tiny static
 * server (fastify + @fastify/static). A dev server would hand the browser hundreds of
 * unbundled modules compiled on first request: not what anyone meets.
 */
import { rm } from "node:fs/promises";
import path from "node:path";
import fastifyStatic from "@fastify/static";
import Fastify from "fastify";
import { build } from "vite";

const ROOT = path.resolve(import.meta.dirname, "../..");
const BARE_DIR = path.join(import.meta.dirname, "bare");

export interface AppUrls {
  origin: string;
  steering: string;
  admin: string;
}

/** Builds the app for these servers (their URLs are compiled in, as `npm start` sets them). */
export async function buildApp(urls: AppUrls, outDir: string): Promise<void> {
  process.env.VITE_ORIGIN_URL = urls.origin;
  process.env.VITE_STEERING_URL = urls.steering;
  process.env.VITE_ADMIN_URL = urls.admin;
  await rm(outDir, { recursive: true, force: true });
  await build({
    root: ROOT,
    configFile: path.join(ROOT, "vite.config.ts"),
    logLevel: "error",
    build: { outDir, emptyOutDir: true, reportCompressedSize: false },
  });
}

export interface Site {
  url: string;
  close(): Promise<void>;
}

/**
 * `/` and any app route: the app build (index.html for routes, so `/watch/<id>` deep-links);
 * `/bare/`: the stock pages; `/engines/hls.js/`, `/engines/shaka-player/`: the engines' dist.
 */
export async function startSite(appDir: string, port: number): Promise<Site> {
  const app = Fastify({ logger: false });
  await app.register(fastifyStatic, { root: appDir, prefix: "/" });
  await app.register(fastifyStatic, { root: BARE_DIR, prefix: "/bare/", decorateReply: false });
  for (const engine of ["hls.js", "shaka-player"]) {
    await app.register(fastifyStatic, {
      root: path.join(ROOT, "node_modules", engine, "dist"),
      prefix: `/engines/${engine}/`,
      decorateReply: false,
    });
  }
  app.setNotFoundHandler((request, reply) => {
    const isFile = /\.[a-z0-9]+$/i.test(request.url.split("?")[0] ?? "");
    if (request.method !== "GET" || isFile) return reply.code(404).send("not found");
    return reply.sendFile("index.html", appDir);
  });
  await app.listen({ host: "127.0.0.1", port });
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}
