/**
 * The shaka-player adapter (DASH). Thin: shaka fetches and buffers; with `abr: "ours"` our
 * `AbrController` picks rendition and appliance through a custom `AbrManager`, and a request
 * filter sends every request of the title to the latest decision's appliance.
 *
 * Decision cadence (shaka asks `chooseVariant` only at start and on track/restriction
 * changes): we also decide once after every completed video media segment — the moment
 * SimpleAbrManager re-checks on its own timer — and call shaka's switch callback when the
 * decided rendition differs from the current variant; a failed request decides again at once
 * so its retry goes to the next appliance.
 */
import type shakaNs from "shaka-player";
import { ORIGIN_ID } from "../../../abr/appliances.ts";
import type { Decision, Rendition, SegmentError } from "../../../abr/types.ts";
import { bufferAheadSec, rangesOf } from "./buffer.ts";
import type { AdapterOptions, EngineAdapter, PlaybackSource, TrackInfo } from "./engine.ts";
import {
  describeShakaError,
  isTitleUri,
  maxUsefulHeight,
  pickVariant,
  renditionIdsByVideo,
  renditionsFromVariants,
  rewriteUri,
  shakaCodecPrefix,
} from "./shaka-map.ts";
import { withSession } from "./url.ts";

type Shaka = typeof shakaNs;
type Player = shakaNs.Player;
type Variant = shakaNs.extern.Variant;
type Request = shakaNs.extern.Request;
type Response = shakaNs.extern.Response;
type RequestContext = shakaNs.extern.RequestContext;
type RequestType = shakaNs.net.NetworkingEngine.RequestType;
type SwitchCallback = shakaNs.extern.AbrManager.SwitchCallback;

/** Used until a video segment tells us its real duration. */
const DEFAULT_SEGMENT_SEC = 2;

/**
 * A dead appliance should cost little: 2 s to get headers, 2 s without a byte, 4 s in all,
 * then the retry (rewritten to the next appliance by the request filter). 4 attempts cover
 * three appliances and the origin.
 */
const RETRY: shakaNs.extern.RetryParameters = {
  maxAttempts: 4,
  baseDelay: 100,
  backoffFactor: 2,
  fuzzFactor: 0.5,
  timeout: 4000,
  connectionTimeout: 2000,
  stallTimeout: 2000,
};

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
  aborted?: boolean;
  headers?: Record<string, string>;
}
interface TrackEvent extends Event {
  newTrack?: shakaNs.extern.Track | null;
}
interface ErrorEvent extends Event {
  detail?: shakaNs.util.Error;
}

/** What the ABR manager needs from the adapter (which owns the controller and the video). */
interface AbrHost {
  /** Decide now (reported and routed); null when the controller cannot decide yet. */
  decide(): Decision | null;
  variantFor(decision: Decision, variants: readonly Variant[], current: Variant | null): Variant;
  onVariants(variants: readonly Variant[]): void;
  onProgress(numBytes: number, request?: Request, context?: RequestContext): void;
  estimateBps(): number;
}

/**
 * shaka's AbrManager, answering with our controller's decisions. Holds no policy: shaka's
 * `abr` configuration (SimpleAbrManager's targets, restrictToElementSize…) is ignored.
 */
class OurAbrManager implements shakaNs.extern.AbrManager {
  private switchCallback: SwitchCallback | null = null;
  private variants: Variant[] = [];
  private current: Variant | null = null;
  enabled = false;
  playbackRate = 1;

  constructor(private readonly host: AbrHost) {}

  init(switchCallback: SwitchCallback): void {
    this.switchCallback = switchCallback;
  }

  stop(): void {
    this.switchCallback = null;
    this.enabled = false;
    this.variants = [];
    this.current = null;
  }

  release(): void {
    this.stop();
  }

  setVariants(variants: Variant[], _isLowLatency: boolean): boolean {
    const same =
      variants.length === this.variants.length && variants.every((v) => this.variants.includes(v));
    if (same) return false;
    this.variants = variants;
    this.host.onVariants(variants);
    return true;
  }

  chooseVariant(_preferFastSwitching?: boolean): Variant {
    const decision = this.host.decide();
    const lowest = [...this.variants].sort((a, b) => a.bandwidth - b.bandwidth)[0];
    const chosen = decision
      ? this.host.variantFor(decision, this.variants, this.current)
      : (this.current ?? lowest);
    // shaka never calls this before setVariants with at least one playable variant.
    this.current = chosen ?? lowest!;
    return this.current;
  }

