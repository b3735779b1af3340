/**
 * The manifest, fetched once by the page: checked (so a wrong address, a dead host or a web
 * page gets one clear message whatever the engine), then handed to the engine, which does not
 * fetch it again. Bounded: a multi-megabyte answer is not a manifest.
 */
import type { EngineName } from "./engines/engine.ts";
import { checkManifest } from "./play-item.ts";

/** Larger than any real manifest (a two-hour DASH SegmentTimeline is a few hundred kB). */
export const MAX_MANIFEST_BYTES = 8 * 1024 * 1024;

export type FetchedManifest =
  /** `url`: where it finally came from (after redirects): relative URIs resolve there. */
  { ok: true; text: string; url: string } | { ok: false; message: string; aborted?: boolean };

/** Reads at most `limit` bytes of a body; null when it is longer. */
async function readBounded(response: Response, limit: number): Promise<string | null> {
  if (!response.body) return "";
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = "";
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > limit) {
      void reader.cancel().catch(() => {});
      return null;
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}

/** What the network's proxy said when it refused (its JSON `error`), or null. */
async function proxyRefusal(response: Response): Promise<string | null> {
  if (!response.headers.get("content-type")?.includes("application/json")) {
    void response.body?.cancel().catch(() => {});
    return null;
  }
  const text = await readBounded(response, 16 * 1024).catch(() => null);
  try {
    const error = (JSON.parse(text ?? "") as { error?: unknown }).error;
    return typeof error === "string" ? error : null;
  } catch {
    return null;
  }
}

/**
 * The manifest at `url`. `shownUrl`: the address the viewer gave, named in messages when `url`
 * is its proxied form (then a refusal of the network's proxy is quoted too).
 */
export async function fetchManifest(
  url: string,
  engine: EngineName,
  signal: AbortSignal,
  shownUrl = url,
): Promise<FetchedManifest> {
  let response: Response;
  try {
    response = await fetch(url, { signal });
  } catch {
    if (signal.aborted) return { ok: false, message: "aborted", aborted: true };
    const check = checkManifest(shownUrl, engine, null, "");
    return { ok: false, message: check.ok ? "no answer" : check.message };
  }
  if (!response.ok) {
    const refusal = shownUrl !== url ? await proxyRefusal(response) : null;
    if (refusal === null) void response.body?.cancel().catch(() => {});
    const check = checkManifest(shownUrl, engine, response.status, "");
    const message = check.ok ? `HTTP ${response.status}` : check.message;
    return {
      ok: false,
      message: refusal ? `${message} The network's proxy: ${refusal}.` : message,
    };
  }
  let text: string | null;
  try {
    text = await readBounded(response, MAX_MANIFEST_BYTES);
  } catch {
    if (signal.aborted) return { ok: false, message: "aborted", aborted: true };
    return { ok: false, message: `Could not read ${shownUrl}: the connection broke. Retry.` };
  }
  if (text === null) {
    return {
      ok: false,
      message: `${shownUrl} is larger than ${MAX_MANIFEST_BYTES / 1024 / 1024} MB: that is not a manifest. Use the address of a .m3u8 playlist or a .mpd manifest.`,
    };
  }
  const check = checkManifest(shownUrl, engine, response.status, text);
  return check.ok
    ? { ok: true, text, url: response.url || url }
    : { ok: false, message: check.message };
}
