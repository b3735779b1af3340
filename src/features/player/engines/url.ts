/** URL helpers both adapters share. */

/** Add the appliance's `session` query parameter (per-session shaping) to a URL. */
export function withSession(uri: string, sessionId: string): string {
  return `${uri}${uri.includes("?") ? "&" : "?"}session=${encodeURIComponent(sessionId)}`;
}

/** The URL without the `session` parameter `withSession` added (a retry comes back with it). */
export function withoutSession(uri: string): string {
  return uri.replace(/([?&])session=[^&#]*(&?)/, (_all, sep: string, next: string) =>
    next ? sep : "",
  );
}