  enable(): void {
    this.enabled = true;
  }

  disable(): void {
    this.enabled = false;
  }

  /** Called per progress chunk (or once per segment without progress): bytes of this chunk. */
  segmentDownloaded(
    _deltaTimeMs: number,
    numBytes: number,
    _allowSwitch: boolean,
    request?: Request,
    context?: RequestContext,
  ): void {
    if (this.enabled) this.host.onProgress(numBytes, request, context);
  }

  trySuggestStreams(): void {
    this.suggest();
  }

  getBandwidthEstimate(): number {
    return this.host.estimateBps();
  }

  playbackRateChanged(rate: number): void {
    this.playbackRate = rate;
  }

  setMediaElement(_mediaElement: HTMLMediaElement | null): void {
    // The adapter reads its own video element (buffer, size); nothing to keep here.
  }

  setCmsdManager(_cmsdManager: shakaNs.util.CmsdManager | null): void {
    // Appliances are chosen by our steering answer; CMSD hints are not used.
  }

  configure(_config: shakaNs.extern.AbrConfiguration): void {
    // Our tunables live in `AbrConfig`; shaka's abr section does not apply.
  }

  /** Decide now and switch if the decision names another variant. */
  suggest(clearBuffer = false, safeMarginSec?: number): void {
    if (!this.enabled || !this.switchCallback || this.variants.length === 0) return;
    const decision = this.host.decide();
    if (decision) this.switchTo(decision, clearBuffer, safeMarginSec);
  }

  /** Switch to `decision`'s rendition (also used for an abandonment's decision). */
  switchTo(decision: Decision, clearBuffer: boolean, safeMarginSec?: number): void {
    if (!this.switchCallback) return;
    const variant = this.host.variantFor(decision, this.variants, this.current);
    if (variant === this.current) return;
    this.current = variant;
    this.switchCallback(variant, clearBuffer, safeMarginSec);
  }
}

