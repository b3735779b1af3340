/**
 * The `?src=URL` deep link: read it, go to it (history.pushState, so Back returns to where the
 * viewer was), and re-render when it changes (Back and Forward fire `popstate`).
 */
import { useSyncExternalStore } from "react";

/** The raw `src` query parameter of the current address, or null. */
export function srcParam(): string | null {
  return new URLSearchParams(window.location.search).get("src");
}

/** The address that plays `url`. */
export function streamHref(url: string): string {
  return `/?src=${encodeURIComponent(url)}`;
}

/** Goes to the player for `url`; listeners of `popstate` (this hook, any router) follow. */
export function openStream(url: string): void {
  window.history.pushState(null, "", streamHref(url));
  window.dispatchEvent(new PopStateEvent("popstate"));
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener("popstate", onChange);
  return () => window.removeEventListener("popstate", onChange);
}

/** `srcParam()`, kept current across pushState navigation and Back/Forward. */
export function useSrcParam(): string | null {
  return useSyncExternalStore(subscribe, srcParam, () => null);
}
