/** URL helpers both adapters share. */

/** Add the appliance's `session` query parameter (per-session shaping) to a URL. */
export function withSession(uri: string, sessionId: string): string {
  return `${uri}${uri.includes("?") ? "&" : "?"}session=${encodeURIComponent(sessionId)}`;
}