export function createShakaAdapter(options: AdapterOptions): EngineAdapter {
  const { controller, reporter } = options;
  const ours = options.abr === "ours";
  const sessionId = crypto.randomUUID();

  let shaka: Shaka | null = null;
  let player: Player | null = null;
  let video: HTMLVideoElement | null = null;
  let source: PlaybackSource | null = null;
  let abr: OurAbrManager | null = null;
  let renditions: Rendition[] = [];
  /** shaka video stream id → rendition id; grows as shaka offers variants. */
  let byVideo = new Map<number, string>();
  let latest: Decision | null = null;
  let manualId: string | null = null;
  let segmentSec = DEFAULT_SEGMENT_SEC;
  let destroyed = false;

  /** Each request's URIs as shaka built them, so a retry is routed afresh, not re-rewritten. */
  const originals = new WeakMap<Request, string[]>();
  /** Where each request was sent, for measurements and failures. */
  const routes = new WeakMap<Request, { applianceId: string | null }>();
  /** Bytes so far and Content-Length of the video segment downloads in flight. */
  const inFlight = new WeakMap<Request, { loaded: number; total: number | null }>();
  const completed = new WeakSet<Request>();

  const bufferSec = () => (video ? bufferAheadSec(rangesOf(video.buffered), video.currentTime) : 0);
  const playbackRate = () => abr?.playbackRate ?? video?.playbackRate ?? 1;

  function report(decision: Decision): void {
    latest = decision;
    reporter.decision(decision);
  }

  /** The appliance routing uses: ours → our latest decision; engine → the controller's
   * appliance choice alone (shaka picks renditions, we still route). */
  function routeDecision(): Pick<Decision, "applianceId" | "applianceBaseUrl"> | null {
    return ours ? latest : controller.routeAppliance();
  }

  function decide(): Decision | null {
    try {
      const decision = controller.decide({
        bufferSec: bufferSec(),
        playbackRate: playbackRate(),
        segmentDurationSec: segmentSec,
        manualRenditionId: manualId,
        maxHeight: video ? maxUsefulHeight(video.clientHeight, window.devicePixelRatio) : null,
      });
      report(decision);
      return decision;
    } catch {
      // No renditions yet (a foreign stream before its variants are known): shaka's pick stands.
      return null;
    }
  }

  function variantFor(d: Decision, variants: readonly Variant[], current: Variant | null): Variant {
    const rendition = renditions.find((r) => r.id === d.renditionId) ?? null;
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
    for (const [k, v] of renditionIdsByVideo(variants, source?.renditions ?? null)) {
      byVideo.set(k, v);
    }
    if (source?.renditions) return;
    // A foreign stream: our renditions are shaka's video streams (set once the ids change).
    const mapped = renditionsFromVariants(variants);
    const sameIds =
      mapped.length === renditions.length &&
      mapped.every((r) => renditions.some((o) => o.id === r.id));
    if (!sameIds && mapped.length > 0) {
      renditions = mapped;
      controller.setRenditions(mapped);
      reporter.renditions?.(mapped);
    }
  }

  const isVideoMedia = (context?: RequestContext): boolean =>
    context?.stream?.type === "video" &&
    context.type === shaka?.net.NetworkingEngine.AdvancedRequestType.MEDIA_SEGMENT;

  function renditionOf(context?: RequestContext): string | null {
    const stream = context?.stream;
    if (!stream) return null;
    return byVideo.get(stream.id) ?? stream.originalId ?? `variant-${stream.id}`;
  }

  /** Progress of a video segment in flight: may lower the estimate, may abandon it. */
  function onProgress(numBytes: number, request?: Request, context?: RequestContext): void {
    if (!request || !isVideoMedia(context) || completed.has(request)) return;
    // Unrouted (a foreign stream, or before the first decision): it came from the origin.
    const applianceId = routes.get(request)?.applianceId ?? ORIGIN_ID;
    const renditionId = renditionOf(context);
    if (!renditionId) return;
    const state = inFlight.get(request) ?? { loaded: 0, total: null };
    state.loaded += numBytes;
    inFlight.set(request, state);
    const verdict = controller.onProgress({
      applianceId,
      renditionId,
      loadedBytes: state.loaded,
      totalBytes: state.total,
      elapsedMs: Date.now() - (request.requestStartTime ?? Date.now()),
      firstByteMs: request.timeToFirstByte ?? null,
      bufferSec: bufferSec(),
      playbackRate: playbackRate(),
      segmentDurationSec: segmentSec,
    });
    if (!verdict.abandon) return;
    const decision = controller.decisions().at(-1);
    if (decision?.kind !== "abandon") return;
    report(decision);
    // shaka then aborts the request in flight itself if its own check (new segment fits the
    // buffer at our estimate, or is smaller than what is left) agrees; otherwise it finishes.
    abr?.switchTo(decision, false);
  }

  function requestFilter(_type: RequestType, request: Request): void {
    if (!source) return;
    let uris = originals.get(request);
    if (!uris) {
      uris = [...request.uris];
      originals.set(request, uris);
    }
    const ours_ = uris.some((u) => isTitleUri(u, source?.originTitleBase ?? null));
    if (!ours_) return;
    const decision = routeDecision();
    const route = {
      originTitleBase: source.originTitleBase,
      titlePath: source.titlePath,
      applianceBaseUrl: decision?.applianceBaseUrl ?? null,
    };
    // The session rides in the query, not a header: a custom header costs a CORS preflight per
    // segment URL, which would add a round trip to every time-to-first-byte we measure.
    request.uris = uris.map((u) => withSession(rewriteUri(u, route), sessionId));
    routes.set(request, { applianceId: decision?.applianceBaseUrl ? decision.applianceId : null });
  }

  function responseFilter(type: RequestType, response: Response): void {
    // Relative URLs in the manifest must resolve against the origin, not the appliance that
    // served it, so that every later request starts with originTitleBase and is routed.
    if (type !== shaka?.net.NetworkingEngine.RequestType.MANIFEST) return;
    const first = originals.get(response.originalRequest)?.[0];
    if (first && isTitleUri(first, source?.originTitleBase ?? null)) response.uri = first;
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
    if (!request || !response || !isVideoMedia(context)) return;
    completed.add(request);
    inFlight.delete(request);
    const segment = context?.segment;
    const mediaSec = segment ? segment.getEndTime() - segment.getStartTime() : 0;
    if (mediaSec > 0) segmentSec = mediaSec;
    const renditionId = renditionOf(context) ?? "unknown";
    const applianceId = routes.get(request)?.applianceId ?? null;
    const startedAt = request.requestStartTime ?? Date.now();
    const durationMs = response.timeMs ?? Date.now() - startedAt;
    const sizeBytes = response.data.byteLength;
    const ttfbMs = Math.min(request.timeToFirstByte ?? durationMs, durationMs);
    // Measured even when unrouted: a foreign stream's host is its only "appliance".
    controller.onSegmentLoaded({
      applianceId: applianceId ?? ORIGIN_ID,
      renditionId,
      sizeBytes,
      ttfbMs,
      durationMs,
      fromCache: response.fromCache ?? false,
      ...(mediaSec > 0 ? { mediaDurationSec: mediaSec } : {}),
    });
    reporter.segmentLoaded({
      renditionId,
      applianceId,
      url: response.uri,
      sizeBytes,
      ttfbMs,
      durationMs,
    });
    // The decision for the next segment (see the cadence note at the top).
    abr?.suggest();
  }

  function onFailed(event: DownloadEvent): void {
    const { request, error } = event;
    if (!request || !shaka) return;
    const aborted = event.aborted === true;
    // Aborted by shaka itself (seek, switch, unload): not the appliance's fault.
    if (!aborted && error?.code === shaka.util.Error.Code.OPERATION_ABORTED) return;
    const applianceId = routes.get(request)?.applianceId;
    if (!applianceId) return;
    const status = event.httpResponseCode ?? 0;
    const failure: SegmentError = aborted
      ? { applianceId, kind: "timeout" }
      : status > 0
        ? { applianceId, kind: "http", status }
        : { applianceId, kind: "network" };
    controller.onSegmentError(failure);
    const uri = request.uris[request.attempt % Math.max(1, request.uris.length)] ?? "";
    const what = failure.kind === "http" ? `HTTP ${status}` : failure.kind;
    reporter.warning(`${what} from ${applianceId} for ${uri}: retrying elsewhere`);
    // Decide now so shaka's retry (filtered again) goes to the next appliance.
    if (!ours) return;
    if (abr?.enabled) abr.suggest();
    else decide();
  }

  function onError(event: ErrorEvent, s: Shaka): void {
    const error = event.detail;
    if (!error) return;
    const message = describeShakaError(error, s.util.Error.Code, s.util.Error.Category);
    if (error.severity === s.util.Error.Severity.CRITICAL) reporter.fatal(message);
    else reporter.warning(message);
  }

  function onTrack(event: TrackEvent): void {
    const videoId = event.newTrack?.videoId;
    if (videoId === null || videoId === undefined) return;
    const id = byVideo.get(videoId);
    if (id) reporter.renditionPlaying(id);
  }

  function configFor(src: PlaybackSource): Config {
    const config: Config = {
      streaming: { retryParameters: RETRY, maxDisabledTime: 0 },
      manifest: { retryParameters: RETRY },
    };
    if (!ours) return config;
    return {
      ...config,
      abrFactory: () =>
        (abr = new OurAbrManager({
          decide,
          variantFor,
          onVariants,
          onProgress,
          estimateBps: () => controller.estimateBitsPerSecond(latest?.applianceId ?? undefined),
        })),
      abr: { enabled: true },
      // shaka keeps one codec per resolution; make it the one our controller chose.
      ...(src.renditions
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

    async load(element, src) {
      const s = await loadShaka();
      if (destroyed) return;
      if (!s.Player.isBrowserSupported()) {
        throw new Error("this browser cannot play DASH with shaka-player (no Media Source)");
      }
      shaka = s;
      video = element;
      source = src;
      renditions = src.renditions ? [...src.renditions] : [];
      byVideo = new Map();
      const p = new s.Player();
      player = p;
      p.configure(configFor(src));
      const net = p.getNetworkingEngine();
      net?.registerRequestFilter(requestFilter);
      net?.registerResponseFilter(responseFilter);
      p.addEventListener("downloadheadersreceived", (e) => onHeaders(e as DownloadEvent));
      p.addEventListener("downloadcompleted", (e) => onCompleted(e as DownloadEvent));
      p.addEventListener("downloadfailed", (e) => onFailed(e as DownloadEvent));
      p.addEventListener("error", (e) => onError(e as ErrorEvent, s));
      p.addEventListener("adaptation", (e) => onTrack(e as TrackEvent));
      p.addEventListener("variantchanged", (e) => onTrack(e as TrackEvent));
      try {
        await p.attach(element);
        await p.load(src.manifestUrl);
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
      if (!source?.renditions) return [...renditions];
      // Our catalog's renditions that shaka actually offers (its codec choice applied).
      const offered = new Set(byVideo.values());
      const list = renditions.filter((r) => offered.has(r.id));
      return list.length > 0 ? list : [...renditions];
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
      manualId = id;
      if (!player) return;
      // Keep two segments so the switch shows soon without a stall (shaka's advice).
      const safeMargin = 2 * segmentSec;
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

    async destroy() {
      destroyed = true;
      const p = player;
      player = null;
      abr = null;
      if (p) await p.destroy();
    },
  };
}
