/** Fetches and parses a title's thumbnail track once; null while loading, or when it fails. */
import { useEffect, useState } from "react";
import { parseThumbnailVtt, type ThumbnailCue } from "./thumbnails.ts";

/** Per URL, for the page's life: reopening a title (or its next episode's replay) costs nothing. */
const cache = new Map<string, Promise<ThumbnailCue[]>>();

function load(url: string): Promise<ThumbnailCue[]> {
  let pending = cache.get(url);
  if (!pending) {
    pending = fetch(url).then(async (response) => {
      if (!response.ok) throw new Error(`thumbnails: ${response.status}`);
      return parseThumbnailVtt(await response.text(), response.url || url);
    });
    // A failure is not cached: the next mount tries again.
    pending.catch(() => cache.delete(url));
    cache.set(url, pending);
  }
  return pending;
}

export function useThumbnails(url: string | null): ThumbnailCue[] | null {
  const [cues, setCues] = useState<ThumbnailCue[] | null>(null);
  useEffect(() => {
    setCues(null);
    if (!url) return;
    let current = true;
    load(url).then(
      (loaded) => {
        if (current) setCues(loaded);
      },
      // Without thumbnails the seek bar still shows the time: nothing to tell the viewer.
      () => {},
    );
    return () => {
      current = false;
    };
  }, [url]);
  return cues;
}
