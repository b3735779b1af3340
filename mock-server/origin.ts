/**
 * The origin: serves the published catalog (every title's manifests, segments, text tracks,
 * thumbnails and artwork) with byte ranges, ETags and CORS, and the catalog API (the document,
 * one title, search). A fastify app factory; `listen` happens in `network.ts`.
 */
import { realpathSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import cors from "@fastify/cors";
import fastifyStatic from "@fastify/static";
import Fastify, {
  type FastifyInstance,
  type FastifyPluginAsync,
  type FastifyReply,
  type FastifyRequest,
} from "fastify";
import { z } from "zod";
import { CATALOG_PATH } from "../src/schemas/catalog.ts";
import { ENCODE_STATUS_PATH, parseEncodeStatus } from "../src/schemas/encode-status.ts";
import { safeCatalogPath } from "./appliance/request.ts";
import { searchCatalog } from "./catalog/search.ts";
import { PublishedCatalog } from "./catalog/store.ts";
import { contentRange, rangeFor } from "./net/range.ts";
import { fastifyServerOptions } from "./net/timeouts.ts";
import { processAlive } from "./process/alive.ts";
import { type AllowList, PROXY_PREFIX, upstreamOf } from "./proxy/allow-list.ts";
import { type Upstream, UpstreamError } from "./proxy/upstream.ts";

export interface OriginOptions {
  catalogDir: string;
  logger?: boolean;
  /** Foreign streams through the network: the origin is their last resort too (no cache). */
  proxy?: { upstream: Upstream; allowList: AllowList };
}

/** MIME types the players insist on; `send` does not know the streaming ones. */
export const MEDIA_TYPES: Record<string, string> = {
  ".m3u8": "application/vnd.apple.mpegurl",
  ".mpd": "application/dash+xml",
  ".m4s": "video/iso.segment",
  ".mp4": "video/mp4",
  ".vtt": "text/vtt; charset=utf-8",
  ".jpg": "image/jpeg",
  ".json": "application/json",
  ".md": "text/markdown; charset=utf-8",
};

const SearchParams = z.object({
  q: z.string().max(200).optional(),
  tag: z.union([z.string().max(100), z.array(z.string().max(100)).max(20)]).optional(),
});

/** True when `file`, symlinks resolved, lies inside `root` (a missing file is left to the 404). */
export function insideRoot(file: string, root: string): boolean {
  try {
    const real = realpathSync(file);
    return real === realpathSync(root) || real.startsWith(realpathSync(root) + path.sep);
  } catch {
    return true;
  }
}

function catalogUnavailable(reply: FastifyReply, error: unknown) {
  const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
  return reply.code(missing ? 503 : 500).send({
    error: missing ? "no catalog yet: run `npm run encode` first" : (error as Error).message,
  });
}

export async function buildOrigin(options: OriginOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    routerOptions: { maxParamLength: 200 },
    ...fastifyServerOptions(),
  });
  const catalog = new PublishedCatalog(options.catalogDir);
  await app.register(cors, {
    origin: true,
    exposedHeaders: ["Content-Length", "Content-Range", "ETag"],
  });

  await app.register(catalogApiRoutes, { catalog, catalogDir: options.catalogDir });

  const proxy = options.proxy;
  if (proxy) {
    // The appliances' `/proxy/...` route without their cache, shaping or faults: the last
    // resort when every appliance is out, as the origin is for the catalog.
    app.get(`${PROXY_PREFIX}*`, async (request, reply) => {
      const url = request.url.replace(
        /([?&])session=[^&#]*(&?)/,
        (_a, sep: string, next: string) => (next ? sep : ""),
      );
      const proxied = upstreamOf(url);
      if (!proxied.ok) return reply.code(proxied.status).send({ error: proxied.error });
      const refused = proxy.allowList.refusal(proxied.upstream);
      if (refused) return reply.code(403).send({ error: refused });
      try {
        const object = await proxy.upstream.fetch(proxied.upstream);
        const range = rangeFor(request.method, request.headers.range, object.body.length);
        if (range === "unsatisfiable")
          return reply
            .code(416)
            .header("content-range", contentRange(range, object.body.length))
            .send();
        reply
          .header("content-type", object.contentType)
          .header("etag", object.etag)
          .header("accept-ranges", "bytes");
        if (range === null) return reply.send(object.body);
        return reply
          .code(206)
          .header("content-range", contentRange(range, object.body.length))
          .send(object.body.subarray(range.start, range.end + 1));
      } catch (error) {
        if (error instanceof UpstreamError)
          return reply.code(error.status).send({ error: error.message });
        throw error;
      }
    });
  }

  // Title folders only: staging folders and the lock file are never served.
  const titlesRoot = path.resolve(options.catalogDir, "titles");

  // Ranges are read as the appliances read them (net/range.ts), not as `send` does (it
  // answered 416 to an invalid range and to a suffix longer than the file): the header is
  // dropped when it is to be ignored, answered 416 here when unsatisfiable, and otherwise
  // handed on as the one plain `bytes=a-b` that `send` reads the same way.
  app.addHook("onRequest", async (request, reply) => {
    const headers = request.raw.headers;
    if (headers.range === undefined) return;
    const checked = safeCatalogPath(new URL(request.url, "http://origin").pathname);
    // Not a title file: no range to read; static answers it (404 or 403) as it would anyway.
    if ("error" in checked) return;
    const file = path.join(options.catalogDir, checked.path);
    // Outside the catalog through a symlink: static refuses it, and its size is not ours to tell.
    if (!insideRoot(file, titlesRoot)) return;
    const size = await stat(file).then(
      (s) => (s.isFile() ? s.size : null),
      () => null,
    );
    if (size === null) return;
    const range = rangeFor(request.method, headers.range, size);
    if (range === null) delete headers.range;
    else if (range === "unsatisfiable")
      return reply.code(416).header("content-range", contentRange(range, size)).send();
    else headers.range = `bytes=${range.start}-${range.end}`;
  });

  await app.register(fastifyStatic, {
    root: titlesRoot,
    prefix: "/titles/",
    acceptRanges: true,
    etag: true,
    lastModified: true,
    dotfiles: "deny",
    index: false,
    // A symlink inside the catalog must not lead out of it: serve only what really lies within.
    allowedPath: (pathName) => insideRoot(path.join(titlesRoot, pathName), titlesRoot),
    setHeaders(res, filePath) {
      const type = MEDIA_TYPES[path.extname(filePath)];
      if (type) res.setHeader("content-type", type);
      // Published title folders are content-addressed (id--hash): their files never change.
      res.setHeader("cache-control", "public, max-age=31536000, immutable");
    },
  });
  return app;
}

