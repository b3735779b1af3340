/**
 * The app's one client for server data: typed, validated responses, and errors a person can
 * read. The origin's address comes from `VITE_ORIGIN_URL` (default: the demo's origin).
 */
import { type Catalog, parseCatalog } from "../schemas/catalog.ts";

export const ORIGIN_URL: string = import.meta.env.VITE_ORIGIN_URL ?? "http://127.0.0.1:8080";
export const STEERING_URL: string = import.meta.env.VITE_STEERING_URL ?? "http://127.0.0.1:8081";
export const ADMIN_URL: string = import.meta.env.VITE_ADMIN_URL ?? "http://127.0.0.1:8082";

/** A catalog path as a URL on the origin. */
export function originUrl(catalogPath: string): string {
  return `${ORIGIN_URL}/${catalogPath}`;
}

export async function fetchCatalog(signal?: AbortSignal): Promise<Catalog> {
  let response: Response;
  try {
    response = await fetch(`${ORIGIN_URL}/catalog.json`, { signal });
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
