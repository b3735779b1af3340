/**
 * The hls.js adapter: a thin shim over hls.js's own hooks. With our ABR, a stand-in for its
 * `abrController` answers which level to load with our controller's decisions; a wrapping
 * loader sends every request of the title where the shared session routes it, measures it and
 * applies abandonments. With the engine's ABR, hls.js decides alone; requests are still routed
 * and measured. What both adapters do lives in `engine-session.ts`; level mapping and messages
 * in `hlsjs-map.ts`. hls.js itself loads only inside `load`.
 */
import type {
  ErrorData,
  EwmaBandWidthEstimator,
  Fragment,
  default as Hls,
  AbrController as HlsAbrController,
  HlsConfig,
  Level,
  Loader,
  LoaderCallbacks,
  LoaderConfiguration,
  LoaderContext,
  LoaderStats,
  LoadPolicy,
  RetryConfig,
} from "hls.js";
import type { Decision } from "../../../abr/types.ts";
import { bufferAheadSec, rangesOf } from "./buffer.ts";
import type { AdapterOptions, EngineAdapter, TrackInfo } from "./engine.ts";
import { EngineSession, type RoutedRequest } from "./engine-session.ts";
import {
  describeFailure,
  type LevelInfo,
  levelIndexFor,
  matchLevels,
  variantsFromLevels,
} from "./hlsjs-map.ts";

type HlsModule = typeof import("hls.js");

/** How often a fragment download in flight is checked (hls.js's own abandon check: 100 ms). */
const PROGRESS_POLL_MS = 100;
/**
 * hls.js asks for the next level on every 100 ms tick while idle (buffer full, waiting for a
 * playlist), not only before a fragment: an unused decision is reused until a fragment consumes
 * it, and only re-made when older than this many segment durations.
 */
const DECISION_MAX_AGE_SEGMENTS = 2;
/** First retry delay: a retry goes to another appliance, so waiting 1 s (hls.js) only drains. */
const RETRY_DELAY_MS = 250;
/** A nudge past a frozen playhead: hls.js's gap controller steps 0.1 s. */
const NUDGE_SEC = 0.1;

function levelInfo(level: Level): LevelInfo {
  return {
    url: level.uri,
    bitrate: level.bitrate,
    averageBitrate: level.averageBitrate,
    width: level.width,
    height: level.height,
    frameRate: level.frameRate,
    videoCodec: level.videoCodec,
    score: level.score,
  };
}

/** The key a segment is known by across levels: its start time (aligned in any ABR ladder). */
const segmentKeyOf = (frag: Fragment): string => frag.start.toFixed(1);

