/**
 * The app server: serves a production build (build.ts) to the browser. Every app route gets
 * index.html with the runtime config written in (page.ts) and `no-cache`, so a new build or other ports show at the next load; hashed assets
 * are immutable for a year, since a changed file gets a new name. A missing asset is a plain
 * 404, never the page: a browser handed HTML for a script reports a MIME error far from the
 * cause. No compression: it serves loopback. A fastify app factory; `listen` happens in
 * scripts/demo.ts.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import fastifyStatic from "@fastify/static";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
import { ROUTES } from "../src/lib/routes.ts";
import type { RuntimeConfig } from "../src/schemas/runtime-config.ts";
import { renderPage } from "./page.ts";

export interface AppServerOptions {
  /** A build folder: index.html and assets/. */
  dir: string;
  config: RuntimeConfig;
  logger?: boolean;
}

/** Vite names every file in assets/ by its content hash. */
const ASSETS_PREFIX = "/assets/";
export const IMMUTABLE = "public, max-age=31536000, immutable";

async function readBuildFile(dir: string, file: string): Promise<string> {
  try {
    return await readFile(path.join(dir, file), "utf8");
  } catch (error) {
    throw new Error(
      `app server: cannot read ${file} in ${dir} (${(error as NodeJS.ErrnoException).code}): serve a folder vite build wrote (app-server/build.ts)`,
    );
  }
}

export async function buildAppServer(options: AppServerOptions): Promise<FastifyInstance> {
  const { dir, config } = options;
  const template = await readBuildFile(dir, "index.html");
  const page = renderPage(template, config, []);

  const app = Fastify({ logger: options.logger ?? false });
  const sendPage = (reply: FastifyReply, status: number) =>
    reply
      .code(status)
      .type("text/html; charset=utf-8")
      .header("cache-control", "no-cache")
      .send(page);

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
  // The app's own routes (src/lib/routes.ts) are pages; so is the page asked for by name.
  for (const pattern of [...Object.values(ROUTES), "/index.html"]) {
    app.get(pattern, (_request, reply) => sendPage(reply, 200));
  }
  app.setNotFoundHandler((request, reply) =>
    looksLikePage(request)
      ? // Any other address: the app shows its "page not found", with the status to match.
        sendPage(reply, 404)
      : reply.code(404).type("text/plain; charset=utf-8").send(`not found: ${request.url}`),
  );
  return app;
}

/** A page address (no file extension, outside assets/) asked for with GET or HEAD. */
function looksLikePage(request: FastifyRequest): boolean {
  if (request.method !== "GET" && request.method !== "HEAD") return false;
  const pathname = new URL(request.url, "http://app").pathname;
  return !pathname.startsWith(ASSETS_PREFIX) && path.posix.extname(pathname) === "";
}
