/**
 * Closed doors for the servers that change the network (the admin API, the steering
 * service's heartbeat). A web page of another origin gets no CORS and a 403, so it can neither
 * read nor change anything; and every request that changes state must say
 * `Content-Type: application/json`, which no cross-origin form or `no-cors` fetch can send
 * (they are limited to the three "simple" types), so even a browser that sent no Origin could
 * not change anything from another site. Tools (curl, tests, the benchmarks) send no Origin and
 * are let in.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";

/** Methods that change nothing, so need no JSON body (OPTIONS: CORS preflights). */
const READ_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** The origins (`http://host:port`) a browser may open the app at, for an app listening on `url`. */
export function appOriginsFor(url: string): string[] {
  const { protocol, hostname, port } = new URL(url);
  const hosts =
    hostname === "127.0.0.1" || hostname === "localhost" ? ["127.0.0.1", "localhost"] : [hostname];
  return hosts.map((host) => `${protocol}//${host}${port ? `:${port}` : ""}`);
}

/** Each entry as a browser sends it in `Origin` (scheme, host, port; no path), or an error. */
export function normaliseOrigins(origins: readonly string[]): string[] {
  return origins.map((origin) => {
    let url: URL;
    try {
      url = new URL(origin);
    } catch {
      throw new Error(`app origin "${origin}" is not a URL: give it as http://host:port`);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:")
      throw new Error(`app origin "${origin}" must be http or https`);
    return url.origin;
  });
}

/** True for `application/json`, with or without parameters (`; charset=utf-8`). */
export function isJson(contentType: string | undefined): boolean {
  return contentType?.split(";")[0]?.trim().toLowerCase() === "application/json";
}

/**
 * A fastify onRequest hook: 403 for a foreign Origin, 415 for a state-changing request that is
 * not JSON. Runs before the body is read, so a refused request costs nothing.
 */
export function closedDoors(appOrigins: readonly string[]) {
  const allowed = new Set(appOrigins);
  const listed = appOrigins.length > 0 ? appOrigins.join(", ") : "none configured";
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const origin = request.headers.origin;
    if (origin !== undefined && !allowed.has(origin)) {
      return reply.code(403).send({
        error: `a page at ${origin} may not use this server; only the app may (${listed}): open the app there, or start the network with that origin among its app origins (--app-origin)`,
      });
    }
    if (!READ_METHODS.has(request.method) && !isJson(request.headers["content-type"])) {
      const sent = request.headers["content-type"] ?? "none";
      return reply.code(415).send({
        error: `${request.method} needs Content-Type: application/json (got ${sent}), so that no form or no-cors request from another site can change the network: send the body as JSON, {} when there is nothing to say`,
      });
    }
  };
}

/** What fastify's own JSON parser is at run time (its type also allows the promise form). */
type JsonParser = (
  request: FastifyRequest,
  body: string,
  done: (error: Error | null, body?: unknown) => void,
) => void;

/**
 * fastify's JSON parser, but an empty body reads as no body, so a bodiless POST that says
 * `Content-Type: application/json` (curl -X POST -H ...) is taken like one sending `{}`.
 * Prototype poisoning (`__proto__` keys) is refused as fastify refuses it.
 */
export function acceptEmptyJson(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser("error", "error") as JsonParser;
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    const text = body as string;
    if (/^\s*$/.test(text)) done(null, undefined);
    else parse(request, text, done);
  });
}
