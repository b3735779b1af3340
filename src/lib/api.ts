/**
 * The app's one client for server data: typed, validated responses, and errors a person can
 * read. The servers' addresses are read once, when the app loads: from the config the app
 * server writes into the page, else the Vite env vars, else the demo's
 * (src/schemas/runtime-config.ts). A server that does not answer at all throws
 * `NetworkDownError`, which pages show as such and retry by themselves.
 */
import { CATALOG_PATH, type Catalog, parseCatalog } from "../schemas/catalog.ts";
import {
  ENCODE_STATUS_PATH,
  type EncodeStatus,
  parseEncodeStatus,
} from "../schemas/encode-status.ts";
import { RUNTIME_CONFIG_GLOBAL, resolveRuntimeConfig } from "../schemas/runtime-config.ts";

const servers = resolveRuntimeConfig(
  (globalThis as Record<string, unknown>)[RUNTIME_CONFIG_GLOBAL],
  import.meta.env,
);
export const ORIGIN_URL: string = servers.originUrl;
export const STEERING_URL: string = servers.steeringUrl;
export const ADMIN_URL: string = servers.adminUrl;

/** What a page says while the delivery network does not answer. */
export const NETWORK_DOWN_HEADLINE = "The delivery network is not answering: retrying…";

/**
 * A server of the delivery network refused or dropped the connection: the network is down or
 * restarting (`npm start` restarts it when it dies). Other failures, an error status or an
 * answer that does not parse, are not this: asking again would not help.
 */
export class NetworkDownError extends Error {
  override name = "NetworkDownError";
  constructor(
    /** "The origin", "The admin API". */
    readonly server: string,
    readonly url: string,
  ) {
    super(
      `${NETWORK_DOWN_HEADLINE} ${server} at ${url} does not answer. npm start restarts the network when it stops; if this lasts, look at the terminal running it.`,
    );
  }

  /** The message without the headline: which server, and what to do. */
  get detail(): string {
    return this.message.slice(NETWORK_DOWN_HEADLINE.length + 1);
  }
}

/** A catalog path as a URL on the origin. */
export function originUrl(catalogPath: string): string {
  return `${ORIGIN_URL}/${catalogPath}`;
}

/** GET a catalog path from the origin; a connection refused or dropped is `NetworkDownError`. */
async function fetchFromOrigin(catalogPath: string, signal?: AbortSignal): Promise<Response> {
  try {
    return await fetch(originUrl(catalogPath), { signal });
  } catch (error) {
    if ((error as Error).name === "AbortError") throw error;
    throw new NetworkDownError("The origin", ORIGIN_URL);
  }
}

export async function fetchCatalog(signal?: AbortSignal): Promise<Catalog> {
  const response = await fetchFromOrigin(CATALOG_PATH, signal);
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const message = (body as { error?: string } | null)?.error ?? response.statusText;
    throw new Error(`The origin answered ${response.status}: ${message}`);
  }
  return parseCatalog(body);
}

/** The encoder's progress (encoder/status.ts), or null when no encoder has run on the catalog. */
export async function fetchEncodeStatus(signal?: AbortSignal): Promise<EncodeStatus | null> {
  const response = await fetchFromOrigin(ENCODE_STATUS_PATH, signal);
  if (response.status === 404) return null;
  if (!response.ok)
    throw new Error(`The origin answered ${response.status} for the encoder's progress`);
  return parseEncodeStatus(await response.json());
}
