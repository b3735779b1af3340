/**
 * The hls.js adapter. With our ABR, hls.js asks our controller (through a stand-in for its
 * `abrController`) which level to load before each fragment, and a wrapping loader sends every
 * request of the title to the appliance of the latest decision, measures the fragments, feeds
 * the controller and applies its abandonments. With the engine's ABR, hls.js decides alone;
 * requests are still routed and measured. hls.js itself loads only inside `load`.
 *
 * Pure logic (URL rewriting, level mapping, buffer, quality estimates, messages) lives in
 * `hlsjs-map.ts`.
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
import { ORIGIN_ID } from "../../../abr/appliances.ts";
import type { Decision, DecisionContext, Rendition } from "../../../abr/types.ts";
import { bufferAheadSec, rangesOf } from "./buffer.ts";
import type {
  AdapterOptions,
  EngineAdapter,
  PlaybackSource,
  SegmentStats,
  TrackInfo,
} from "./engine.ts";
import {
  describeFailure,
  type LevelInfo,
  levelIndexFor,
  matchLevels,
  renditionsFromLevels,
  rewriteUrl,
  titleBaseOn,
  usefulHeight,
} from "./hlsjs-map.ts";
import { withSession } from "./url.ts";

type HlsModule = typeof import("hls.js");

/** Segment duration assumed before any media playlist is loaded: our catalog's, else HLS's usual. */
const CATALOG_SEGMENT_SEC = 2;
const FOREIGN_SEGMENT_SEC = 6;
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

function levelInfo(level: Level): LevelInfo {
  return {
    url: level.uri,
    bitrate: level.bitrate,
    averageBitrate: level.averageBitrate,
    width: level.width,
    height: level.height,
    frameRate: level.frameRate,
    videoCodec: level.videoCodec,
  };
}

/** What the loader remembers about one request it routed. */
interface Route {
  url: string;
  /** The appliance the request went to; null when it was not routed (not ours, or no decision). */
  applianceId: string | null;
}

