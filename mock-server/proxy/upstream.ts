/**
 * Fetching a foreign stream's files from their own host for the appliances (and the origin, the
 * last resort): only from allowed hosts, redirects followed by hand with every hop checked,
 * bounded in size, time and concurrency; manifests rewritten so every request of the stream
 * comes back through the proxy. Every refusal is an `UpstreamError` whose status and message
 * the proxy route answers with.
 */
import { type AllowList, checkUpstreamUrl, proxiedPath } from "./allow-list.ts";
import { rewriteDash } from "./rewrite-dash.ts";
import { rewriteHls } from "./rewrite-hls.ts";

export interface UpstreamLimits {
  /** A manifest larger than this is refused (a two-hour SegmentTimeline MPD is a few hundred kB). */
  maxManifestBytes: number;
  /** Any other file larger than this is refused: the appliances hold whole files in memory. */
  maxObjectBytes: number;
  /** From the request to the last byte. */
  timeoutMs: number;
  maxRedirects: number;
  /** Upstream fetches at once across the network, and fetches waiting for one of them. */
  maxConcurrent: number;
  maxQueued: number;
}

export const DEFAULT_UPSTREAM_LIMITS: UpstreamLimits = {
  maxManifestBytes: 2 * 1024 * 1024,
  maxObjectBytes: 64 * 1024 * 1024,
  timeoutMs: 15_000,
  maxRedirects: 5,
  maxConcurrent: 8,
  maxQueued: 64,
};

export class UpstreamError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface UpstreamObject {
  body: Buffer;
  contentType: string;
  etag: string;
  /** Set for a live manifest, which changes: the cache keeps it this long. */
  maxAgeMs?: number;
}

/** How long a live manifest is kept: under any segment's length, so a player sees each new one. */
export const LIVE_MANIFEST_MAX_AGE_MS = 1_000;

