/**
 * How long every server of ours waits for a client: one set of figures for the origin, the
 * appliances, the steering service, the admin API, "someone else's host" and the app server.
 * Node's defaults (60 s for headers, checked every 30 s; fastify's 72 s keep-alive) held a
 * socket that sent its headers a byte a second for 77 s; with these it is dropped in 3-4 s.
 */
import type { ServerOptions } from "node:http";

export const SERVER_TIMEOUTS = {
  /** All headers of a request: a browser on loopback sends them in one packet. */
  headersTimeoutMs: 3_000,
  /** The whole request, body included: a 5 MB trace upload takes milliseconds on loopback. */
  requestTimeoutMs: 10_000,
  /**
   * An idle keep-alive connection: longer than a player's gap between segment requests
   * (2 s segments), shorter than a browser's own idle limit, so the server closes first.
   */
  keepAliveTimeoutMs: 5_000,
  /**
   * How often Node looks for requests past their deadline. Its default, 30 s, is what let a
   * slow sender stay a minute past the headers timeout.
   */
  connectionsCheckingIntervalMs: 1_000,
} as const;

/** For `http.createServer`. */
export function httpServerOptions(): ServerOptions {
  return {
    headersTimeout: SERVER_TIMEOUTS.headersTimeoutMs,
    requestTimeout: SERVER_TIMEOUTS.requestTimeoutMs,
    keepAliveTimeout: SERVER_TIMEOUTS.keepAliveTimeoutMs,
    connectionsCheckingInterval: SERVER_TIMEOUTS.connectionsCheckingIntervalMs,
  };
}

/** For `Fastify({...})`: fastify sets the keep-alive and request timeouts itself after creating the server. */
export function fastifyServerOptions(): {
  http: ServerOptions;
  keepAliveTimeout: number;
  requestTimeout: number;
} {
  return {
    http: httpServerOptions(),
    keepAliveTimeout: SERVER_TIMEOUTS.keepAliveTimeoutMs,
    requestTimeout: SERVER_TIMEOUTS.requestTimeoutMs,
  };
}
