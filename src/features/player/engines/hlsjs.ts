/**
 * The hls.js adapter: a thin shim over hls.js's own hooks. With our ABR, its `abrController`
 * slot (`hlsjs-abr.ts`) answers which level to load with our controller's decisions; its
 * loader (`hlsjs-loader.ts`) sends every request of the title where the shared session routes
 * it, measures it and applies abandonments. With the engine's ABR, hls.js decides alone;
 * requests are still routed and measured. What both adapters do lives in `engine-session.ts`;
 * level mapping and messages in `hlsjs-map.ts`. hls.js itself loads only inside `load`.
 */
import type {
  ErrorData,
  Fragment,
  default as Hls,
  HlsConfig,
  Level,
  LoaderContext,
  LoaderStats,
  LoadPolicy,
  RetryConfig,
} from "hls.js";
import type { Decision } from "../../../abr/types.ts";
import { bufferAheadSec, rangesOf } from "./buffer.ts";
import type { AdapterOptions, EngineAdapter, TrackInfo } from "./engine.ts";
import { EngineSession } from "./engine-session.ts";
import { type AbrSlotHooks, abrControllerFor } from "./hlsjs-abr.ts";
import { type LoaderHooks, routingLoader } from "./hlsjs-loader.ts";
import {
  describeFailure,
  type LevelInfo,
  levelIndexFor,
  matchLevels,
  variantsFromLevels,
} from "./hlsjs-map.ts";
import { resumeAfterRecovery } from "./resume.ts";

type HlsModule = typeof import("hls.js");

/**
 * hls.js asks for the next level on every 100 ms tick while idle (buffer full, waiting for a
 * playlist), not only before a fragment: an unused decision is reused until a fragment consumes
 * it, and only re-made when older than this many segment durations.
 */
