/**
 * An HLS playlist (multivariant or media) with every URI sent through the proxy. Line-based, as
 * the format is (RFC 8216): a line that is not a tag is a URI; a tag with an attribute list is
 * parsed attribute by attribute (quoted strings may hold commas) and its `URI` rewritten. Pure.
 */

/** Maps an absolute upstream URL to what the playlist should say instead (a proxied path). */
export type UriMapper = (upstream: URL) => string;

/** Tags whose value is an attribute list that may carry a `URI`. */
const URI_TAGS = new Set([
  "EXT-X-KEY",
  "EXT-X-SESSION-KEY",
  "EXT-X-MAP",
  "EXT-X-MEDIA",
  "EXT-X-I-FRAME-STREAM-INF",
  "EXT-X-IMAGE-STREAM-INF",
  "EXT-X-SESSION-DATA",
  "EXT-X-PART",
  "EXT-X-PRELOAD-HINT",
  "EXT-X-RENDITION-REPORT",
]);

/**
 * Tags dropped: an upstream's content steering would send the player to the upstream's own
 * pathways, around the proxy; our steering answer orders the appliances instead.
 */
const DROPPED_TAGS = new Set(["EXT-X-CONTENT-STEERING"]);

interface Attribute {
  name: string;
  /** As written: quotes included for a quoted string. */
  raw: string;
}

/** `NAME=value,NAME="quoted, with commas"` as attributes; null when it does not parse. */
export function parseAttributeList(text: string): Attribute[] | null {
  const attributes: Attribute[] = [];
  let i = 0;
  while (i < text.length) {
    const eq = text.indexOf("=", i);
    if (eq < 0) return null;
    const name = text.slice(i, eq).trim();
    if (!/^[A-Z0-9-]+$/.test(name)) return null;
    let end: number;
    if (text[eq + 1] === '"') {
      const close = text.indexOf('"', eq + 2);
      if (close < 0) return null;
      end = close + 1;
    } else {
      const comma = text.indexOf(",", eq + 1);
      end = comma < 0 ? text.length : comma;
    }
    attributes.push({ name, raw: text.slice(eq + 1, end) });
    if (end < text.length && text[end] !== ",") return null;
    i = end + 1;
  }
  return attributes;
}

/** The URI through the proxy: resolved against the playlist's upstream URL, then mapped.
 * Left alone: non-http schemes (`skd:`, `data:`) and EXT-X-DEFINE variables (`{$name}`),
 * which only the player can substitute. */
function mapUri(uri: string, base: URL, map: UriMapper): string {
  if (uri.includes("{$")) return uri;
  let resolved: URL;
  try {
    resolved = new URL(uri, base);
  } catch {
    return uri;
  }
  if (resolved.protocol !== "http:" && resolved.protocol !== "https:") return uri;
  return map(resolved);
}

function rewriteTag(line: string, base: URL, map: UriMapper): string | null {
  const colon = line.indexOf(":");
  const name = line.slice(1, colon < 0 ? undefined : colon);
  if (DROPPED_TAGS.has(name)) return null;
  if (!URI_TAGS.has(name) || colon < 0) return line;
  const attributes = parseAttributeList(line.slice(colon + 1));
  if (attributes === null) return line;
  const rewritten = attributes.map(({ name: attr, raw }) => {
    if (attr !== "URI" || !raw.startsWith('"')) return `${attr}=${raw}`;
    return `${attr}="${mapUri(raw.slice(1, -1), base, map)}"`;
  });
  return `#${name}:${rewritten.join(",")}`;
}

/** The playlist at `url` with every URI mapped; line endings and every other line kept. */
export function rewriteHls(text: string, url: URL, map: UriMapper): string {
  const out: string[] = [];
  for (const line of text.split(/(?<=\n)/)) {
    const eol = line.endsWith("\r\n") ? "\r\n" : line.endsWith("\n") ? "\n" : "";
    const body = line.slice(0, line.length - eol.length);
    const trimmed = body.trim();
    if (trimmed === "") out.push(line);
    else if (trimmed.startsWith("#EXT")) {
      const tag = rewriteTag(trimmed, url, map);
      if (tag !== null) out.push(tag + eol);
    } else if (trimmed.startsWith("#")) out.push(line);
    else out.push(mapUri(trimmed, url, map) + eol);
  }
  return out.join("");
}
