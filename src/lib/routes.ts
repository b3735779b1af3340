/**
 * Every page's address, in one place: the app shell routes on these patterns and the features
 * link with these builders, so a deep link and a click always agree.
 */
import { type AbrTunables, tunablesFromQuery, withTunables } from "../schemas/abr-tunables.ts";
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

/**
 * A player's setup as a link carries it: `engine`, `abr` (ours|engine), `cap` (1|0: cap to
 * the player's size), `profile` (a shaping profile for this session alone), `t` (start),
 * `codec`, our ABR's tunables (`abr.horizon`, `abr.buffer`... see `src/schemas/abr-tunables.ts`)
 * and, for a stream URL, `direct`. `withPlayerSettings` keeps a link's `codec` as it keeps the
 * page's other parameters.
 * Anything absent or malformed is null: the player's default.
 */
export interface PlayerLinkSettings {
  engine: EngineParam | null;
  abr: "ours" | "engine" | null;
  capToPlayerSize: boolean | null;
  profile: string | null;
  startAtSec: number | null;
  /** `codec` (h264|vp9|av1): the codec to play when the title has it. */
  codec: VideoCodec | null;
  /** `direct=1`: a stream URL played straight from its host, not through the network's proxy. */
  direct: boolean;
  /** Our ABR's tunables: the defaults, with those the link sets (valid ones) replaced. */
  abrTunables: AbrTunables;
}

/** Profile names as the network has them: "3g", "hsdpa/bus_1" (a --traces folder's). */
const PROFILE_NAME = /^[\w.-]+(\/[\w.-]+)?$/;

export function playerSettingsFrom(search: URLSearchParams): PlayerLinkSettings {
  const abr = search.get("abr");
  const cap = search.get("cap");
  const profile = search.get("profile");
  return {
    engine: engineFrom(search),
    abr: abr === "ours" || abr === "engine" ? abr : null,
    capToPlayerSize: cap === "1" ? true : cap === "0" ? false : null,
    profile: profile && profile.length <= 100 && PROFILE_NAME.test(profile) ? profile : null,
    startAtSec: startTimeFrom(search),
    codec: codecFrom(search),
    direct: search.get("direct") === "1",
    abrTunables: tunablesFromQuery(search),
  };
}

/** The query that reproduces a player's setup (with the page's other parameters kept). */
export function withPlayerSettings(
  search: URLSearchParams,
  settings: {
    engine: EngineParam;
    abr: "ours" | "engine";
    capToPlayerSize: boolean;
    profile: string | null;
    atSec: number;
    abrTunables: AbrTunables;
  },
): URLSearchParams {
  const next = withTunables(search, settings.abrTunables);
  next.set("engine", settings.engine);
  next.set("abr", settings.abr);
  next.set("cap", settings.capToPlayerSize ? "1" : "0");
  if (settings.profile) next.set("profile", settings.profile);
  else next.delete("profile");
  if (settings.atSec >= 1) next.set("t", String(Math.floor(settings.atSec)));
  else next.delete("t");
  return next;
}
