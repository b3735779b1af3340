/**
 * The shaka-player adapter (DASH): a thin shim over shaka's own hooks. shaka fetches and
 * buffers; with `abr: "ours"` our controller picks rendition and appliance through its
 * `abrFactory` slot (`shaka-abr-manager.ts`), and its networking engine's request filter sends
 * every request of the title where the shared session routes it. What both adapters do lives in `engine-session.ts`; variant mapping and
 * messages in `shaka-map.ts`.
 *
 * Decision cadence (shaka asks `chooseVariant` only at start and on track/restriction
 * changes): we also decide once after every video media segment is appended, and call shaka's
 * switch callback when the decided rendition differs from the current variant; a failed
 * request decides again at once so its retry goes to the next appliance.
 */
import type shakaNs from "shaka-player";
import type { Decision } from "../../../abr/types.ts";
import { manifestKind } from "../play-item.ts";
import { bufferAheadSec, rangesOf } from "./buffer.ts";
import type { AdapterOptions, EngineAdapter, PlaybackSource, TrackInfo } from "./engine.ts";
import { EngineSession, FIRST_BYTE_TIMEOUT_MS, STALL_TIMEOUT_MS } from "./engine-session.ts";
import { declaredDashScores } from "./foreign-ladder.ts";
import { resumeAfterRecovery } from "./resume.ts";
import { OurAbrManager } from "./shaka-abr-manager.ts";
import {
  describeShakaError,
  pickVariant,
  renditionIdsByVideo,
  shakaCodecPrefix,
  variantsFromShaka,
} from "./shaka-map.ts";

type Shaka = typeof shakaNs;
type Player = shakaNs.Player;
type Variant = shakaNs.extern.Variant;
type Request = shakaNs.extern.Request;
type Response = shakaNs.extern.Response;
type RequestContext = shakaNs.extern.RequestContext;
type RequestType = shakaNs.net.NetworkingEngine.RequestType;

/**
 * An appliance that stops answering costs `FIRST_BYTE_TIMEOUT_MS` without headers or
 * `STALL_TIMEOUT_MS` without a byte, then the retry (rewritten to the next appliance by the
 * request filter); one that refuses connections costs nothing. No limit on the whole request:
 * a slow download that keeps coming is the ABR's to judge (abandonment), not a failure. (A 4 s
 * limit on the whole request failed segment after segment on links below 0.3 Mbit/s, each
 * time boxing an appliance that was only slow; the appliances send headers at once, so the
 * headers' limit measures the server, not the link.) 4 attempts cover three appliances and
 * the origin.
 */
const RETRY: shakaNs.extern.RetryParameters = {
  maxAttempts: 4,
  baseDelay: 100,
  backoffFactor: 2,
  fuzzFactor: 0.5,
  timeout: 0,
  connectionTimeout: FIRST_BYTE_TIMEOUT_MS,
  stallTimeout: STALL_TIMEOUT_MS,
};
/** A stream from elsewhere has one host: waiting for it is better than retrying it (shaka's
 * own 10 s for the headers). */
const FOREIGN_RETRY: shakaNs.extern.RetryParameters = { ...RETRY, connectionTimeout: 10_000 };
/** A nudge past a frozen playhead (hls.js's gap controller steps 0.1 s). */
const NUDGE_SEC = 0.1;

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? DeepPartial<T[K]> : T[K] };
type Config = DeepPartial<shakaNs.extern.PlayerConfiguration>;

let polyfilled = false;

/** shaka's compiled build is CommonJS: the bundler puts `module.exports` on `default`. */
async function loadShaka(): Promise<Shaka> {
  const mod = await import("shaka-player");
  // Some CJS interop hands back the exports object itself rather than under `default`.
  const shaka = (mod.default ?? mod) as Shaka;
  if (!polyfilled) {
    shaka.polyfill.installAll();
    polyfilled = true;
  }
  return shaka;
}