const DECISION_MAX_AGE_SEGMENTS = 2;
/** Seconds of media hls.js keeps ahead of the playhead at most (its own default minimum). */
const MAX_BUFFER_AHEAD_SEC = 30;
/** First retry delay: a retry goes to another appliance, so waiting 1 s (hls.js) only drains. */
const RETRY_DELAY_MS = 250;
/** A nudge past a frozen playhead: hls.js's gap controller steps 0.1 s. */
const NUDGE_SEC = 0.1;
/** Fragments remembered with their appliance (a minute of 2 s segments, audio and video). */
const MAX_APPENDED_REMEMBERED = 64;

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
  /** Between a media recovery and the next fragment in the buffer: errors then are echoes. */
  let recovering = false;
  /** The appliance that served the last fragment (for errors that name none). */
  let lastServedBy: string | null = null;
  /**
   * The latest fragments in the buffer and who served them: when the decoder fails on what is
   * at the playhead (a media element error, which hls.js does not watch), these are blamed.
   */
  const appended: { start: number; end: number; applianceId: string | null }[] = [];

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

  // --- hls.js's hooks: its loader and its abrController slot -----------------------

  /** The media fragment of a request (video, audio, subtitles), not an init segment. */
  const mediaFragment = (context: LoaderContext): Fragment | null => {
    const frag = (context as LoaderContext & { frag?: Fragment }).frag;
    if (!frag || frag.sn === "initSegment") return null;
    return frag;
  };

  const loaderHooks: LoaderHooks = {
    session: () => session,
    now,
    takeManifest: (context) => {
      if (prefetched === null || context.type !== "manifest") return null;
      const manifest = prefetched;
      prefetched = null;
      return manifest;
    },
    newStats: () => {
      if (!mod) throw new Error("hls.js is not loaded");
      return new mod.LoadStats();
    },
    fragmentStarting: (context, routed) => {
      const frag = mediaFragment(context);
      if (!frag || !mod) return null;
      applianceOfFragment.set(frag, routed.applianceId);
      if (frag.type !== mod.PlaylistLevelType.MAIN) {
        const track = `${frag.type}:${frag.level}`;
        return {
          frag,
          renditionId: track,
          segmentKey: `${track}:${segmentKeyOf(frag)}`,
          forAbr: false,
        };
      }
      // This fragment uses the decision; the next one gets a new decision.
      pending = null;
      forcedLevel = -1;
      const level = hls?.levels[frag.level];
      const renditionId = level ? renditionOfLevel.get(level) : undefined;
      return renditionId === undefined
        ? null
        : { frag, renditionId, segmentKey: segmentKeyOf(frag), forAbr: true };
    },
    bytesArrived: () => {
      lastByteAtMs = now();
    },
    answered: (routed) => {
      lastServedBy = routed.applianceId;
    },
    abandon,
  };

  const abrSlot: AbrSlotHooks = {
    nextLevel,
    forcedLevel: () => forcedLevel,
    // hls.js echoes the level it got from us; anything else (error recovery) is forced once.
    levelSet: (level) => {
      const latest = session?.latest();
      const decided = latest ? levelOf(latest.renditionId) : -1;
      forcedLevel = level === decided ? -1 : level;
    },
    estimateBps: () =>
      controller.estimateBitsPerSecond(session?.latest()?.applianceId ?? undefined),
    ttfbMs: () => session?.latest()?.inputs.ttfbMs ?? 100,
    defaultEstimateBps: () => hls?.config.abrEwmaDefaultEstimate ?? 1e6,
  };

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

  /**
   * Errors that mean a server answered with something unusable (a playlist or segment that
   * does not parse, decode or append), as opposed to no answer (the loader handles those).
   */
  const badAnswer = (m: HlsModule, data: ErrorData): boolean => {
    const d = m.ErrorDetails;
    const bad: string[] = [
      d.BUFFER_APPEND_ERROR,
      d.BUFFER_APPENDING_ERROR,
      d.BUFFER_ADD_CODEC_ERROR,
      d.BUFFER_INCOMPATIBLE_CODECS_ERROR,
      d.FRAG_DECRYPT_ERROR,
      d.INTERNAL_EXCEPTION,
    ];
    // Parsing errors: a playlist or a segment that did not parse (`fragParsingError`, ...).
    return bad.includes(data.details) || /ParsingError$/.test(data.details);
  };

  /** Which appliance served what went wrong: the fragment's, its URL's, else the last one. */
  const blame = (data: ErrorData): string | null => {
    const byFragment = data.frag ? applianceOfFragment.get(data.frag) : undefined;
    if (byFragment !== undefined) return byFragment;
    const url = data.frag?.url ?? data.context?.url ?? data.url;
    return (url ? session?.applianceOfUrl(url) : null) ?? lastServedBy;
  };

  const onError = (data: ErrorData, parsed: boolean): void => {
    const m = mod;
    const h = hls;
    const s = session;
    if (!m || !h || !s) return;
    if (badAnswer(m, data) && !recovering) {
      // What an appliance served could not be used: its penalty box, like a failed request.
      s.mediaFailed(blame(data), data.details);
    }
    if (!data.fatal) {
      if (data.type === m.ErrorTypes.NETWORK_ERROR) {
        reporter.warning(`${failureMessage(data)} hls.js retries.`);
      }
      return;
    }
    const message = failureMessage(data);
    if (!parsed && rejectLoad) {
      rejectLoad(new Error(message));
      return;
    }
    if (data.type === m.ErrorTypes.KEY_SYSTEM_ERROR || !s.mayRecover()) {
      reporter.fatal(message);
      return;
    }
    // Fetched again from the next source: the one that failed is in the penalty box.
    reporter.warning(`${data.details}: recovering from the next source.`);
    if (data.type === m.ErrorTypes.NETWORK_ERROR) {
      h.startLoad(video?.currentTime ?? -1);
      return;
    }
    recoverMedia(h);
  };

  /** A new media source, the buffer fetched again from the playhead (from the next source). */
  const recoverMedia = (h: Hls): void => {
    recovering = true;
    if (video) resumeAfterRecovery(video, options.viewerPaused());
    h.recoverMediaError();
  };

  /**
   * The media element failed (a segment that appended but would not decode): hls.js does not
   * notice, and the element is dead until its media source is rebuilt. Left alone, playback
   * stood still with the status "playing".
   */
  const onElementError = (): void => {
    const v = video;
    const h = hls;
    const s = session;
    if (!v?.error || !h || !s || recovering) return;
    const at = v.currentTime;
    const culprits = new Set(
      appended.filter((f) => f.start <= at + 0.5 && f.end >= at).map((f) => f.applianceId),
    );
    if (culprits.size === 0) culprits.add(lastServedBy);
    const detail = `the media element failed to decode (${v.error.message || `code ${v.error.code}`})`;
    for (const id of culprits) s.mediaFailed(id, detail);
    if (!s.mayRecover()) {
      reporter.fatal(`Playback failed: ${detail}. Retry, or try the other engine.`);
      return;
    }
    reporter.warning(`${detail}: recovering from the next source.`);
    recoverMedia(h);
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

    version: () => mod?.default.version ?? null,

    async load(element, playback, startAtSec) {
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
        sessionId: options.sessionId,
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
        loader: routingLoader(defaults.loader, loaderHooks),
        // -1: hls.js's own choice (the start of VOD, the live edge).
        startPosition: startAtSec ?? -1,
        // hls.js buffers past its 30 s up to 60 MB (at most 600 s): a whole title of minutes
        // on a fast link, and a throttle in the network lab would then change nothing on
        // screen for minutes. 30 s ahead at most, as shaka keeps its 10 s goal.
        maxBufferLength: MAX_BUFFER_AHEAD_SEC,
        maxMaxBufferLength: MAX_BUFFER_AHEAD_SEC,
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
              abrController: abrControllerFor(abrSlot),
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
        instance.on(HlsClass.Events.FRAG_BUFFERED, (_event, { frag }) => {
          recovering = false;
          appended.push({
            start: frag.start,
            end: frag.end,
            applianceId: applianceOfFragment.get(frag) ?? null,
          });
          if (appended.length > MAX_APPENDED_REMEMBERED) appended.shift();
        });
        element.addEventListener("error", onElementError);
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
      // Load again from the playhead; a download that went quiet sends its appliance to the
      // penalty box, so the reload goes elsewhere.
      session?.requestFailed(session.quietDownload(), { kind: "stalled" });
      pending = null;
      h.stopLoad();
      h.startLoad(v.currentTime);
    },

    async destroy() {
      destroyed = true;
      rejectLoad?.(new Error("the player was closed"));
      rejectLoad = null;
      video?.removeEventListener("error", onElementError);
      hls?.destroy();
      hls = null;
      video = null;
      mod = null;
      session = null;
      renditionOfLevel.clear();
    },
  };
}