/**
 * The catalog document, the encoder's status and the catalog API as a fastify plugin: the
 * origin registers it beside its static files; a test can `inject` into it without a socket.
 */
export const catalogApiRoutes: FastifyPluginAsync<{
  catalog: PublishedCatalog;
  catalogDir: string;
}> = async (app, options) => {
  const { catalog } = options;
  // The catalog document: `/catalog.json` for the app, `/api/catalog` in the API's own namespace.
  const catalogDocument = async (_request: FastifyRequest, reply: FastifyReply) => {
    try {
      return reply.header("cache-control", "no-cache").send(await catalog.read());
    } catch (error) {
      return catalogUnavailable(reply, error);
    }
  };
  app.get(`/${CATALOG_PATH}`, catalogDocument);
  app.get("/api/catalog", catalogDocument);
  // The encoder's progress (encoder/status.ts), for the home page's pending titles.
  app.get(`/${ENCODE_STATUS_PATH}`, async (_request, reply) => {
    reply.header("cache-control", "no-cache");
    let text: string;
    try {
      text = await readFile(path.join(options.catalogDir, ENCODE_STATUS_PATH), "utf8");
    } catch {
      return reply.code(404).send({ error: "no encoder has run on this catalog" });
    }
    try {
      const status = parseEncodeStatus(JSON.parse(text));
      // An encoder killed outright (SIGKILL, a crash) could not say so: its pid is gone.
      if (status.state === "running" && !processAlive(status.pid))
        return reply.send({ ...status, state: "interrupted" });
      return reply.send(status);
    } catch (error) {
      return reply.code(500).send({ error: `${ENCODE_STATUS_PATH}: ${(error as Error).message}` });
    }
  });
  app.get<{ Params: { id: string } }>("/api/titles/:id", async (request, reply) => {
    try {
      const title = (await catalog.read()).titles.find((t) => t.id === request.params.id);
      return title
        ? reply.send(title)
        : reply.code(404).send({ error: `no title "${request.params.id}"`, field: "id" });
    } catch (error) {
      return catalogUnavailable(reply, error);
    }
  });
  app.get<{ Params: { id: string } }>("/api/titles/:id/files", async (request, reply) => {
    try {
      const files = await catalog.titleFiles(request.params.id);
      return files
        ? reply.send(files)
        : reply.code(404).send({ error: `no title "${request.params.id}"`, field: "id" });
    } catch (error) {
      return catalogUnavailable(reply, error);
    }
  });
  app.get("/api/search", async (request, reply) => {
    const parsed = SearchParams.safeParse(request.query);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return reply
        .code(400)
        .send({ error: issue?.message ?? "bad query", field: issue?.path.join(".") });
    }
    const tags = parsed.data.tag === undefined ? [] : [parsed.data.tag].flat();
    try {
      return reply.send(searchCatalog(await catalog.read(), { text: parsed.data.q, tags }));
    } catch (error) {
      return catalogUnavailable(reply, error);
    }
  });
};
