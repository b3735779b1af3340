/**
 * Resource hints for a page, so that the browser starts on what the app will ask for while the
 * app's own script is still loading: the catalog, and on a watch page the HLS engine's chunks
 * and a connection to the steering service. Measured on `/watch/e2e-clip` (README, "Start-up"):
 * without them the catalog waited for the app's script to run, and hls.js for the catalog.
 */
import type { Manifest } from "vite";
import { z } from "zod";
import type { RuntimeConfig } from "../src/schemas/runtime-config.ts";

/** The parts of Vite's build manifest (`.vite/manifest.json`) read here. */
const ManifestSchema = z.record(
  z.string(),
  z.object({
    file: z.string(),
    src: z.string().optional(),
    isEntry: z.boolean().optional(),
    imports: z.array(z.string()).optional(),
    dynamicImports: z.array(z.string()).optional(),
  }),
);

export function parseManifest(json: unknown): Manifest {
  const result = ManifestSchema.safeParse(json);
  if (!result.success) {
    throw new Error(
      `app server: Vite's build manifest is not as expected: ${result.error.message}`,
    );
  }
  return result.data;
}

/**
 * The files a dynamic import of `packageName` loads, in the order the app asks for them: the
 * chunks that import it (our engine adapter) with their own imports, then the package's chunk.
 * Found by package rather than by our file names, so the player's code can move freely. The
 * entry chunk is left out (the page loads it anyway). Empty when the build has no such chunk.
 */
export function chunksLoading(manifest: Manifest, packageName: string): string[] {
  const inPackage = (src: string | undefined) =>
    src?.includes(`node_modules/${packageName}/`) ?? false;
  const targets = Object.keys(manifest).filter((key) => inPackage(manifest[key]?.src));
  const files: string[] = [];
  const add = (key: string) => {
    const chunk = manifest[key];
    if (chunk && !chunk.isEntry && !files.includes(chunk.file)) files.push(chunk.file);
  };
  for (const [key, chunk] of Object.entries(manifest)) {
    if (!chunk.dynamicImports?.some((target) => targets.includes(target))) continue;
    add(key);
    for (const imported of chunk.imports ?? []) add(imported);
  }
  for (const target of targets) add(target);
  return files;
}

const escapeAttribute = (value: string) =>
  value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");

/**
 * A connection opened while the page loads. `crossorigin`: the app's fetches to the servers
 * are CORS requests without credentials, which Chromium sends over other connections than
 * the page's own, and a hint only helps when it matches.
 */
export const preconnect = (url: string) =>
  `<link rel="preconnect" href="${escapeAttribute(new URL(url).origin)}" crossorigin>`;

/** A fetch started by the page, handed to the app's own `fetch` of the same URL. */
export const preloadFetch = (url: string) =>
  `<link rel="preload" href="${escapeAttribute(url)}" as="fetch" crossorigin>`;

export const modulePreload = (file: string) =>
  `<link rel="modulepreload" href="/${escapeAttribute(file)}" crossorigin>`;

export type PageKind = "catalog" | "watch" | "other";

/**
 * What a page of each kind asks for first: every catalog page (home, title, search, watch)
 * fetches the catalog from the origin; a watch page then asks steering, and loads hls.js
 * (the engine a catalog title starts in).
 */
export function pageHints(
  kind: PageKind,
  config: RuntimeConfig,
  catalogUrl: string,
  hlsChunks: readonly string[],
): string[] {
  if (kind === "other") return [];
  const hints = [preloadFetch(catalogUrl)];
  if (kind === "watch") hints.push(preconnect(config.steeringUrl), ...hlsChunks.map(modulePreload));
  return hints;
}
