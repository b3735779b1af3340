/**
 * Which upstream hosts the appliances may fetch a foreign stream from, and how an upstream URL
 * is written in a proxied path. Pure: no I/O.
 *
 * A proxied path names its upstream in the clear, `/proxy/<scheme>/<host[:port]>/<path>`, so
 * relative URIs of a manifest keep resolving through the proxy, the lab shows which host a
 * request is for, and a refusal can name the host. Hosts are compared exactly as the URL
 * parser writes them (`URL.host`): lower-cased names, IPv6 in brackets, the port kept unless
 * it is the scheme's default; `127.0.0.1:8090` and `localhost:8090` are different hosts.
 */

/** Where the proxy route begins on an appliance and on the origin. */
export const PROXY_PREFIX = "/proxy/";
/** An upstream URL longer than this is refused (the appliances take 2048-character paths). */
export const MAX_UPSTREAM_URL_CHARS = 1800;
/** Hosts a network allows at once: past it, the oldest allowed is forgotten. */
export const MAX_ALLOWED_HOSTS = 64;

export type UpstreamCheck = { ok: true; url: URL } | { ok: false; error: string };

/** An absolute URL the proxy may fetch: http(s), no user name or password, not too long. */
export function checkUpstreamUrl(text: string): UpstreamCheck {
  if (text.length > MAX_UPSTREAM_URL_CHARS)
    return {
      ok: false,
      error: `the stream URL is ${text.length} characters long, past the proxy's ${MAX_UPSTREAM_URL_CHARS}: use a shorter address`,
    };
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return {
      ok: false,
      error: `"${text.slice(0, 100)}" is not an absolute URL: give the full http:// or https:// address`,
    };
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    return {
      ok: false,
      error: `only http:// and https:// streams can go through the proxy, not ${url.protocol}//`,
    };
  if (url.username !== "" || url.password !== "")
    return {
      ok: false,
      error: `the stream URL carries a user name or password (${url.protocol}//…@${url.host}): the proxy will not pass credentials on; use an address without them`,
    };
  if (url.hostname === "") return { ok: false, error: "the stream URL names no host" };
  return { ok: true, url };
}

/** `http://host:port` of a URL as the allow-list holds it. */
export function originOf(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

/** The root-relative proxied path of an upstream URL (query kept, fragment dropped). */
export function proxiedPath(url: URL): string {
  return `${PROXY_PREFIX}${url.protocol.slice(0, -1)}/${url.host}${url.pathname}${url.search}`;
}

export type ProxiedRequest =
  | { ok: true; upstream: URL }
  | { ok: false; status: 400 | 404; error: string };

/**
 * The upstream URL a proxied request path stands for (`/proxy/http/host:8090/hls/x.m3u8?q`),
 * or why it stands for none. The path is taken as the client sent it (still percent-encoded),
 * so the upstream is asked for exactly what its manifest named.
 */
export function upstreamOf(requestPath: string): ProxiedRequest {
  if (!requestPath.startsWith(PROXY_PREFIX))
    return { ok: false, status: 404, error: "not a proxied path" };
  const rest = requestPath.slice(PROXY_PREFIX.length);
  const match = /^(https?)\/([^/?#]+)(\/[^#]*)?$/.exec(rest);
  if (!match)
    return {
      ok: false,
      status: 400,
      error: `a proxied path is /proxy/<http|https>/<host[:port]>/<path>, not ${requestPath.slice(0, 200)}`,
    };
  const [, scheme, host, pathAndQuery = "/"] = match;
  const checked = checkUpstreamUrl(`${scheme}://${host}${pathAndQuery}`);
  if (!checked.ok) return { ok: false, status: 400, error: checked.error };
  // The host must read back as written: `/proxy/http/a@b/` or `/proxy/http/EXAMPLE.com/` would
  // name another host than the path shows.
  if (checked.url.host !== host)
    return {
      ok: false,
      status: 400,
      error: `"${host}" is not a host as the proxy writes it (${checked.url.host}): use the proxied URL the player was given`,
    };
  return { ok: true, upstream: checked.url };
}

/**
 * The hosts (scheme, host and port) the network may fetch from: by default those of the
 * streams a user opened. Bounded: the oldest allowed is forgotten past `MAX_ALLOWED_HOSTS`.
 */
export class AllowList {
  private readonly origins = new Set<string>();
  /** Hosts allowed by configuration (`--allow-upstream`): never forgotten. */
  private readonly pinned: Set<string>;

  constructor(
    pinned: readonly URL[] = [],
    private readonly limit = MAX_ALLOWED_HOSTS,
  ) {
    this.pinned = new Set(pinned.map(originOf));
  }

  /** Allow the URL's scheme, host and port; returns the origin allowed. */
  allow(url: URL): string {
    const origin = originOf(url);
    if (this.pinned.has(origin)) return origin;
    this.origins.delete(origin);
    this.origins.add(origin);
    while (this.origins.size > this.limit) {
      const oldest = this.origins.values().next().value;
      if (oldest === undefined) break;
      this.origins.delete(oldest);
    }
    return origin;
  }

  allows(url: URL): boolean {
    const origin = originOf(url);
    return this.pinned.has(origin) || this.origins.has(origin);
  }

  /** Null when the URL may be fetched; else the refusal, naming the host and the fix. */
  refusal(url: URL): string | null {
    if (this.allows(url)) return null;
    return `host ${url.host} (${url.protocol.slice(0, -1)}) is not in the allow-list for this session; open the stream's own URL to allow its host (or start the network with --allow-upstream ${originOf(url)})`;
  }

  /** Configured hosts first, then those users opened, oldest first. */
  list(): string[] {
    return [...this.pinned, ...this.origins];
  }

  clear(): void {
    this.origins.clear();
  }
}