/** The fields shaka's FakeEvent copies from its data map onto the event (not in the d.ts). */
interface DownloadEvent extends Event {
  requestType?: RequestType;
  request?: Request;
  context?: RequestContext;
  response?: Response;
  error?: shakaNs.util.Error | null;
  httpResponseCode?: number;
  /** True when shaka's own timer gave the request up (its timeouts). */
  aborted?: boolean;
  headers?: Record<string, string>;
}
interface TrackEvent extends Event {
  newTrack?: shakaNs.extern.Track | null;
}
interface ErrorEvent extends Event {
  detail?: shakaNs.util.Error;
}

export function createShakaAdapter(options: AdapterOptions): EngineAdapter {
  const { controller, reporter, media } = options;
  const ours = options.abr === "ours";
  const now = () => performance.now();

  let shaka: Shaka | null = null;
  let player: Player | null = null;
  let video: HTMLVideoElement | null = null;
  let session: EngineSession | null = null;
  let abr: OurAbrManager | null = null;
  let destroyed = false;
  let capToPlayerSize = options.capToPlayerSize;
  /** The manifest the page already fetched: answered once as a data: URI. */
  let prefetched = options.manifest ?? null;
  /** Scores the MPD declares per Representation id (our encoder writes them). */
  const declared = declaredDashScores(prefetched?.text ?? "");
  /** shaka video stream id → rendition id; grows as shaka offers variants. */
  const byVideo = new Map<number, string>();
  /** The URI each request was first sent to (the manifest's, for resolving relative URLs). */
  const firstUri = new WeakMap<Request, string>();
  /** Where each request was routed. */
  const routes = new WeakMap<Request, string | null>();
  /** Bytes so far and Content-Length of the video segment downloads in flight. */
  const inFlight = new WeakMap<Request, { loaded: number; total: number | null }>();
  const completed = new WeakSet<Request>();
  let lastByteAtMs: number | null = null;
  /** The appliance that served the last media segment (a decode error names no URI). */
  let lastServedBy: string | null = null;
  /** Between a recovery's reload and its end: errors then are echoes. */
  let recovering = false;
  /** What is playing, and where it last played (a recovery loads it again there: a rebuilt
   * media source puts the element back at 0). */
  let source: PlaybackSource | null = null;
  let lastKnownTime = 0;

  const decide = (): Decision | null => session?.decide() ?? null;

  function variantFor(d: Decision, variants: readonly Variant[], current: Variant | null): Variant {
    const rendition = session?.ladder().find((r) => r.id === d.renditionId) ?? null;
    const picked = pickVariant(
      variants,
      d.renditionId,
      byVideo,
      rendition?.peakBitrateBps ?? null,
      current?.audio?.id ?? null,
    );
    return picked ?? current ?? variants[0]!;
  }

  function onVariants(variants: readonly Variant[]): void {
    const s = session;
    if (!s) return;
    for (const [k, v] of renditionIdsByVideo(variants, s.foreign ? null : s.ladder())) {
      byVideo.set(k, v);
    }
    if (s.foreign) s.foreignVariants(variantsFromShaka(variants, declared));
  }

  const isVideoMedia = (context?: RequestContext): boolean =>
    context?.stream?.type === "video" &&
    context.type === shaka?.net.NetworkingEngine.AdvancedRequestType.MEDIA_SEGMENT;

  function renditionOf(context?: RequestContext): string | null {
    const stream = context?.stream;
    if (!stream) return null;
    return byVideo.get(stream.id) ?? stream.originalId ?? `variant-${stream.id}`;
  }

  const segmentKeyOf = (context?: RequestContext): string | null => {
    const start = context?.segment?.getStartTime();
    return start === undefined ? null : start.toFixed(1);
  };

  const mediaSecOf = (context?: RequestContext): number => {
    const segment = context?.segment;
    return segment ? segment.getEndTime() - segment.getStartTime() : 0;
  };

  /** Progress of a video segment in flight: may lower the estimate, may abandon it. */
  function onProgress(numBytes: number, request?: Request, context?: RequestContext): void {
    const s = session;
    const key = segmentKeyOf(context);
    const renditionId = renditionOf(context);
    if (!s || !request || !isVideoMedia(context) || completed.has(request)) return;
    if (key === null || renditionId === null) return;
    const state = inFlight.get(request) ?? { loaded: 0, total: null };
    state.loaded += numBytes;
    inFlight.set(request, state);
    if (numBytes > 0) lastByteAtMs = now();
    const mediaSec = mediaSecOf(context);
    const verdict = s.progress({
      renditionId,
      applianceId: routes.get(request) ?? null,
      segmentKey: key,
      loadedBytes: state.loaded,
      totalBytes: state.total,
      elapsedMs: Date.now() - (request.requestStartTime ?? Date.now()),
      firstByteMs: request.timeToFirstByte ?? null,
      ...(mediaSec > 0 ? { mediaSec } : {}),
    });
    // A stalled download is given up by shaka's own stallTimeout (the same 4 s).
    if (!verdict.abandon) return;
    const decision = s.latest();
    // shaka then aborts the request in flight itself if its own check (new segment fits the
    // buffer at our estimate, or is smaller than what is left) agrees; otherwise it finishes.
    if (decision?.kind === "abandon") abr?.switchTo(decision, false);
  }

  function requestFilter(type: RequestType, request: Request): void {
    const s = session;
    if (!s || !shaka) return;
    const manifest = type === shaka.net.NetworkingEngine.RequestType.MANIFEST;
    if (!firstUri.has(request)) firstUri.set(request, request.uris[0] ?? "");
    if (manifest && prefetched !== null) {
      // The page fetched the manifest already: answer from it, no second fetch. Relative
      // URIs resolve where it came from (the response filter puts that back).
      firstUri.set(request, prefetched.url);
      request.uris = [`data:application/dash+xml,${encodeURIComponent(prefetched.text)}`];
      prefetched = null;
      return;
    }
    let applianceId: string | null = null;
    request.uris = request.uris.map((uri) => {
      const routed = s.route(uri);
      applianceId ??= routed.applianceId;
      return routed.url;
    });
    routes.set(request, applianceId);
  }

  function responseFilter(type: RequestType, response: Response): void {
    // Relative URLs in the manifest must resolve against where it was first asked for (the
    // origin, not an appliance or a data: URI), so every later request is routed afresh.
    if (type !== shaka?.net.NetworkingEngine.RequestType.MANIFEST) return;
    const first = firstUri.get(response.originalRequest);
    if (first) response.uri = first;
  }

  function onHeaders(event: DownloadEvent): void {
    const { request, headers } = event;
    const state = request ? inFlight.get(request) : undefined;
    const length = Number(headers?.["content-length"]);
    if (request && Number.isFinite(length) && length > 0) {
      inFlight.set(request, { loaded: state?.loaded ?? 0, total: length });
    }
  }

  function onCompleted(event: DownloadEvent): void {
    const { request, response, context } = event;
    // Any track's segment: the last appliance to serve media is the one to blame for a bad one.
    if (request && context?.segment) lastServedBy = routes.get(request) ?? null;
    if (!request || !response || !isVideoMedia(context) || !session) return;
    completed.add(request);
    inFlight.delete(request);
    lastByteAtMs = now();
    const key = segmentKeyOf(context);
    if (key !== null) session.downloadEnded(key);
    const startedAt = request.requestStartTime ?? Date.now();
    const durationMs = response.timeMs ?? Date.now() - startedAt;
    const mediaSec = mediaSecOf(context);
    session.segmentLoaded({
      renditionId: renditionOf(context) ?? "unknown",
      applianceId: routes.get(request) ?? null,
      url: response.uri,
      sizeBytes: response.data.byteLength,
      ttfbMs: Math.min(request.timeToFirstByte ?? durationMs, durationMs),
      durationMs,
      fromCache: response.fromCache ?? false,
      cacheStatus: response.headers?.["x-cache"] ?? null,
      ...(mediaSec > 0 ? { mediaSec } : {}),
    });
  }

  /** A video segment is in the buffer: the moment to decide the next one (see the cadence
   * note at the top). Deciding at its download instead switched before the append, and shaka
   * fetched the same segment again from the new stream. */
  function onAppended(event: Event): void {
    if ((event as Event & { contentType?: string }).contentType === "video") abr?.suggest();
  }

  function onFailed(event: DownloadEvent): void {
    const { request, error, context } = event;
    if (!request || !shaka || !session) return;
    const key = segmentKeyOf(context);
    if (key !== null) session.downloadEnded(key);
    const timedOut = event.aborted === true;
    // Aborted by shaka itself (seek, switch, abandonment, unload): not the appliance's fault.
    if (!timedOut && error?.code === shaka.util.Error.Code.OPERATION_ABORTED) return;
    const status = event.httpResponseCode ?? 0;
    const uri = request.uris[request.attempt % Math.max(1, request.uris.length)] ?? "";
    session.requestFailed(
      routes.get(request) ?? null,
      timedOut ? { kind: "timeout" } : status > 0 ? { kind: "http", status } : { kind: "network" },
      uri,
    );
    // Decide now so shaka's retry (filtered again) goes to the next appliance.
    if (!ours) return;
    if (abr?.enabled) abr.suggest();
    else decide();
  }

  function onError(event: ErrorEvent, s: Shaka): void {
    const error = event.detail;
    if (!error || !session) return;
    const message = describeShakaError(error, s.util.Error.Code, s.util.Error.Category);
    // Errors while a recovery reloads are echoes of the one being recovered from.
    if (recovering) return;
    if (error.category === s.util.Error.Category.MEDIA) {
      // What the last appliance served could not be decoded or appended: its penalty box.
      session.mediaFailed(lastServedBy, message);
      if (video) resumeAfterRecovery(video, options.viewerPaused());
    }
    if (error.severity !== s.util.Error.Severity.CRITICAL) {
      reporter.warning(message);
      return;
    }
    if (!session.mayRecover()) {
      reporter.fatal(message);
      return;
    }
    reporter.warning(`${message}: recovering from the next source.`);
    void recover(s, error.category === s.util.Error.Category.NETWORK);
  }

  /**
   * Gets shaka going again after a critical error, from the next source: a network failure by
   * retrying the streaming (its requests are routed afresh), anything else (a media source
   * that broke on a bad segment) by loading the stream again where it was.
   */
  async function recover(s: Shaka, network: boolean): Promise<void> {
    const p = player;
    const v = video;
    const src = source;
    if (!p || !v || !src) return;
    if (network && p.retryStreaming()) return;
    recovering = true;
    resumeAfterRecovery(v, options.viewerPaused());
    // The manifest of a VOD stream does not change: loaded again from memory, not from an
    // appliance that may be the one serving garbage.
    prefetched = options.manifest ?? null;
    try {
      await p.load(src.manifestUrl, lastKnownTime);
    } catch (error) {
      if (destroyed) return;
      const e = error as Partial<shakaNs.util.Error>;
      const message =
        typeof e.code === "number"
          ? describeShakaError(
              { severity: e.severity ?? 2, category: e.category ?? 0, code: e.code },
              s.util.Error.Code,
              s.util.Error.Category,
            )
          : String(error);
      reporter.fatal(`Could not recover: ${message}`);
    } finally {
      recovering = false;
    }
  }

  function onTrack(event: TrackEvent): void {
    const videoId = event.newTrack?.videoId;
    if (videoId === null || videoId === undefined) return;
    const id = byVideo.get(videoId);
    if (id) reporter.renditionPlaying(id);
  }

  function configFor(): Config {
    const retryParameters = session && !session.routed ? FOREIGN_RETRY : RETRY;
    const config: Config = {
      streaming: { retryParameters, maxDisabledTime: 0 },
      manifest: { retryParameters },
    };
    if (!ours) return { ...config, abr: { enabled: true, restrictToElementSize: capToPlayerSize } };
    return {
      ...config,
      abrFactory: () =>
        (abr = new OurAbrManager({
          decide,
          variantFor,
          onVariants,
          onProgress,
          estimateBps: () =>
            controller.estimateBitsPerSecond(session?.latest()?.applianceId ?? undefined),
        })),
      abr: { enabled: true },
      // shaka keeps one codec per resolution; make it the one our controller chose.
      ...(session && !session.foreign
        ? {
            preferredVideo: [
              {
                codec: shakaCodecPrefix(controller.codec().codec),
                hdrLevel: "",
                label: "",
                language: "",
                layout: "",
                role: "",
              },
            ],
          }
        : {}),
    };
  }

  return {
    name: "shaka",

    version: () => shaka?.Player.version ?? null,

    async load(element, src, startAtSec) {
      const s = await loadShaka();
      if (destroyed) return;
      if (!s.Player.isBrowserSupported()) {
        throw new Error("this browser cannot play DASH with shaka-player (no Media Source)");
      }
      shaka = s;
      video = element;
      source = src;
      session = new EngineSession({
        controller,
        reporter,
        source: src,
        media,
        ours,
        sessionId: options.sessionId,
        capToPlayerSize,
        now,
      });
      const p = new s.Player();
      player = p;
      p.configure(configFor());
      const net = p.getNetworkingEngine();
      net?.registerRequestFilter(requestFilter);
      net?.registerResponseFilter(responseFilter);
      p.addEventListener("downloadheadersreceived", (e) => onHeaders(e as DownloadEvent));
      p.addEventListener("downloadcompleted", (e) => onCompleted(e as DownloadEvent));
      p.addEventListener("downloadfailed", (e) => onFailed(e as DownloadEvent));
      p.addEventListener("segmentappended", onAppended);
      element.addEventListener("timeupdate", () => {
        if (!element.seeking && element.currentTime > 0) lastKnownTime = element.currentTime;
      });
      // shaka rebuilds its media source itself after a segment that would not decode or append
      // (and says nothing else): the appliance that served it goes to the penalty box, and the
      // stream is loaded again where it was (after shaka's own rebuild it sat with no data at
      // its old position, paused, for as long as nobody intervened: 5-7 s of stall each time).
      p.addEventListener("mediasourcerecovered", () => {
        if (recovering) return;
        session?.mediaFailed(lastServedBy, "shaka rebuilt its media source");
        void recover(s, false);
      });
      p.addEventListener("error", (e) => onError(e as ErrorEvent, s));
      p.addEventListener("adaptation", (e) => onTrack(e as TrackEvent));
      p.addEventListener("variantchanged", (e) => onTrack(e as TrackEvent));
      try {
        await p.attach(element);
        // The type, when the page knows it, spares shaka a HEAD request to find it out.
        const kind = prefetched ? manifestKind(prefetched.text) : null;
        const mime =
          kind === "dash"
            ? "application/dash+xml"
            : kind === "hls"
              ? "application/x-mpegurl"
              : undefined;
        await p.load(src.manifestUrl, startAtSec, mime);
      } catch (error) {
        if (destroyed) return;
        const e = error as Partial<shakaNs.util.Error> & { message?: string };
        throw new Error(
          typeof e.code === "number"
            ? describeShakaError(
                { severity: e.severity, category: e.category, code: e.code, data: e.data },
                s.util.Error.Code,
                s.util.Error.Category,
              )
            : (e.message ?? String(error)),
        );
      }
      // Also covers engine mode, where our manager never sees the variants.
      onVariants(p.getManifest()?.variants ?? []);
      // shaka announces later switches ("adaptation", "variantchanged") but not its first pick.
      const first = p.getVariantTracks().find((t) => t.active)?.videoId;
      const firstId = first == null ? undefined : byVideo.get(first);
      if (firstId) reporter.renditionPlaying(firstId);
    },

    renditions() {
      const s = session;
      if (!s) return [];
      if (s.foreign) return s.ladder();
      // Our catalog's renditions that shaka actually offers (its codec choice applied).
      const offered = new Set(byVideo.values());
      const list = s.ladder().filter((r) => offered.has(r.id));
      return list.length > 0 ? list : s.ladder();
    },

    audioTracks(): TrackInfo[] {
      const seen = new Map<string, TrackInfo>();
      for (const t of player?.getAudioTracks() ?? []) {
        const prior = seen.get(t.language);
        if (prior) prior.active ||= t.active;
        else
          seen.set(t.language, {
            id: t.language,
            language: t.language,
            name: t.label || t.language,
            active: t.active,
          });
      }
      return [...seen.values()];
    },

    subtitleTracks(): TrackInfo[] {
      return (player?.getTextTracks() ?? []).map((t) => ({
        id: String(t.id),
        language: t.language,
        name: t.label || t.language,
        active: t.active,
      }));
    },

    setAudioTrack(id) {
      const track = player?.getAudioTracks().find((t) => t.language === id);
      // shaka 5 has no selectAudioLanguage: select the track; it clears only the audio buffer.
      if (track) player?.selectAudioTrack(track);
    },

    setSubtitleTrack(id) {
      if (!player) return;
      // shaka 5 has no setTextTrackVisibility: a selected text track is shown, null unloads it.
      if (id === null) {
        player.selectTextTrack(null);
        return;
      }
      const track = player.getTextTracks().find((t) => String(t.id) === id);
      if (track) player.selectTextTrack(track);
    },

    setManualRendition(id) {
      session?.setManualRendition(id);
      if (!player) return;
      // Keep two segments so the switch shows soon without a stall (shaka's advice).
      const safeMargin = 2 * (session?.segmentDurationSec ?? 2);
      if (ours) {
        abr?.suggest(id !== null, safeMargin);
        return;
      }
      if (id === null) {
        player.configure({ abr: { enabled: true } } satisfies Config);
        return;
      }
      const track = player
        .getVariantTracks()
        .filter((t) => t.videoId !== null && byVideo.get(t.videoId) === id)
        .sort((a, b) => Number(b.active) - Number(a.active))[0];
      if (!track) return;
      player.configure({ abr: { enabled: false } } satisfies Config);
      player.selectVariantTrack(track, true, safeMargin);
    },

    setCapToPlayerSize(on) {
      capToPlayerSize = on;
      session?.setCapToPlayerSize(on);
      if (ours) abr?.suggest();
      else player?.configure({ abr: { restrictToElementSize: on } } satisfies Config);
    },

    pictureChanged() {
      abr?.suggest();
    },

    lastByteAtMs: () => lastByteAtMs,

    recover(step) {
      const v = video;
      if (!v) return;
      if (step === "nudge") {
        const ahead = bufferAheadSec(rangesOf(v.buffered), v.currentTime);
        const next = rangesOf(v.buffered).find((r) => r.start > v.currentTime);
        v.currentTime = ahead > 0 || !next ? v.currentTime + NUDGE_SEC : next.start + 0.01;
        return;
      }
      // Elsewhere: the appliance in use goes to the penalty box, and the stream is loaded again
      // where the viewer was (a seek did not get shaka going once its media source had been
      // rebuilt; a load always does).
      session?.requestFailed(session.quietDownload(), { kind: "stalled" });
      if (shaka && !recovering) void recover(shaka, false);
    },

    async destroy() {
      destroyed = true;
      const p = player;
      player = null;
      abr = null;
      session = null;
      if (p) await p.destroy();
    },
  };
}
