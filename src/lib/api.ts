/**
 * The app's one client for server data: typed, validated responses, and errors a person can
 * read. The servers' addresses are read once, when the app loads: from the config the app
 * server writes into the page, else the Vite env vars, else the demo's
 * (src/schemas/runtime-config.ts).
 */
import { CATALOG_PATH, type Catalog, parseCatalog } from "../schemas/catalog.ts";
import { RUNTIME_CONFIG_GLOBAL, resolveRuntimeConfig } from "../schemas/runtime-config.ts";

const servers = resolveRuntimeConfig(
  (globalThis as Record<string, unknown>)[RUNTIME_CONFIG_GLOBAL],
  import.meta.env,
);
export const ORIGIN_URL: string = servers.originUrl;
export const STEERING_URL: string = servers.steeringUrl;
export const ADMIN_URL: string = servers.adminUrl;

/** A catalog path as a URL on the origin. */
export function originUrl(catalogPath: string): string {
  return `${ORIGIN_URL}/${catalogPath}`;
}

export async function fetchCatalog(signal?: AbortSignal): Promise<Catalog> {
  let response: Response;
  try {
    response = await fetch(originUrl(CATALOG_PATH), { signal });
  } catch {
    throw new Error(
      `The origin at ${ORIGIN_URL} does not answer. Is the demo running (npm start)?`,
    );
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const message = (body as { error?: string } | null)?.error ?? response.statusText;
    throw new Error(`The origin answered ${response.status}: ${message}`);
  }
  return parseCatalog(body);
}