export function createHlsAdapter(options: AdapterOptions): EngineAdapter {
  const { controller, reporter, media } = options;
  const ours = options.abr === "ours";
  const now = () => performance.now();

  let mod: HlsModule | null = null;
  let hls: Hls | null = null;
  let video: HTMLVideoElement | null = null;
  let session: EngineSession | null = null;
  let destroyed = false;
  let rejectLoad: ((error: Error) => void) | null = null;
  let capToPlayerSize = options.capToPlayerSize;
  /** The manifest the page already fetched, served once to hls.js's first request. */
  let prefetched = options.manifest ?? null;

  /** Which rendition each hls.js level is. */
  const renditionOfLevel = new Map<Level, string>();
  /** Which appliance served each fragment (a decode error there is that appliance's). */
  const applianceOfFragment = new WeakMap<Fragment, string | null>();
  let lastByteAtMs: number | null = null;

  /** The latest decision hls.js has not consumed yet, and when it was made. */
  let pending: Decision | null = null;
  let pendingAtMs = 0;
  /** A level hls.js forced (error recovery), honoured for one fragment. */
  let forcedLevel = -1;
  let mediaRecoveryTried = false;

  // --- levels --------------------------------------------------------------------------

  /** The level list last mapped (hls.js replaces the array when levels change). */
  let mappedLevels: Level[] | null = null;

  /**
   * Maps hls.js's levels when they are new. Lazy: hls.js asks for the first level (at start
   * load, on MANIFEST_LOADED) before a MANIFEST_PARSED listener of ours would run.
   */
  const ensureMapped = (): void => {
    const levels = hls?.levels;
    if (!session || !levels || levels.length === 0 || levels === mappedLevels) return;
    mappedLevels = levels;
    const infos = levels.map(levelInfo);
    if (!session.foreign) {
      const ids = matchLevels(infos, session.ladder());
      levels.forEach((level, i) => {
        const id = ids[i];
        if (id) renditionOfLevel.set(level, id);
      });
      // hls.js drops variants a browser cannot play: the core must not pick them.
      session.offeredCatalogRenditions(new Set(ids.filter((id): id is string => id !== null)));
      return;
    }
    const variants = variantsFromLevels(infos);
    levels.forEach((level, i) => {
      renditionOfLevel.set(level, variants[i]!.id);
    });
    session.foreignVariants(variants);
  };

  const levelOf = (renditionId: string): number => {
    ensureMapped();
    const ids = (hls?.levels ?? []).map((level) => renditionOfLevel.get(level) ?? null);
    return levelIndexFor(renditionId, ids, session?.ladder() ?? []);
  };

  const segmentDurationSec = (): number =>
    hls?.latestLevelDetails?.targetduration || session?.segmentDurationSec || 2;

  // --- decisions -----------------------------------------------------------------------

  const decideNow = (): Decision | null => {
    ensureMapped();
    const s = session;
    if (!s) return null;
    s.setSegmentDuration(segmentDurationSec());
    pending = s.decide();
    pendingAtMs = now();
    return pending;
  };

  /** The level hls.js should load next: the pending decision's, or a fresh one. */
  const nextLevel = (): number => {
    if (forcedLevel >= 0) return forcedLevel;
    const maxAgeMs = DECISION_MAX_AGE_SEGMENTS * segmentDurationSec() * 1000;
    const usable = pending !== null && pending === session?.latest();
    const decision = usable && now() - pendingAtMs < maxAgeMs ? pending : decideNow();
    if (decision) {
      const index = levelOf(decision.renditionId);
      if (index >= 0) return index;
    }
    return Math.max(0, hls?.loadLevel ?? 0);
  };

  /** Give up the fragment in flight for `switchTo`, as hls.js's own `_abandonRulesCheck` does. */
  const abandon = (frag: Fragment, stats: LoaderStats, switchTo: string): void => {
    const h = hls;
    const m = mod;
    if (!h || !m) return;
    // The session adopted the abandonment as the latest decision: the reload follows it.
    pending = session?.latest() ?? null;
    pendingAtMs = now();
    const index = levelOf(switchTo);
    if (index < 0) return;
    // Sets the level playlist loading and echoes to our `nextAutoLevel` setter (same level).
    h.nextLoadLevel = index;
    frag.abortRequests();
    // The stream controller goes back to idle and asks for the next level at once.
    h.trigger(m.Events.FRAG_LOAD_EMERGENCY_ABORTED, { frag, part: null, stats });
  };

  // --- the loader ----------------------------------------------------------------------

  /** The fragment of a request when it is a main (video) media segment, not an init segment. */
  const mainMediaFragment = (context: LoaderContext): Fragment | null => {
    if (!mod || context.type !== mod.LoaderContextType.MEDIA_FRAGMENT) return null;
    const frag = (context as LoaderContext & { frag?: Fragment }).frag;
    if (!frag || frag.sn === "initSegment" || frag.type !== mod.PlaylistLevelType.MAIN) return null;
    return frag;
  };

  /** Serve the manifest the page already has, once, as if loaded (no second fetch). */
  const servePrefetched = (
    context: LoaderContext,
    callbacks: LoaderCallbacks<LoaderContext>,
  ): LoaderStats | null => {
    const m = mod;
    const manifest = prefetched;
    if (!m || manifest === null || context.type !== "manifest") return null;
    prefetched = null;
    const stats = new m.LoadStats();
    const at = now();
    stats.loading = { start: at, first: at, end: at };
    stats.loaded = stats.total = manifest.text.length;
    const response = { url: manifest.url, data: manifest.text };
    queueMicrotask(() => callbacks.onSuccess(response, stats, context, null));
    return stats;
  };

  /** hls.js's default loader, wrapped: routes, tags and measures every request. */
  const routingLoader = (Base: HlsConfig["loader"]): HlsConfig["loader"] =>
    class RoutingLoader implements Loader<LoaderContext> {
      private readonly inner: Loader<LoaderContext>;
      private poll: ReturnType<typeof setInterval> | undefined;
      private servedStats: LoaderStats | null = null;

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
        this.servedStats = servePrefetched(context, callbacks);
        if (this.servedStats) return;
        const routed: RoutedRequest = session?.route(context.url) ?? {
          url: context.url,
          applianceId: null,
        };
        context.url = routed.url;
        const frag = mainMediaFragment(context);
        if (frag) {
          // This fragment uses the decision; the next one gets a new decision.
          pending = null;
          forcedLevel = -1;
          applianceOfFragment.set(frag, routed.applianceId);
        }
        const fragLevel = frag ? hls?.levels[frag.level] : undefined;
        const renditionId = fragLevel ? (renditionOfLevel.get(fragLevel) ?? null) : null;
        const key = frag ? segmentKeyOf(frag) : null;
        const ended = () => {
          this.stopPolling();
          if (key !== null) session?.downloadEnded(key);
        };

        const wrapped: LoaderCallbacks<LoaderContext> = {
          ...callbacks,
          onSuccess: (response, stats, ctx, details) => {
            ended();
            if (frag && renditionId !== null) {
              lastByteAtMs = now();
              const ttfbMs = Math.max(0, stats.loading.first - stats.loading.start);
              session?.segmentLoaded({
                renditionId,
                applianceId: routed.applianceId,
                url: routed.url,
                sizeBytes: stats.loaded || stats.total,
                ttfbMs,
                durationMs: Math.max(ttfbMs, stats.loading.end - stats.loading.start),
                ...(frag.duration > 0 ? { mediaSec: frag.duration } : {}),
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
            callbacks.onAbort?.(stats, ctx, details);
          },
        };

        this.inner.load(context, config, wrapped);
        // The XHR loader calls onProgress only at the end: poll its stats, as hls.js does.
        if (frag && renditionId !== null && key !== null) {
          this.poll = setInterval(() => {
            this.check(frag, renditionId, key, routed, context, wrapped);
          }, PROGRESS_POLL_MS);
        }
      }

      /** One look at the fragment in flight: progress, abandonment, a stalled download. */
      private check(
        frag: Fragment,
        renditionId: string,
        key: string,
        routed: RoutedRequest,
        context: LoaderContext,
        callbacks: LoaderCallbacks<LoaderContext>,
      ): void {
        const stats = this.inner.stats;
        if (stats.aborted || stats.loading.start <= 0 || !session) return;
        if (stats.loaded > 0) lastByteAtMs = Math.max(lastByteAtMs ?? 0, stats.loading.first);
        const verdict = session.progress({
          renditionId,
          applianceId: routed.applianceId,
          segmentKey: key,
          loadedBytes: stats.loaded,
          totalBytes: stats.total > 0 ? stats.total : null,
          elapsedMs: now() - stats.loading.start,
          firstByteMs: stats.loading.first > 0 ? stats.loading.first - stats.loading.start : null,
          ...(frag.duration > 0 ? { mediaSec: frag.duration } : {}),
        });
        if (verdict.abandon) {
          this.stopPolling();
          abandon(frag, stats, verdict.switchTo);
        } else if ("stalled" in verdict) {
          // The appliance stopped sending without closing: a timeout for hls.js, which retries
          // (through this loader, so elsewhere: the session boxed the appliance).
          this.stopPolling();
          this.inner.abort();
          session.requestFailed(routed.applianceId, { kind: "stalled" }, routed.url);
          callbacks.onTimeout(stats, context, null);
        }
      }

      private stopPolling(): void {
        clearInterval(this.poll);
        this.poll = undefined;
      }
    };

  // --- our ABR, in hls.js's abrController slot -----------------------------------------

  /**
   * Stands in for hls.js's AbrController: hls.js reads `nextAutoLevel` before loading and
   * `firstAutoLevel` at start, both answered by our controller; `bwEstimator` makes
   * `hls.bandwidthEstimate` / `ttfbEstimate` (read by other hls.js controllers) ours.
   */
  class OurAbr {
    /** hls.js's estimator type has private fields, so an object can only be cast to it. */
    readonly bwEstimator = {
      getEstimate: () =>
        controller.estimateBitsPerSecond(session?.latest()?.applianceId ?? undefined),
      getEstimateTTFB: () => session?.latest()?.inputs.ttfbMs ?? 100,
      canEstimate: () => true,
      get defaultEstimate() {
        return hls?.config.abrEwmaDefaultEstimate ?? 1e6;
      },
      // Samples come from our loader; hls.js's calls are not needed.
      sample: () => {},
      sampleTTFB: () => {},
      update: () => {},
      destroy: () => {},
    } as unknown as EwmaBandWidthEstimator;

    // hls.js passes itself; everything needed is in the adapter's closure.
    // biome-ignore lint/complexity/noUselessConstructor: documents the contract hls.js calls.
    constructor(_hls: Hls) {}

    get firstAutoLevel(): number {
      return nextLevel();
    }

    get forcedAutoLevel(): number {
      return forcedLevel;
    }

    get nextAutoLevel(): number {
      return nextLevel();
    }

    /** hls.js echoes the level it got from us; anything else (error recovery) is forced once. */
    set nextAutoLevel(level: number) {
      const latest = session?.latest();
      const decided = latest ? levelOf(latest.renditionId) : -1;
      forcedLevel = level === decided ? -1 : level;
    }

    /** `hls.bandwidthEstimate = x`: the estimate is the controller's, measured, not set. */
    resetEstimator(_abrEwmaDefaultEstimate?: number): void {}

    clearTimer(): void {}

    destroy(): void {}
  }

  // --- errors -------------------------------------------------------------------------

  const failureMessage = (data: ErrorData): string =>
    describeFailure({
      type: data.type,
      details: data.details,
      url: data.url ?? data.context?.url ?? data.frag?.url ?? null,
      status: data.response?.code ?? null,
      reason: data.reason ?? data.error?.message ?? null,
      foreign: session?.foreign ?? false,
    });

  const onError = (data: ErrorData, parsed: boolean): void => {
    const m = mod;
    const h = hls;
    if (!m || !h) return;
    if (data.type === m.ErrorTypes.MEDIA_ERROR && data.frag) {
      // What an appliance served could not be parsed or appended: its penalty box.
      session?.mediaFailed(applianceOfFragment.get(data.frag) ?? null, data.details);
    }
    if (!data.fatal) {
      if (data.type === m.ErrorTypes.NETWORK_ERROR) {
        reporter.warning(`${failureMessage(data)} hls.js retries.`);
      }
      return;
    }
    if (data.type === m.ErrorTypes.MEDIA_ERROR && !mediaRecoveryTried) {
      mediaRecoveryTried = true;
      reporter.warning(`Media error (${data.details}): recovering once.`);
      h.recoverMediaError();
      return;
    }
    const message = failureMessage(data);
    if (!parsed && rejectLoad) rejectLoad(new Error(message));
    else reporter.fatal(message);
  };

  const tracks = (list: readonly { name: string; lang?: string }[], active: number): TrackInfo[] =>
    list.map((track, i) => ({
      id: String(i),
      language: track.lang ?? "",
      name: track.name,
      active: i === active,
    }));

  // --- the adapter --------------------------------------------------------------------

  return {
    name: "hlsjs",

    async load(element, playback) {
      const m = await import("hls.js");
      if (destroyed) throw new Error("the player was closed while hls.js loaded");
      const HlsClass = m.default;
      if (!HlsClass.isSupported()) {
        throw new Error("This browser has no Media Source Extensions: it cannot play HLS here.");
      }
      mod = m;
      video = element;
      session = new EngineSession({
        controller,
        reporter,
        source: playback,
        media,
        ours,
        sessionId: crypto.randomUUID(),
        capToPlayerSize,
        now,
      });

      const defaults = HlsClass.DefaultConfig;
      // On our network a failed request is retried elsewhere, so every failure is worth a
      // retry (hls.js does not retry status 0 or 4xx: it assumes one server).
      const retryAnywhere = (policy: LoadPolicy): LoadPolicy => {
        const retry = policy.default.errorRetry;
        const errorRetry: RetryConfig | null = retry && {
          ...retry,
          retryDelayMs: Math.min(retry.retryDelayMs, RETRY_DELAY_MS),
          shouldRetry: (config, count, _timeout, _response, retried) =>
            retried || (!!config && count < config.maxNumRetry),
        };
        return { default: { ...policy.default, errorRetry } };
      };
      const routed = playback.originTitleBase !== null;

      const config: Partial<HlsConfig> = {
        loader: routingLoader(defaults.loader),
        // Our ABR caps to the picture itself; the engine's own ABR gets its own option.
        capLevelToPlayerSize: !ours && capToPlayerSize,
        ...(routed
          ? {
              fragLoadPolicy: retryAnywhere(defaults.fragLoadPolicy),
              playlistLoadPolicy: retryAnywhere(defaults.playlistLoadPolicy),
            }
          : {}),
        ...(ours
          ? {
              // Config types the slot as hls.js's class; ours implements what hls.js calls.
              abrController: OurAbr as unknown as typeof HlsAbrController,
              // No bitrate-test fragment at the lowest level: the first decision is ours.
              testBandwidth: false,
            }
          : {}),
      };
      const instance = new HlsClass(config);
      hls = instance;

      await new Promise<void>((resolve, reject) => {
        let parsed = false;
        rejectLoad = reject;
        instance.on(HlsClass.Events.MANIFEST_PARSED, () => {
          parsed = true;
          rejectLoad = null;
          ensureMapped();
          resolve();
        });
        instance.on(HlsClass.Events.LEVELS_UPDATED, ensureMapped);
        instance.on(HlsClass.Events.LEVEL_SWITCHED, (_event, data) => {
          const level = instance.levels[data.level];
          const id = level ? renditionOfLevel.get(level) : undefined;
          if (id) reporter.renditionPlaying(id);
        });
        instance.on(HlsClass.Events.ERROR, (_event, data) => onError(data, parsed));
        instance.loadSource(playback.manifestUrl);
        instance.attachMedia(element);
      });
    },

    renditions: () => session?.ladder() ?? [],

    audioTracks: () => (hls ? tracks(hls.audioTracks, hls.audioTrack) : []),

    subtitleTracks: () => (hls ? tracks(hls.subtitleTracks, hls.subtitleTrack) : []),

    setAudioTrack(id) {
      if (hls) hls.audioTrack = Number(id);
    },

    setSubtitleTrack(id) {
      if (!hls) return;
      hls.subtitleTrack = id === null ? -1 : Number(id);
      hls.subtitleDisplay = id !== null;
    },

    setManualRendition(id) {
      session?.setManualRendition(id);
      if (ours) {
        // The next fragment is decided afresh, with the viewer's choice.
        pending = null;
        return;
      }
      if (!hls) return;
      hls.nextLevel = id === null ? -1 : levelOf(id);
    },

    setCapToPlayerSize(on) {
      capToPlayerSize = on;
      session?.setCapToPlayerSize(on);
      pending = null;
      if (hls && !ours) hls.capLevelToPlayerSize = on;
    },

    pictureChanged() {
      // Decided again now, under the new size: the next fragment takes it (hls.js's own cap
      // controller watches the element itself when its ABR decides).
      if (ours) decideNow();
    },

    lastByteAtMs: () => lastByteAtMs,

    recover(step) {
      const h = hls;
      const v = video;
      if (!h || !v) return;
      if (step === "nudge") {
        const ahead = bufferAheadSec(rangesOf(v.buffered), v.currentTime);
        const next = rangesOf(v.buffered).find((r) => r.start > v.currentTime);
        // Into the range ahead when the playhead sits in a gap, else a hair forward.
        v.currentTime = ahead > 0 || !next ? v.currentTime + NUDGE_SEC : next.start + 0.01;
        return;
      }
      // Load again from the playhead, elsewhere: the appliance in use goes to the penalty box.
      const latest = session?.latest();
      session?.requestFailed(latest?.applianceId ?? null, { kind: "stalled" });
      pending = null;
      h.stopLoad();
      h.startLoad(v.currentTime);
    },

    async destroy() {
      destroyed = true;
      rejectLoad?.(new Error("the player was closed"));
      rejectLoad = null;
      hls?.destroy();
      hls = null;
      video = null;
      mod = null;
      session = null;
      renditionOfLevel.clear();
    },
  };
}
