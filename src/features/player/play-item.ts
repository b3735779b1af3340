/**
 * What the player plays: a title of our catalog, or any HLS or DASH stream by URL (a user's
 * own, or a deep link `?src=URL`). Pure: URL checks, the engine a URL needs, what a manifest's
 * first bytes say it is, and the readable messages for each failure.
 */
import type { Rendition, Title } from "../../schemas/catalog.ts";
import type { EngineName, PlaybackSource } from "./engines/engine.ts";

export type PlayItem =
  | { kind: "title"; title: Title }
  /**
   * `engine` null: the URL does not say HLS or DASH (hls.js is tried, the menu can switch).
   * `direct`: played straight from its host (`&direct=1`), not through the network's proxy.
   */
  | { kind: "url"; url: string; engine: EngineName | null; direct: boolean };

/** The engine a manifest URL needs, from its path's extension; null when it does not say. */
export function engineForUrl(url: string): EngineName | null {
  let pathname: string;
  try {
    pathname = new URL(url).pathname.toLowerCase();
  } catch {
    return null;
  }
  if (pathname.endsWith(".m3u8") || pathname.endsWith(".m3u")) return "hlsjs";
  if (pathname.endsWith(".mpd")) return "shaka";
  return null;
}

export type StreamUrlCheck = { ok: true; url: string } | { ok: false; message: string };

/** A stream URL a user typed or a deep link gave: only http(s), with a message saying why not. */
export function checkStreamUrl(input: string): StreamUrlCheck {
  const text = input.trim();
  if (text === "") {
    return {
      ok: false,
      message:
        "Enter a stream URL: the address of an HLS (.m3u8) or DASH (.mpd) manifest, starting with http:// or https://.",
    };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return {
      ok: false,
      message: `"${text}" is not a URL: paste the full address of the manifest, starting with http:// or https://.`,
    };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    return {
      ok: false,
      message: `Only http:// and https:// streams can be played, not ${url.protocol}//: paste the manifest's web address.`,
    };
  }
  return { ok: true, url: url.href };
}

/** The item for a stream URL already checked by `checkStreamUrl`. */
export function urlItem(url: string, direct = false): PlayItem {
  return { kind: "url", url, engine: engineForUrl(url), direct };
}

/** The engine a new player starts with. */
export function initialEngine(item: PlayItem): EngineName {
  return item.kind === "title" ? "hlsjs" : (item.engine ?? "hlsjs");
}

/**
 * Engines the menu offers: both for our titles (packaged for HLS and DASH); for a URL only the
 * one its manifest type needs, unless the URL does not say which it is.
 */
export function enginesFor(item: PlayItem): EngineName[] {
  if (item.kind === "url" && item.engine !== null) return [item.engine];
  return ["hlsjs", "shaka"];
}

/** What the player shows as the stream's name (video label). */
export function itemName(item: PlayItem): string {
  return item.kind === "title" ? item.title.name : hostOf(item.url);
}

/**
 * A quality menu entry: "H264 720p 1011 kbit/s". A foreign rendition may say neither size
 * (audio-only, or no RESOLUTION) nor bitrate (a media playlist opened directly, mapped as 1 bit/s).
 */
export function qualityLabel(r: Rendition): string {
  const kbps = r.averageBitrateBps > 1 ? `${Math.round(r.averageBitrateBps / 1000)} kbit/s` : "";
  if (r.height > 1) return `${r.codec.toUpperCase()} ${r.height}p ${kbps}`.trim();
  return kbps || "as published";
}

/** `host:port` of a URL: the only "appliance" a stream from outside the catalog has. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

export function sourceFor(item: PlayItem, engine: EngineName, originUrl: string): PlaybackSource {
  if (item.kind === "url") {
    // Not ours, played straight from its host: no catalog renditions, no routing; requests go
    // where the manifest says. Through the proxy: `proxiedSource` (foreign-proxy.ts).
    return { manifestUrl: item.url, renditions: null, originTitleBase: null, titlePath: null };
  }
  const { title } = item;
  const manifest = engine === "hlsjs" ? title.manifests.hls : title.manifests.dash;
  return {
    manifestUrl: `${originUrl}/${manifest}`,
    renditions: title.renditions,
    originTitleBase: `${originUrl}/${title.path}/`,
    titlePath: `${title.path}/`,
  };
}

export type ManifestKind = "hls" | "dash";

/** What a document's first bytes say it is: an HLS playlist, a DASH MPD, or neither. */
export function manifestKind(head: string): ManifestKind | null {
  const text = head.replace(/^\uFEFF/, "").trimStart();
  if (text.startsWith("#EXTM3U")) return "hls";
  // An MPD may open with an XML declaration and comments before its root element.
  if (/^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<MPD[\s>]/.test(text)) return "dash";
  return null;
}

/** The start of a document, quoted for a message (one line, at most 40 characters). */
function quoteHead(head: string): string {
  const line = head.trim().split(/\r?\n/)[0] ?? "";
  return line.length > 40 ? `${line.slice(0, 40)}…` : line;
}

export type ManifestCheck = { ok: true } | { ok: false; message: string };

/**
 * Whether the document at `url` can be played by `engine`, from its HTTP status and first
 * bytes (`status` null: no answer at all). Messages name the URL, the cause and what to do.
 */
export function checkManifest(
  url: string,
  engine: EngineName,
  status: number | null,
  head: string,
): ManifestCheck {
  if (status === null) {
    return {
      ok: false,
      message: `Could not load ${url}: no answer (the server is down or unreachable, or it does not allow other sites to read the stream: CORS). Check the address, then retry.`,
    };
  }
  if (status < 200 || status > 299) {
    return {
      ok: false,
      message: `Could not load ${url}: HTTP ${status}. Check the address, or that the stream is still online, then retry.`,
    };
  }
  const kind = manifestKind(head);
  if (kind === null) {
    const start = quoteHead(head);
    return {
      ok: false,
      message: `${url} is not an HLS or DASH manifest (${start ? `it starts with "${start}"` : "it is empty"}). Use the address of a .m3u8 playlist or a .mpd manifest.`,
    };
  }
  if (kind === "dash" && engine === "hlsjs") {
    return {
      ok: false,
      message: `${url} is a DASH manifest: choose shaka-player (DASH) in the Engine menu.`,
    };
  }
  // shaka plays HLS too, so an HLS playlist is fine with either engine.
  return { ok: true };
}