export function createHlsAdapter(options: AdapterOptions): EngineAdapter {
  const { controller, reporter } = options;
  const ours = options.abr === "ours";
  const sessionId = crypto.randomUUID();
  const now = () => performance.now();

  let mod: HlsModule | null = null;
  let hls: Hls | null = null;
  let video: HTMLVideoElement | null = null;
  let source: PlaybackSource | null = null;
  let destroyed = false;
  let rejectLoad: ((error: Error) => void) | null = null;

  /** The renditions in the core's terms, and which one each hls.js level is. */
  let renditions: Rendition[] = [];
  const renditionOfLevel = new Map<Level, string>();
  let manualId: string | null = null;

  /** The latest decision (routing follows it), whether a fragment has used it yet, and when. */
  let latest: Decision | null = null;
  /** When `latest` was adopted, on our clock (the controller's clock is injected). */
  let latestAtMs = 0;
  let pending = false;
  /** Appliances that failed since `latest` was made: routing must not follow it there again. */
  const failedSinceDecision = new Set<string>();
  /** A level hls.js forced (error recovery), honoured for one fragment. */
  let forcedLevel = -1;
  /** Every title base requests have used (origin, appliances): all are rewritten alike. */
  const knownTitleBases = new Set<string>();
  let mediaRecoveryTried = false;

  // --- decisions -------------------------------------------------------------------------

  /** The level list last mapped (hls.js replaces the array when levels change). */
  let mappedLevels: Level[] | null = null;

  /**
   * Maps hls.js's levels when they are new. Lazy: hls.js asks for the first level (at start
   * load, on MANIFEST_LOADED) before a MANIFEST_PARSED listener of ours would run.
   */
  const ensureMapped = (): void => {
    const levels = hls?.levels;
    if (!levels || levels.length === 0 || levels === mappedLevels) return;
    mapLevels(levels, mappedLevels === null);
    mappedLevels = levels;
  };

  const levelRenditionIds = (): (string | null)[] => {
    ensureMapped();
    return (hls?.levels ?? []).map((level) => renditionOfLevel.get(level) ?? null);
  };

  const levelOf = (renditionId: string): number =>
    levelIndexFor(renditionId, levelRenditionIds(), renditions);

  const segmentDurationSec = (): number => {
    const details = hls?.latestLevelDetails;
    if (details?.targetduration) return details.targetduration;
    return source?.renditions ? CATALOG_SEGMENT_SEC : FOREIGN_SEGMENT_SEC;
  };

  const bufferSec = (): number =>
    video ? bufferAheadSec(rangesOf(video.buffered), video.currentTime) : 0;

  const decisionContext = (): DecisionContext => {
    const top = [...renditions].sort((a, b) => b.height - a.height)[0];
    return {
      bufferSec: bufferSec(),
      playbackRate: video?.playbackRate || 1,
      segmentDurationSec: segmentDurationSec(),
      manualRenditionId: manualId,
      maxHeight: video
        ? usefulHeight(
            video.clientWidth,
            video.clientHeight,
            window.devicePixelRatio,
            top ? top.width / top.height : null,
          )
        : null,
    };
  };

  const adopt = (decision: Decision): void => {
    latest = decision;
    latestAtMs = now();
    pending = true;
    failedSinceDecision.clear();
    reporter.decision(decision);
  };

  const decideNow = (): Decision | null => {
    ensureMapped();
    if (renditions.length === 0) return null;
    try {
      adopt(controller.decide(decisionContext()));
      return latest;
    } catch (error) {
      reporter.warning(`ABR could not decide: ${(error as Error).message}`);
      return null;
    }
  };

  const latestIsUsable = (): boolean =>
    latest !== null &&
    !(latest.applianceId !== null && failedSinceDecision.has(latest.applianceId));

  /** The level hls.js should load next: the pending decision's, or a fresh one. */
  const nextLevel = (): number => {
    if (forcedLevel >= 0) return forcedLevel;
    const maxAgeMs = DECISION_MAX_AGE_SEGMENTS * segmentDurationSec() * 1000;
    const fresh = pending && latestIsUsable() && now() - latestAtMs < maxAgeMs;
    const decision = fresh ? latest : decideNow();
    if (decision) {
      const index = levelOf(decision.renditionId);
      if (index >= 0) return index;
    }
    return Math.max(0, hls?.loadLevel ?? 0);
  };

  // --- routing -------------------------------------------------------------------------

  /** Where requests go now: our latest decision's appliance; with the engine's ABR, the
   * controller's appliance choice alone (the engine picks renditions, we still route). */
  const routingDecision = (): Pick<Decision, "applianceId" | "applianceBaseUrl"> | null => {
    if (!ours) return controller.routeAppliance();
    if (!latestIsUsable()) decideNow();
    return latest;
  };

  const route = (url: string): Route => {
    const { originTitleBase, titlePath } = source ?? { originTitleBase: null, titlePath: null };
    if (originTitleBase === null || titlePath === null) return { url, applianceId: null };
    knownTitleBases.add(originTitleBase);
    const decision = routingDecision();
    const target =
      decision?.applianceBaseUrl != null ? titleBaseOn(decision.applianceBaseUrl, titlePath) : null;
    if (target !== null) knownTitleBases.add(target);
    const rewritten = rewriteUrl(url, [...knownTitleBases], target);
    if (rewritten === null) return { url, applianceId: null };
    return {
      url: rewritten,
      applianceId: target === null ? null : (decision?.applianceId ?? null),
    };
  };

  const applianceFailed = (
    applianceId: string,
    kind: "http" | "timeout" | "network",
    status?: number,
  ) => {
    controller.onSegmentError({ applianceId, kind, ...(status ? { status } : {}) });
    failedSinceDecision.add(applianceId);
  };

  /** Give up the fragment in flight for `switchTo`, as hls.js's own `_abandonRulesCheck` does. */
  const abandon = (frag: Fragment, stats: LoaderStats, switchTo: string): void => {
    const h = hls;
    const m = mod;
    if (!h || !m) return;
    const decision = controller.decisions().at(-1);
    if (decision?.kind === "abandon") adopt(decision);
    const index = levelOf(switchTo);
    if (index < 0) return;
    // Sets the level playlist loading and echoes to our `nextAutoLevel` setter (same level).
    h.nextLoadLevel = index;
    frag.abortRequests();
    // The stream controller goes back to idle and asks for the next level at once.
    h.trigger(m.Events.FRAG_LOAD_EMERGENCY_ABORTED, { frag, part: null, stats });
  };

  /** hls.js's default loader, wrapped: routes, tags and measures every request. */
  const routingLoader = (Base: HlsConfig["loader"]): HlsConfig["loader"] =>
    class RoutingLoader implements Loader<LoaderContext> {
      private readonly inner: Loader<LoaderContext>;
      private poll: ReturnType<typeof setInterval> | undefined;

      constructor(config: HlsConfig) {
        this.inner = new Base(config);
      }

      get context(): LoaderContext | null {
        return this.inner.context;
      }

      get stats(): LoaderStats {
        return this.inner.stats;
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
        const routed = route(context.url);
        // The session rides in the query, not a header (a header costs a CORS preflight per
        // segment URL, inflating every time to first byte), and only to our own network.
        context.url = routed.applianceId !== null ? withSession(routed.url, sessionId) : routed.url;
        const frag = mainMediaFragment(context);
        if (frag) {
          // This fragment uses the decision; the next one gets a new decision.
          pending = false;
          forcedLevel = -1;
        }
        const applianceId = routed.applianceId;
        const measuredId = applianceId ?? ORIGIN_ID;
        const fragLevel = frag ? hls?.levels[frag.level] : undefined;
        const renditionId = fragLevel ? (renditionOfLevel.get(fragLevel) ?? null) : null;

        const wrapped: LoaderCallbacks<LoaderContext> = {
          ...callbacks,
          onSuccess: (response, stats, ctx, details) => {
            this.stopPolling();
            if (frag && renditionId !== null) {
              const ttfbMs = Math.max(0, stats.loading.first - stats.loading.start);
              const durationMs = Math.max(ttfbMs, stats.loading.end - stats.loading.start);
              const sizeBytes = stats.loaded || stats.total;
              controller.onSegmentLoaded({
                applianceId: measuredId,
                renditionId,
                sizeBytes,
                ttfbMs,
                durationMs,
                ...(frag.duration > 0 ? { mediaDurationSec: frag.duration } : {}),
              });
              const segment: SegmentStats = {
                renditionId,
                applianceId,
                url: routed.url,
                sizeBytes,
                ttfbMs,
                durationMs,
              };
              reporter.segmentLoaded(segment);
            }
            callbacks.onSuccess(response, stats, ctx, details);
          },
          onError: (error, ctx, details, stats) => {
            this.stopPolling();
            if (applianceId !== null) {
              applianceFailed(applianceId, error.code === 0 ? "network" : "http", error.code);
            }
            callbacks.onError(error, ctx, details, stats);
          },
          onTimeout: (stats, ctx, details) => {
            this.stopPolling();
            if (applianceId !== null) applianceFailed(applianceId, "timeout");
            callbacks.onTimeout(stats, ctx, details);
          },
          onAbort: (stats, ctx, details) => {
            this.stopPolling();
            callbacks.onAbort?.(stats, ctx, details);
          },
        };

        this.inner.load(context, config, wrapped);

        // The XHR loader calls onProgress only at the end: poll its stats, as hls.js does.
        if (ours && frag && renditionId !== null) {
          this.poll = setInterval(() => {
            const stats = this.inner.stats;
            if (stats.aborted || stats.loading.start <= 0) return;
            const verdict = controller.onProgress({
              applianceId: measuredId,
              renditionId,
              loadedBytes: stats.loaded,
              totalBytes: stats.total > 0 ? stats.total : null,
              elapsedMs: now() - stats.loading.start,
              firstByteMs:
                stats.loading.first > 0 ? stats.loading.first - stats.loading.start : null,
              bufferSec: bufferSec(),
              playbackRate: video?.playbackRate || 1,
              segmentDurationSec: frag.duration || segmentDurationSec(),
            });
            if (verdict.abandon) {
              this.stopPolling();
              abandon(frag, stats, verdict.switchTo);
            }
          }, PROGRESS_POLL_MS);
        }
      }

      private stopPolling(): void {
        clearInterval(this.poll);
        this.poll = undefined;
      }
    };

  /** The fragment of a request when it is a main (video) media segment, not an init segment. */
  const mainMediaFragment = (context: LoaderContext): Fragment | null => {
    if (!mod || context.type !== mod.LoaderContextType.MEDIA_FRAGMENT) return null;
    const frag = (context as LoaderContext & { frag?: Fragment }).frag;
    if (!frag || frag.sn === "initSegment" || frag.type !== mod.PlaylistLevelType.MAIN) return null;
    return frag;
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
      getEstimate: () => controller.estimateBitsPerSecond(latest?.applianceId ?? undefined),
      getEstimateTTFB: () => latest?.inputs.ttfbMs ?? 100,
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
      const decided = latest ? levelOf(latest.renditionId) : -1;
      forcedLevel = level === decided ? -1 : level;
    }

    /** `hls.bandwidthEstimate = x`: the estimate is the controller's, measured, not set. */
    resetEstimator(_abrEwmaDefaultEstimate?: number): void {}

    clearTimer(): void {}

    destroy(): void {}
  }

  // --- renditions and tracks ---------------------------------------------------------

  function mapLevels(levels: Level[], initial: boolean): void {
    if (!source) return;
    const infos = levels.map(levelInfo);
    if (source.renditions) {
      const ids = matchLevels(infos, source.renditions);
      levels.forEach((level, i) => {
        const id = ids[i];
        if (id) renditionOfLevel.set(level, id);
      });
      const present = new Set(ids);
      const playable = source.renditions.filter((r) => present.has(r.id));
      if (initial && ours && playable.length > 0 && playable.length < source.renditions.length) {
        // hls.js dropped variants (e.g. a codec MSE cannot play): the core must not pick them.
        controller.setRenditions(playable);
      }
      renditions = playable.length > 0 ? playable : [...source.renditions];
    } else {
      // A stream outside our catalog: renditions are hls.js's levels, by position.
      levels.forEach((level, i) => {
        renditionOfLevel.set(level, `level-${i}`);
      });
      // New Level objects for the same ladder (a content-steering pathway switch) keep the
      // renditions and the controller's state; a different ladder starts over.
      if (!initial && levels.length === renditions.length) return;
      renditions = renditionsFromLevels(infos);
      controller.setRenditions(renditions);
      reporter.renditions?.(renditions);
    }
  }

  const tracks = (list: readonly { name: string; lang?: string }[], active: number): TrackInfo[] =>
    list.map((track, i) => ({
      id: String(i),
      language: track.lang ?? "",
      name: track.name,
      active: i === active,
    }));

  // --- errors -----------------------------------------------------------------------

  const failureMessage = (data: ErrorData): string =>
    describeFailure({
      type: data.type,
      details: data.details,
      url: data.url ?? data.context?.url ?? data.frag?.url ?? null,
      status: data.response?.code ?? null,
      reason: data.reason ?? data.error?.message ?? null,
      foreign: source !== null && source.renditions === null,
    });

  const onError = (data: ErrorData, parsed: boolean): void => {
    const m = mod;
    const h = hls;
    if (!m || !h) return;
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

  // --- the adapter --------------------------------------------------------------------

  return {
    name: "hlsjs",

    async load(element, playback) {
      const m = await import("hls.js");
      if (destroyed) throw new Error("the player was closed while hls.js loaded");
      const Hls = m.default;
      if (!Hls.isSupported()) {
        throw new Error("This browser has no Media Source Extensions: it cannot play HLS here.");
      }
      mod = m;
      video = element;
      source = playback;

      const defaults = Hls.DefaultConfig;
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
        capLevelToPlayerSize: !ours,
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
      const instance = new Hls(config);
      hls = instance;

      await new Promise<void>((resolve, reject) => {
        let parsed = false;
        rejectLoad = reject;
        instance.on(Hls.Events.MANIFEST_PARSED, () => {
          parsed = true;
          rejectLoad = null;
          ensureMapped();
          resolve();
        });
        instance.on(Hls.Events.LEVELS_UPDATED, ensureMapped);
        instance.on(Hls.Events.LEVEL_SWITCHED, (_event, data) => {
          const level = instance.levels[data.level];
          const id = level ? renditionOfLevel.get(level) : undefined;
          if (id) reporter.renditionPlaying(id);
        });
        instance.on(Hls.Events.ERROR, (_event, data) => onError(data, parsed));
        instance.loadSource(playback.manifestUrl);
        instance.attachMedia(element);
      });
    },

    renditions: () => [...renditions],

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
      manualId = id;
      if (ours) {
        // The next fragment is decided afresh, with the viewer's choice.
        pending = false;
        return;
      }
      if (!hls) return;
      hls.nextLevel = id === null ? -1 : levelOf(id);
    },

    async destroy() {
      destroyed = true;
      rejectLoad?.(new Error("the player was closed"));
      rejectLoad = null;
      hls?.destroy();
      hls = null;
      video = null;
      mod = null;
      renditionOfLevel.clear();
      knownTitleBases.clear();
    },
  };
}