/** A live playlist (no EXT-X-ENDLIST, segments listed) or a dynamic MPD changes as it plays. */
export function isLiveManifest(kind: "hls" | "dash", text: string): boolean {
  if (kind === "hls") return /^#EXTINF:/m.test(text) && !/^#EXT-X-ENDLIST/m.test(text);
  return /<MPD[^>]*\stype\s*=\s*["']dynamic["']/.test(text);
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** A counting semaphore with a bounded queue. */
class Slots {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly limits: UpstreamLimits) {}

  async acquire(): Promise<void> {
    if (this.active < this.limits.maxConcurrent) {
      this.active++;
      return;
    }
    if (this.waiting.length >= this.limits.maxQueued)
      throw new UpstreamError(
        503,
        `the proxy is already fetching ${this.limits.maxConcurrent} files from upstream hosts with ${this.limits.maxQueued} more waiting: retry in a moment`,
      );
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
}

/** What the body's first bytes say: an HLS playlist, a DASH MPD, or neither. */
function manifestKindOf(head: string): "hls" | "dash" | null {
  const text = head.replace(/^\uFEFF/, "").trimStart();
  if (text.startsWith("#EXTM3U")) return "hls";
  if (/^(<\?xml[^>]*>\s*)?(<!--[\s\S]*?-->\s*)*<MPD[\s>]/.test(text)) return "dash";
  return null;
}

function looksLikeManifest(url: URL, contentType: string): boolean {
  return (
    /mpegurl|dash\+xml/i.test(contentType) || /\.(m3u8?|mpd)$/i.test(url.pathname.toLowerCase())
  );
}

async function readBounded(response: Response, limit: number, url: URL): Promise<Buffer> {
  const declared = Number(response.headers.get("content-length") ?? Number.NaN);
  const tooLarge = () =>
    new UpstreamError(
      502,
      `${url.href} is larger than the proxy's limit for it (${limit} bytes): it cannot go through the lab; open the stream with &direct=1`,
    );
  if (Number.isFinite(declared) && declared > limit) {
    void response.body?.cancel().catch(() => {});
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let bytes = 0;
  if (response.body) {
    for await (const chunk of response.body) {
      bytes += (chunk as Uint8Array).byteLength;
      if (bytes > limit) throw tooLarge();
      chunks.push(Buffer.from(chunk as Uint8Array));
    }
  }
  return Buffer.concat(chunks);
}

export class Upstream {
  private readonly slots: Slots;

  constructor(
    private readonly allowList: AllowList,
    private readonly limits: UpstreamLimits = DEFAULT_UPSTREAM_LIMITS,
  ) {
    this.slots = new Slots(limits);
  }

  /** The file at `url`, manifests rewritten through the proxy; or an `UpstreamError`. */
  async fetch(url: URL): Promise<UpstreamObject> {
    const refused = this.allowList.refusal(url);
    if (refused) throw new UpstreamError(403, refused);
    await this.slots.acquire();
    try {
      return await this.fetchAllowed(url);
    } finally {
      this.slots.release();
    }
  }

  private async fetchAllowed(requested: URL): Promise<UpstreamObject> {
    const signal = AbortSignal.timeout(this.limits.timeoutMs);
    let url = requested;
    let response: Response;
    for (let hop = 0; ; hop++) {
      try {
        response = await fetch(url, { redirect: "manual", signal });
      } catch (error) {
        throw new UpstreamError(
          signal.aborted ? 504 : 502,
          signal.aborted
            ? `${url.href} did not answer within ${this.limits.timeoutMs / 1000} s`
            : `${url.href} could not be reached (${(error as Error).message}): check that the host is up`,
        );
      }
      if (!REDIRECTS.has(response.status)) break;
      void response.body?.cancel().catch(() => {});
      const location = response.headers.get("location");
      if (location === null)
        throw new UpstreamError(502, `${url.href} answered ${response.status} with no Location`);
      if (hop >= this.limits.maxRedirects)
        throw new UpstreamError(
          502,
          `${requested.href} redirected more than ${this.limits.maxRedirects} times`,
        );
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        throw new UpstreamError(
          502,
          `${url.href} redirected to "${location.slice(0, 200)}", not a URL`,
        );
      }
      const checked = checkUpstreamUrl(next.href);
      if (!checked.ok)
        throw new UpstreamError(403, `${url.href} redirected to ${next.href}: ${checked.error}`);
      const refused = this.allowList.refusal(next);
      if (refused)
        throw new UpstreamError(403, `${url.href} redirected to ${next.href}: ${refused}`);
      url = next;
    }
    if (!response.ok) {
      void response.body?.cancel().catch(() => {});
      throw new UpstreamError(
        response.status === 404 || response.status === 410 ? 404 : 502,
        `${url.href} answered HTTP ${response.status}`,
      );
    }
    const contentType = response.headers.get("content-type") ?? "application/octet-stream";
    const limit = looksLikeManifest(url, contentType)
      ? this.limits.maxManifestBytes
      : this.limits.maxObjectBytes;
    let body: Buffer;
    try {
      body = await readBounded(response, limit, url);
    } catch (error) {
      if (error instanceof UpstreamError) throw error;
      throw new UpstreamError(
        signal.aborted ? 504 : 502,
        `${url.href}: the body ${signal.aborted ? `did not arrive within ${this.limits.timeoutMs / 1000} s` : "broke off"}`,
      );
    }
    const etag = response.headers.get("etag") ?? `"${url.href.length}-${body.length}"`;
    const kind = manifestKindOf(body.subarray(0, 1024).toString("utf8"));
    if (kind === null) return { body, contentType, etag };
    if (body.length > this.limits.maxManifestBytes)
      throw new UpstreamError(
        502,
        `${url.href} is a manifest of ${body.length} bytes, past the proxy's ${this.limits.maxManifestBytes} for a manifest`,
      );
    const text = body.toString("utf8");
    return {
      body: this.rewrite(kind, text, url, requested),
      contentType,
      etag,
      ...(isLiveManifest(kind, text) ? { maxAgeMs: LIVE_MANIFEST_MAX_AGE_MS } : {}),
    };
  }

  private rewrite(kind: "hls" | "dash", text: string, url: URL, requested: URL): Buffer {
    const map = (target: URL) => proxiedPath(target);
    if (kind === "hls") return Buffer.from(rewriteHls(text, url, map));
    const rewritten = rewriteDash(text, url, map, { moved: url.href !== requested.href });
    if (!rewritten.ok) throw new UpstreamError(502, `${url.href}: ${rewritten.error}`);
    return Buffer.from(rewritten.text);
  }
}
