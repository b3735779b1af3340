/**
 * Every page's address, in one place: the app shell routes on these patterns and the features
 * link with these builders, so a deep link and a click always agree.
 */
import type { VideoCodec } from "../schemas/catalog.ts";

export const ROUTES = {
  home: "/",
  title: "/title/:id",
  watch: "/watch/:id",
  search: "/search",
  lab: "/lab",
} as const;

export const paths = {
  home: () => "/",
  title: (id: string) => `/title/${encodeURIComponent(id)}`,
  /** `atSec`: start there (a deep link to a moment); otherwise resume where the viewer left. */
  watch: (id: string, atSec?: number) =>
    `/watch/${encodeURIComponent(id)}${atSec !== undefined && atSec > 0 ? `?t=${Math.floor(atSec)}` : ""}`,
  search: (q: { text?: string; genres?: readonly string[]; tags?: readonly string[] } = {}) => {
    const params = new URLSearchParams();
    if (q.text) params.set("q", q.text);
    for (const g of q.genres ?? []) params.append("genre", g);
    for (const t of q.tags ?? []) params.append("tag", t);
    const query = params.toString();
    return query ? `/search?${query}` : "/search";
  },
  lab: () => "/lab",
};

/** `t` of a watch link: whole seconds, or null when absent or not a time. */
export function startTimeFrom(search: URLSearchParams): number | null {
  const raw = search.get("t");
  if (raw === null || !/^\d+(\.\d+)?$/.test(raw)) return null;
  return Number(raw);
}

/** `codec` of a watch link (`?codec=h264|vp9|av1`), or null when absent or not one of ours. */
export function codecFrom(search: URLSearchParams): VideoCodec | null {
  const raw = search.get("codec");
  return raw === "h264" || raw === "vp9" || raw === "av1" ? raw : null;
}

/** The playback engines a link may ask for with `?engine=`. */
export type EngineParam = "hlsjs" | "shaka";

/** `engine` of a watch or stream link, or null when absent or not an engine. */
export function engineFrom(search: URLSearchParams): EngineParam | null {
  const raw = search.get("engine");
  return raw === "hlsjs" || raw === "shaka" ? raw : null;
}
