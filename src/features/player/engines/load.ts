/**
 * Loading an engine: its adapter and its library are separate chunks, fetched once per page.
 * `preloadEngine` starts that as early as the app knows a player is coming (the watch route,
 * a stream link), so the download runs alongside the catalog and the route rather than after.
 */
import type { AdapterOptions, EngineAdapter, EngineName } from "./engine.ts";

const loading = new Map<EngineName, Promise<(options: AdapterOptions) => EngineAdapter>>();

function load(engine: EngineName): Promise<(options: AdapterOptions) => EngineAdapter> {
  if (engine === "hlsjs") {
    return Promise.all([import("./hlsjs.ts"), import("hls.js")]).then(([m]) => m.createHlsAdapter);
  }
  return Promise.all([import("./shaka.ts"), import("shaka-player")]).then(
    ([m]) => m.createShakaAdapter,
  );
}

/** Start fetching an engine's code; later calls share the same download. */
export function preloadEngine(
  engine: EngineName,
): Promise<(options: AdapterOptions) => EngineAdapter> {
  let pending = loading.get(engine);
  if (!pending) {
    pending = load(engine);
    // A failed download (offline, a deploy in between) may be tried again by the next session.
    pending.catch(() => loading.delete(engine));
    loading.set(engine, pending);
  }
  return pending;
}

export async function createAdapter(
  engine: EngineName,
  options: AdapterOptions,
): Promise<EngineAdapter> {
  const create = await preloadEngine(engine);
  return create(options);
}
