/**
 * hls.js's loader, wrapped (its `loader` config hook): every request is sent where the shared
 * session routes it, a main media fragment is measured and watched while it loads (hls.js's
 * XHR loader reports progress only at the end, so its stats are polled as hls.js's own ABR
 * does), and the manifest the page already fetched is answered without a second fetch. What to
 * do with what it sees is the adapter's (`LoaderHooks`).
 */
import type {
  Fragment,
  HlsConfig,
  Loader,
  LoaderCallbacks,
  LoaderConfiguration,
  LoaderContext,
  LoaderStats,
} from "hls.js";
import type { EngineSession, RoutedRequest } from "./engine-session.ts";

/** How often a fragment download in flight is checked (hls.js's own abandon check: 100 ms). */
const PROGRESS_POLL_MS = 100;

/** A media fragment on its way: which rendition, and the segment it is. */
export interface FragmentLoad {
  frag: Fragment;
  renditionId: string;
  segmentKey: string;
  /** A main (video) fragment: the ABR watches its progress and may abandon it. Audio and
   * subtitle fragments are only watched for an appliance that stopped sending. */
  forAbr: boolean;
}

/**
 * A request watched for an appliance that stops answering (no first byte in time, or silence
 * after it): every media fragment, and any other request routed to an appliance of ours
 * (playlists, init segments), which hls.js would wait 10 s or more for.
 */
interface Watched {
  segmentKey: string;
  renditionId: string;
  mediaSec: number;
  /** A fragment the ABR watches too (progress, abandonment); null for the rest. */
  abr: FragmentLoad | null;
}

export interface LoaderHooks {
  session(): EngineSession | null;
  now(): number;
  /** The manifest the page fetched, once, for the manifest request; null afterwards. */
  takeManifest(context: LoaderContext): { url: string; text: string } | null;
  /** hls.js's own stats object, for an answer that never touched the network. */
  newStats(): LoaderStats;
  /** The media fragment a request loads (a main one uses the pending decision); null for
   * playlists and init segments. */
  fragmentStarting(context: LoaderContext, routed: RoutedRequest): FragmentLoad | null;
  /** Bytes of media arrived (the freeze watchdog's "is anything still coming"). */
  bytesArrived(): void;
  /** A fragment of any track (video, audio, subtitles) was answered by this route. */
  answered(routed: RoutedRequest): void;
  /** Give up this fragment for `switchTo` (the session decided to abandon it). */
  abandon(frag: Fragment, stats: LoaderStats, switchTo: string): void;
}

