/**
 * "Someone else's host": a plain static file server with CORS, on its own port, for streams
 * that are not in our catalog (the e2e suite's foreign HLS and DASH streams). No appliances,
 * no steering: the player must treat it as the only place the stream lives.
 */
import path from "node:path";
import cors from "@fastify/cors";
import fastifyStatic from "@fastify/static";
import Fastify, { type FastifyInstance } from "fastify";
import { fastifyServerOptions } from "./net/timeouts.ts";
import { MEDIA_TYPES } from "./origin.ts";

const TYPES: Record<string, string> = { ...MEDIA_TYPES, ".ts": "video/mp2t" };

export async function buildForeignHost(root: string): Promise<FastifyInstance> {
  const app = Fastify({ logger: false, ...fastifyServerOptions() });
  await app.register(cors, { origin: true, exposedHeaders: ["Content-Length", "Content-Range"] });
  await app.register(fastifyStatic, {
    root: path.resolve(root),
    prefix: "/",
    acceptRanges: true,
    etag: true,
    dotfiles: "deny",
    index: false,
    setHeaders(res, filePath) {
      const type = TYPES[path.extname(filePath)];
      if (type) res.setHeader("content-type", type);
    },
  });
  return app;
}

/** Listens on loopback; resolves to the base URL (ending in "/") and a close function. */
export async function startForeignHost(
  root: string,
  port: number,
): Promise<{ url: string; close: () => Promise<void> }> {
  const app = await buildForeignHost(root);
  await app.listen({ host: "127.0.0.1", port });
  return { url: `http://127.0.0.1:${port}/`, close: () => app.close() };
}
