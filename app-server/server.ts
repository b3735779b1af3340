/**
 * The app server: serves a production build (build.ts) to the browser. Every app route gets
 * index.html with the runtime config and the page's resource hints written in (page.ts,
 * hints.ts) and `no-cache`, so a new build or other ports show at the next load; hashed assets
 * are immutable for a year, since a changed file gets a new name. A missing asset is a plain
 * 404, never the page: a browser handed HTML for a script reports a MIME error far from the
 * cause. No compression: it serves loopback. A fastify app factory; `listen` happens in
 * scripts/demo.ts.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import fastifyStatic from "@fastify/static";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
// The delivery network's timeouts: one set of figures for every server the demo runs.
import { fastifyServerOptions } from "../mock-server/net/timeouts.ts";
import { ROUTES } from "../src/lib/routes.ts";
import { CATALOG_PATH } from "../src/schemas/catalog.ts";
import type { RuntimeConfig } from "../src/schemas/runtime-config.ts";
import { chunksLoading, type PageKind, pageHints, parseManifest } from "./hints.ts";
import { renderPage } from "./page.ts";

export interface AppServerOptions {
  /** A build folder: index.html, assets/, and Vite's manifest in .vite/. */
  dir: string;
  config: RuntimeConfig;
  /** False: the page with the config only (to measure what the hints save). Default true. */
  resourceHints?: boolean;
  logger?: boolean;
}

/** Vite names every file in assets/ by its content hash. */
const ASSETS_PREFIX = "/assets/";
export const IMMUTABLE = "public, max-age=31536000, immutable";

/** What each of the app's routes (src/lib/routes.ts) loads first. */
const ROUTE_KINDS: Record<keyof typeof ROUTES, PageKind> = {
  home: "catalog",
  title: "catalog",
  watch: "watch",
  search: "catalog",
  lab: "other",
};

async function readBuildFile(dir: string, file: string): Promise<string> {
  try {
    return await readFile(path.join(dir, file), "utf8");
  } catch (error) {
    throw new Error(
      `app server: cannot read ${file} in ${dir} (${(error as NodeJS.ErrnoException).code}): serve a folder vite build wrote with build.manifest on (app-server/build.ts does)`,
    );
  }
}

export async function buildAppServer(options: AppServerOptions): Promise<FastifyInstance> {
  const { dir, config } = options;
  const template = await readBuildFile(dir, "index.html");
  const manifest = parseManifest(JSON.parse(await readBuildFile(dir, ".vite/manifest.json")));
  const hlsChunks = chunksLoading(manifest, "hls.js");
  const catalogUrl = `${config.originUrl}/${CATALOG_PATH}`;
  const pages = new Map<PageKind, string>();
  for (const kind of ["catalog", "watch", "other"] as const) {
    const hints =
      options.resourceHints === false ? [] : pageHints(kind, config, catalogUrl, hlsChunks);
    pages.set(kind, renderPage(template, config, hints));
  }

  const app = Fastify({ logger: options.logger ?? false, ...fastifyServerOptions() });
  const sendPage = (reply: FastifyReply, status: number, kind: PageKind) =>
    reply
      .code(status)
      .type("text/html; charset=utf-8")
      .header("cache-control", "no-cache")
      .send(pages.get(kind));

  await app.register(fastifyStatic, {
    root: dir,
    index: false,
    // Vite's manifest (.vite/) is for this server, not for browsers.
    dotfiles: "ignore",
    cacheControl: false,
    setHeaders(res, filePath) {
      const inAssets = filePath.startsWith(path.join(dir, ASSETS_PREFIX));
      res.setHeader("cache-control", inAssets ? IMMUTABLE : "no-cache");
    },
  });
  for (const [route, pattern] of Object.entries(ROUTES) as [keyof typeof ROUTES, string][]) {
    app.get(pattern, (request, reply) => sendPage(reply, 200, kindOf(route, request)));
  }
  app.get("/index.html", (request, reply) => sendPage(reply, 200, kindOf("home", request)));
  app.setNotFoundHandler((request, reply) =>
    looksLikePage(request)
      ? // Any other address: the app shows its "page not found", with the status to match.
        sendPage(reply, 404, "other")
      : reply.code(404).type("text/plain; charset=utf-8").send(`not found: ${request.url}`),
  );
  return app;
}

/** Home with `?src=URL` plays that stream (src/app/stream-link.ts) and needs no catalog. */
function kindOf(route: keyof typeof ROUTES, request: FastifyRequest): PageKind {
  const query = request.query as Record<string, unknown>;
  return route === "home" && query.src !== undefined ? "other" : ROUTE_KINDS[route];
}

/** A page address (no file extension, outside assets/) asked for with GET or HEAD. */
function looksLikePage(request: FastifyRequest): boolean {
  if (request.method !== "GET" && request.method !== "HEAD") return false;
  const pathname = new URL(request.url, "http://app").pathname;
  return !pathname.startsWith(ASSETS_PREFIX) && path.posix.extname(pathname) === "";
}