export function routingLoader(Base: HlsConfig["loader"], hooks: LoaderHooks): HlsConfig["loader"] {
  return class RoutingLoader implements Loader<LoaderContext> {
    private readonly inner: Loader<LoaderContext>;
    private poll: ReturnType<typeof setInterval> | undefined;
    private servedStats: LoaderStats | null = null;
    private lastLoaded = 0;

    constructor(config: HlsConfig) {
      this.inner = new Base(config);
    }

    get context(): LoaderContext | null {
      return this.inner.context;
    }

    get stats(): LoaderStats {
      return this.servedStats ?? this.inner.stats;
    }

    getCacheAge(): number | null {
      return this.inner.getCacheAge?.() ?? null;
    }

    getResponseHeader(name: string): string | null {
      return this.inner.getResponseHeader?.(name) ?? null;
    }

    abort(): void {
      this.stopPolling();
      this.inner.abort();
    }

    destroy(): void {
      this.stopPolling();
      this.inner.destroy();
    }

    load(
      context: LoaderContext,
      config: LoaderConfiguration,
      callbacks: LoaderCallbacks<LoaderContext>,
    ): void {
      const manifest = hooks.takeManifest(context);
      if (manifest) {
        this.servedStats = servedStats(hooks, manifest.text.length);
        const response = { url: manifest.url, data: manifest.text };
        const stats = this.servedStats;
        queueMicrotask(() => callbacks.onSuccess(response, stats, context, null));
        return;
      }
      const session = hooks.session();
      const routed = session?.route(context.url) ?? { url: context.url, applianceId: null };
      context.url = routed.url;
      const load = hooks.fragmentStarting(context, routed);
      const watched: Watched | null = load
        ? {
            segmentKey: load.segmentKey,
            renditionId: load.renditionId,
            mediaSec: load.frag.duration,
            abr: load.forAbr ? load : null,
          }
        : routed.applianceId !== null
          ? {
              segmentKey: `${context.type}:${routed.url}`,
              renditionId: context.type,
              mediaSec: 0,
              abr: null,
            }
          : null;
      /** Set when we give the download up as stalled: hls.js hears a timeout, not an abort. */
      let stalled = false;
      const ended = () => {
        this.stopPolling();
        if (watched) session?.downloadEnded(watched.segmentKey);
      };
      const wrapped: LoaderCallbacks<LoaderContext> = {
        ...callbacks,
        onSuccess: (response, stats, ctx, details) => {
          ended();
          if ((ctx as { frag?: unknown }).frag) hooks.answered(routed);
          if (load) hooks.bytesArrived();
          if (load?.forAbr) {
            const ttfbMs = Math.max(0, stats.loading.first - stats.loading.start);
            session?.segmentLoaded({
              renditionId: load.renditionId,
              applianceId: routed.applianceId,
              url: routed.url,
              sizeBytes: stats.loaded || stats.total,
              ttfbMs,
              durationMs: Math.max(ttfbMs, stats.loading.end - stats.loading.start),
              cacheStatus: headerOf(details, "x-cache"),
              ...(load.frag.duration > 0 ? { mediaSec: load.frag.duration } : {}),
            });
          }
          callbacks.onSuccess(response, stats, ctx, details);
        },
        onError: (error, ctx, details, stats) => {
          ended();
          const kind = error.code === 0 ? "network" : "http";
          session?.requestFailed(routed.applianceId, { kind, status: error.code }, routed.url);
          callbacks.onError(error, ctx, details, stats);
        },
        onTimeout: (stats, ctx, details) => {
          ended();
          session?.requestFailed(routed.applianceId, { kind: "timeout" }, routed.url);
          callbacks.onTimeout(stats, ctx, details);
        },
        onAbort: (stats, ctx, details) => {
          ended();
          if (!stalled) callbacks.onAbort?.(stats, ctx, details);
        },
      };
      const giveUp = () => {
        stalled = true;
        ended();
        this.inner.abort();
        // A timeout for hls.js, which retries (through this loader, so elsewhere: the session
        // has boxed the appliance).
        callbacks.onTimeout(this.inner.stats, context, null);
      };
      this.inner.load(context, config, wrapped);
      if (watched) {
        this.poll = setInterval(() => this.check(watched, routed, giveUp), PROGRESS_POLL_MS);
      }
    }

    /** One look at the request in flight: progress, abandonment, a stalled download. */
    private check(watched: Watched, routed: RoutedRequest, giveUp: () => void): void {
      const stats = this.inner.stats;
      const session = hooks.session();
      if (stats.aborted || stats.loading.start <= 0 || !session) return;
      if (stats.loaded > this.lastLoaded) {
        this.lastLoaded = stats.loaded;
        if (watched.mediaSec > 0) hooks.bytesArrived();
      }
      const verdict = session.progress({
        renditionId: watched.renditionId,
        applianceId: routed.applianceId,
        segmentKey: watched.segmentKey,
        loadedBytes: stats.loaded,
        totalBytes: stats.total > 0 ? stats.total : null,
        elapsedMs: hooks.now() - stats.loading.start,
        firstByteMs: stats.loading.first > 0 ? stats.loading.first - stats.loading.start : null,
        ...(watched.mediaSec > 0 ? { mediaSec: watched.mediaSec } : {}),
        ...(watched.abr ? {} : { watchOnly: true }),
      });
      if (verdict.abandon && watched.abr) {
        this.stopPolling();
        hooks.abandon(watched.abr.frag, stats, verdict.switchTo);
      } else if ("stalled" in verdict) {
        // The appliance stopped sending without closing.
        this.stopPolling();
        session.requestFailed(routed.applianceId, { kind: "stalled" }, routed.url);
        giveUp();
      }
    }

    private stopPolling(): void {
      clearInterval(this.poll);
      this.poll = undefined;
    }
  };
}

/** Stats for an answer served from memory: first and last byte at once. */
function servedStats(hooks: LoaderHooks, length: number): LoaderStats {
  const stats = hooks.newStats();
  const at = hooks.now();
  stats.loading = { start: at, first: at, end: at };
  stats.loaded = stats.total = length;
  return stats;
}

/**
 * A response header from what hls.js's loader passes as "network details": its XMLHttpRequest,
 * or the fetch Response. (The loader's own `getResponseHeader` returns numeric values only.)
 */
function headerOf(details: unknown, name: string): string | null {
  if (typeof XMLHttpRequest !== "undefined" && details instanceof XMLHttpRequest) {
    return details.getResponseHeader(name);
  }
  if (typeof Response !== "undefined" && details instanceof Response) {
    return details.headers.get(name);
  }
  return null;
}
