/**
 * The origin: serves the published catalog (the document, and every title's manifests,
 * segments, text tracks, thumbnails and artwork) with byte ranges, ETags and CORS. Built as a
 * fastify app factory, so tests can start it on any port; `listen` happens in `main.ts`.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import cors from "@fastify/cors";
import fastifyStatic from "@fastify/static";
import Fastify, { type FastifyInstance } from "fastify";
import { parseCatalog } from "../src/schemas/catalog.ts";

export interface OriginOptions {
  catalogDir: string;
  logger?: boolean;
}

/** MIME types the players insist on; `send` does not know the streaming ones. */
const MEDIA_TYPES: Record<string, string> = {
  ".m3u8": "application/vnd.apple.mpegurl",
  ".mpd": "application/dash+xml",
  ".m4s": "video/iso.segment",
  ".mp4": "video/mp4",
  ".vtt": "text/vtt; charset=utf-8",
};

export async function buildOrigin(options: OriginOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? false });
  await app.register(cors, {
    origin: true,
    exposedHeaders: ["Content-Length", "Content-Range", "ETag"],
  });

  // The catalog document, validated on every read so a broken file is a clear 500, not a broken app.
  app.get("/catalog.json", async (_request, reply) => {
    try {
      const text = await readFile(path.join(options.catalogDir, "catalog.json"), "utf8");
      return reply.header("cache-control", "no-cache").send(parseCatalog(JSON.parse(text)));
    } catch (error) {
      const missing = (error as NodeJS.ErrnoException).code === "ENOENT";
      return reply.code(missing ? 404 : 500).send({
        error: missing ? "no catalog yet: run `npm run encode` first" : (error as Error).message,
      });
    }
  });

  // Title folders only: staging folders and the lock file are never served.
  await app.register(fastifyStatic, {
    root: path.join(options.catalogDir, "titles"),
    prefix: "/titles/",
    acceptRanges: true,
    etag: true,
    lastModified: true,
    dotfiles: "deny",
    index: false,
    setHeaders(res, filePath) {
      const type = MEDIA_TYPES[path.extname(filePath)];
      if (type) res.setHeader("content-type", type);
      // Published title folders are content-addressed (id--hash): their files never change.
      res.setHeader("cache-control", "public, max-age=31536000, immutable");
    },
  });
  return app;
}
