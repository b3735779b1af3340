/**
 * The player's code, fetched as soon as the address says a player is coming: a watch link or a
 * stream link starts the engine's download alongside the app's own start and the catalog,
 * rather than after the route has rendered.
 */
import { preloadEngine } from "../features/player/engines/load.ts";
import { engineForUrl } from "../features/player/play-item.ts";
import { engineFrom } from "../lib/routes.ts";

export function preloadPlayerFor(location: { pathname: string; search: string }): void {
  const search = new URLSearchParams(location.search);
  const src = location.pathname === "/" ? search.get("src") : null;
  if (!location.pathname.startsWith("/watch/") && src === null) return;
  const engine = engineFrom(search) ?? (src === null ? null : engineForUrl(src)) ?? "hlsjs";
  // A failed download is reported by the player when it needs the code.
  preloadEngine(engine).catch(() => {});
}
