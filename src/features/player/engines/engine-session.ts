/**
 * What both engine adapters share, once, engine-free: the ladder in the core's terms, each
 * decision with what the player looks like now (buffer, speed, picture size, the viewer's
 * choices), where each request goes, how a measured segment and a download in flight reach the
 * controller and the store, and how failures reach the penalty box. The adapters (`hlsjs.ts`,
 * `shaka.ts`) only translate their engine's hooks into these calls and the answers back into
 * their engine's terms, so one stream gets one decision in either engine.
 *
 * No engine, no DOM: the player is seen through `MediaView`, time through the injected clock,
 * so all of it runs under vitest with fakes.
 */
import { ORIGIN_ID } from "../../../abr/appliances.ts";
import type { AbrController } from "../../../abr/controller.ts";
import type {
  Decision,
  ProgressReport,
  ProgressVerdict,
  Rendition,
  SegmentError,
} from "../../../abr/types.ts";
import type { EngineReporter, PlaybackSource, SegmentStats } from "./engine.ts";
import { type ForeignVariant, foreignRenditions } from "./foreign-ladder.ts";
import { withoutSession, withSession } from "./url.ts";

/** The player as the session sees it, read at each decision. */
export interface MediaView {
  /** Seconds buffered ahead of the playhead. */
  bufferSec(): number;
  playbackRate(): number;
  /** The picture's height on screen in device pixels (letterboxed to `aspect` when the video's
   * own is not known yet); null before layout. */
  pictureHeight(aspect: number | null): number | null;
}

export interface EngineSessionOptions {
  controller: AbrController;
  reporter: EngineReporter;
  source: PlaybackSource;
  media: MediaView;
  /** Our controller picks renditions; false: the engine's own ABR does, and we only route. */
  ours: boolean;
  /** Rides on every request to our network (per-session shaping on the appliances). */
  sessionId: string;
  /** Cap renditions to the picture's size (on by default, like a viewer expects). */
  capToPlayerSize?: boolean;
  now: () => number;
}

/** Segment length assumed until the stream says: our catalog's 2 s, else HLS's usual 6 s. */
const CATALOG_SEGMENT_SEC = 2;
const FOREIGN_SEGMENT_SEC = 6;
/**
 * A download that has had no new byte for this long is stalled: the appliance stopped sending
 * without closing. It is given up and retried elsewhere (shaka's `stallTimeout` does the same;
 * hls.js would wait up to its 120 s load timeout). 4 s: two of our segments, well past any
 * pause a shaped link makes (its bursts are 100 ms apart).
 */
export const STALL_TIMEOUT_MS = 4_000;
/**
 * With little buffer, an appliance of ours gets less: silence for what the buffer holds beyond
 * one segment (the refetch's time), but at least this (a busy page delays progress events).
 * At 4 s, a stall fault with 3 s of buffer stalled playback 2.5 s.
 */
const MIN_STALL_TIMEOUT_MS = 1_500;
/** The least time an appliance of ours is given to begin answering (else a segment's time). */
export const FIRST_BYTE_TIMEOUT_MS = 2_000;

/** A download this long without a byte is what froze playback (the freeze watchdog's 2 s). */
const QUIET_DOWNLOAD_MS = 2_000;

/** Where a request goes. */
export interface RoutedRequest {
  url: string;
  /** The appliance it goes to; null when it is not routed (a foreign stream, or no decision). */
  applianceId: string | null;
}

/** A completed media segment, as the engine measured it: what the store shows, and more. */
export interface MeasuredSegment extends SegmentStats {
  /** Media seconds in the segment, when known. */
  mediaSec?: number;
  fromCache?: boolean;
}

/** A media segment download in flight. */
export interface InFlight {
  renditionId: string;
  applianceId: string | null;
  /** The segment's number or start time: abandoned at most once (see `ProgressReport`). */
  segmentKey: string | number;
  loadedBytes: number;
  totalBytes: number | null;
  /** Since the request was sent; and when its first byte came (null: not yet). */
  elapsedMs: number;
  firstByteMs: number | null;
  mediaSec?: number;
  /** Watched for stalls only, never reported to the ABR (audio, subtitles). */
  watchOnly?: true;
}

/** What to do with a download in flight: keep it, abandon it for a lower rendition, or give
 * it up as stalled (retry elsewhere). */
export type InFlightVerdict = ProgressVerdict | { abandon: false; stalled: true };

export class EngineSession {
  private readonly controller: AbrController;
  private readonly reporter: EngineReporter;
  private readonly source: PlaybackSource;
  private readonly media: MediaView;
  private readonly ours: boolean;
  private readonly sessionId: string;
  private readonly now: () => number;

  private renditions: Rendition[];
  private manualId: string | null = null;
  private capToPlayerSize: boolean;
  private segmentSec: number;
  private latestDecision: Decision | null = null;
  /** Appliances that failed since the latest decision: routing must not follow it there. */
  private readonly failedSinceDecision = new Set<string>();
  /** Title bases requests have used (the origin's, and each appliance's): all are rewritten
   * alike, as a media playlist fetched from one appliance resolves its segments there. */
  private readonly knownTitleBases = new Set<string>();
  /** Per download in flight: bytes seen, when the count last grew, and from where. */
  private readonly lastProgress = new Map<
    string | number,
    { bytes: number; atMs: number; applianceId: string | null }
  >();
  /** Which appliance each title base is on (to blame a bad answer on its server). */
  private readonly applianceOfBase = new Map<string, string>();
  /** When the origin, the last resort, last failed (null: not since it last answered well). */
  private originFailedAtMs: number | null = null;
  /** Recoveries from fatal engine errors lately (a foreign stream has nowhere else to go). */
  private recoveries: number[] = [];

  constructor(options: EngineSessionOptions) {
    this.controller = options.controller;
    this.reporter = options.reporter;
    this.source = options.source;
    this.media = options.media;
    this.ours = options.ours;
    this.sessionId = options.sessionId;
    this.now = options.now;
    this.capToPlayerSize = options.capToPlayerSize ?? true;
    this.renditions = options.source.renditions ? [...options.source.renditions] : [];
    this.segmentSec = options.source.renditions ? CATALOG_SEGMENT_SEC : FOREIGN_SEGMENT_SEC;
    if (options.source.originTitleBase) this.knownTitleBases.add(options.source.originTitleBase);
  }

  // --- the ladder ----------------------------------------------------------------------

  /** The ladder comes from the engine's manifest (a stream from outside the catalog). */
  get foreign(): boolean {
    return this.source.renditions === null;
  }

  /** Requests are routed among the appliances (a title, or a foreign stream through the
   * network's proxy); false for a foreign stream played straight from its host. */
  get routed(): boolean {
    return this.source.originTitleBase !== null;
  }

  ladder(): Rendition[] {
    return [...this.renditions];
  }

  /**
   * Our catalog's renditions that the engine actually offers (it drops what the browser
   * cannot play): the controller must not pick the others.
   */
  offeredCatalogRenditions(ids: ReadonlySet<string>): void {
    const all = this.source.renditions;
    if (!all) return;
    const offered = all.filter((r) => ids.has(r.id));
    if (offered.length === 0 || offered.length === this.renditions.length) return;
    this.renditions = offered;
    if (this.ours) this.controller.setRenditions(offered);
  }

  /**
   * A foreign stream's variants (again when the engine's list changes). The same ids for the
   * same ladder keep the controller's state (a content-steering pathway switch makes new
   * objects for the same variants); a different ladder starts over. Returns whether it changed.
   */
  foreignVariants(variants: readonly ForeignVariant[]): boolean {
    if (!this.foreign || variants.length === 0) return false;
    const same =
      variants.length === this.renditions.length &&
      variants.every((v) => this.renditions.some((r) => r.id === v.id));
    if (same) return false;
    this.renditions = foreignRenditions(variants);
    this.controller.setRenditions(this.renditions);
    this.reporter.renditions?.(this.ladder());
    return true;
  }

  // --- the viewer's settings -----------------------------------------------------------

  setManualRendition(id: string | null): void {
    this.manualId = id;
  }

  get manualRenditionId(): string | null {
    return this.manualId;
  }

  setCapToPlayerSize(on: boolean): void {
    this.capToPlayerSize = on;
  }

  /** The length of the stream's segments, once the engine knows it. */
  setSegmentDuration(sec: number): void {
    if (sec > 0 && Number.isFinite(sec)) this.segmentSec = sec;
  }

  get segmentDurationSec(): number {
    return this.segmentSec;
  }

  // --- decisions -----------------------------------------------------------------------

  /** The picture's height in device pixels when the cap is on and the page is laid out. */
  pictureHeight(): number | null {
    if (!this.capToPlayerSize) return null;
    const tallest = [...this.renditions].sort((a, b) => b.height - a.height)[0];
    const aspect = tallest && tallest.height > 1 ? tallest.width / tallest.height : null;
    return this.media.pictureHeight(aspect);
  }

  /** Decide the next segment's rendition and appliance now, and report it. Null when the
   * controller cannot decide yet (a foreign stream before its variants are known). */
  decide(): Decision | null {
    if (this.renditions.length === 0) return null;
    try {
      const decision = this.controller.decide({
        bufferSec: this.media.bufferSec(),
        playbackRate: this.media.playbackRate(),
        segmentDurationSec: this.segmentSec,
        manualRenditionId: this.manualId,
        pictureHeight: this.pictureHeight(),
      });
      this.adopt(decision);
      return decision;
    } catch (error) {
      this.reporter.warning(`ABR could not decide: ${(error as Error).message}`);
      return null;
    }
  }

  /** The decision routing follows: the latest, unless its appliance has failed since. */
  latest(): Decision | null {
    const d = this.latestDecision;
    if (d?.applianceId != null && this.failedSinceDecision.has(d.applianceId)) return null;
    return d;
  }

  private adopt(decision: Decision): void {
    this.latestDecision = decision;
    this.failedSinceDecision.clear();
    this.reporter.decision(decision);
  }

  // --- routing -------------------------------------------------------------------------

  /**
   * Where a request of this title goes: our latest decision's appliance (a fresh decision if
   * that one's appliance failed since); with the engine's own ABR, the controller's appliance
   * choice alone. A URL outside the title (another host, a foreign stream) is left alone.
   */
  route(url: string): RoutedRequest {
    const titlePath = this.source.titlePath;
    if (this.source.originTitleBase === null || titlePath === null) {
      return { url, applianceId: null };
    }
    // A retry comes back with the URL it was sent to: route it afresh from its plain form.
    const plain = withoutSession(url);
    const base = [...this.knownTitleBases].find((b) => plain.startsWith(b));
    if (base === undefined) return { url, applianceId: null };
    const target = this.routeTarget();
    if (target === null) return { url, applianceId: null };
    const targetBase = target.baseUrl + titlePath.replace(/^\/+/, "");
    this.knownTitleBases.add(targetBase);
    this.applianceOfBase.set(targetBase, target.applianceId);
    // The session rides in the query, not a header: a header costs a CORS preflight per
    // segment URL, inflating every time to first byte.
    const routed = withSession(targetBase + plain.slice(base.length), this.sessionId);
    return { url: routed, applianceId: target.applianceId };
  }

  private routeTarget(): { applianceId: string; baseUrl: string } | null {
    const choice = this.ours ? (this.latest() ?? this.decide()) : this.controller.routeAppliance();
    if (!choice?.applianceId || !choice.applianceBaseUrl) return null;
    return { applianceId: choice.applianceId, baseUrl: choice.applianceBaseUrl };
  }

  // --- measurements --------------------------------------------------------------------

  /** A completed media segment: into the controller (unrouted: measured as the origin, a
   * foreign stream's only "appliance") and into the store. */
  segmentLoaded(segment: MeasuredSegment): void {
    if (segment.mediaSec && segment.mediaSec > 0) this.setSegmentDuration(segment.mediaSec);
    if (segment.applianceId === ORIGIN_ID) this.originFailedAtMs = null;
    this.controller.onSegmentLoaded({
      applianceId: segment.applianceId ?? ORIGIN_ID,
      renditionId: segment.renditionId,
      sizeBytes: segment.sizeBytes,
      ttfbMs: segment.ttfbMs,
      durationMs: Math.max(segment.durationMs, segment.ttfbMs),
      ...(segment.fromCache ? { fromCache: true } : {}),
      ...(segment.mediaSec && segment.mediaSec > 0 ? { mediaDurationSec: segment.mediaSec } : {}),
    });
    this.reporter.segmentLoaded({
      renditionId: segment.renditionId,
      applianceId: segment.applianceId,
      url: segment.url,
      sizeBytes: segment.sizeBytes,
      ttfbMs: segment.ttfbMs,
      durationMs: segment.durationMs,
      cacheStatus: segment.cacheStatus ?? null,
    });
  }

  /**
   * A download in flight: may lower the estimate, may abandon it for a lower rendition (with
   * our ABR), and is declared stalled when no byte came for `STALL_TIMEOUT_MS`.
   */
  private stallTimeoutMs(flight: InFlight): number {
    if (flight.applianceId === null) return STALL_TIMEOUT_MS;
    const spareMs = (this.media.bufferSec() - this.segmentSec) * 1000;
    return Math.min(STALL_TIMEOUT_MS, Math.max(MIN_STALL_TIMEOUT_MS, spareMs));
  }

  progress(flight: InFlight): InFlightVerdict {
    const nowMs = this.now();
    const last = this.lastProgress.get(flight.segmentKey);
    const quietMs = this.stallTimeoutMs(flight);
    const firstByteLate =
      flight.firstByteMs === null &&
      flight.applianceId !== null &&
      flight.elapsedMs >= Math.max(FIRST_BYTE_TIMEOUT_MS, this.segmentSec * 1000);
    if (firstByteLate) {
      // An appliance of ours that has not begun to answer in a segment's time will not keep
      // up: another one will (a 3 s first byte on every request stalled playback 7 s before).
      this.lastProgress.delete(flight.segmentKey);
      return { abandon: false, stalled: true };
    }
    if (!last || flight.loadedBytes > last.bytes) {
      const entry = { bytes: flight.loadedBytes, atMs: nowMs, applianceId: flight.applianceId };
      this.lastProgress.set(flight.segmentKey, entry);
    } else if (nowMs - last.atMs >= quietMs && flight.elapsedMs >= quietMs) {
      this.lastProgress.delete(flight.segmentKey);
      return { abandon: false, stalled: true };
    }
    if (!this.ours || flight.watchOnly) return { abandon: false };
    const report: ProgressReport = {
      applianceId: flight.applianceId ?? ORIGIN_ID,
      renditionId: flight.renditionId,
      segmentKey: flight.segmentKey,
      loadedBytes: flight.loadedBytes,
      totalBytes: flight.totalBytes,
      elapsedMs: flight.elapsedMs,
      firstByteMs: flight.firstByteMs,
      bufferSec: this.media.bufferSec(),
      playbackRate: this.media.playbackRate(),
      segmentDurationSec:
        flight.mediaSec && flight.mediaSec > 0 ? flight.mediaSec : this.segmentSec,
    };
    const verdict = this.controller.onProgress(report);
    if (verdict.abandon) {
      const decision = this.controller.decisions().at(-1);
      if (decision?.kind === "abandon") this.adopt(decision);
    }
    return verdict;
  }

  /**
   * The appliance of a download in flight that has had no new byte for `quietMs`, if any: what
   * to blame when playback froze waiting for data (and nothing, when nothing is in flight).
   */
  quietDownload(quietMs = QUIET_DOWNLOAD_MS): string | null {
    const nowMs = this.now();
    for (const entry of this.lastProgress.values()) {
      if (nowMs - entry.atMs >= quietMs && entry.applianceId !== null) return entry.applianceId;
    }
    return null;
  }

  /** A download ended (either way): forget its progress. */
  downloadEnded(segmentKey: string | number): void {
    this.lastProgress.delete(segmentKey);
  }

  /**
   * A request failed on an appliance: it goes to the penalty box, routing leaves it at once,
   * and the store says so. Unrouted requests (a foreign host) are the engine's to retry.
   */
  requestFailed(
    applianceId: string | null,
    failure: Omit<SegmentError, "applianceId">,
    url = "",
  ): void {
    if (applianceId === null) return;
    if (applianceId === ORIGIN_ID) this.originFailedAtMs = this.now();
    this.controller.onSegmentError({ applianceId, ...failure });
    this.failedSinceDecision.add(applianceId);
    const what =
      failure.kind === "http" ? `HTTP ${failure.status ?? "error"}` : describeKind(failure.kind);
    const where = url ? ` for ${url}` : "";
    this.reporter.warning(`${what} from ${applianceId}${where}: retrying elsewhere`);
    if (/^https?:/.test(url)) this.reporter.requestFailed?.({ url, applianceId, reason: what });
  }

  /**
   * The browser could not decode or append what an appliance served (a corrupt segment): the
   * appliance that served it goes to the penalty box like a failed request. `detail` names
   * the engine's error.
   */
  mediaFailed(applianceId: string | null, detail: string): void {
    if (applianceId === null) {
      this.reporter.warning(`Media error (${detail}).`);
      return;
    }
    this.requestFailed(applianceId, { kind: "media" }, detail);
  }

  /** The appliance a URL of this title was routed to; null for anything else. */
  applianceOfUrl(url: string): string | null {
    const plain = withoutSession(url);
    for (const [base, applianceId] of this.applianceOfBase) {
      if (plain.startsWith(base)) return applianceId;
    }
    return null;
  }

  /**
   * After an error the engine cannot get past alone: is there still a source to recover from?
   * Yes while any appliance is out of the penalty box or the origin (the last resort) has not
   * failed since it last answered well. A stream played straight from its host has one
   * source: a few recoveries a minute, then it is given up.
   */
  mayRecover(): boolean {
    const nowMs = this.now();
    this.recoveries = this.recoveries.filter((at) => nowMs - at < RECOVERY_WINDOW_MS);
    const left = !this.routed
      ? this.recoveries.length < FOREIGN_RECOVERIES
      : this.recoveries.length < MAX_RECOVERIES && !this.onlyFailedOriginLeft();
    if (left) this.recoveries.push(nowMs);
    return left;
  }

  private onlyFailedOriginLeft(): boolean {
    if (this.originFailedAtMs === null) return false;
    const target = this.controller.routeAppliance();
    return target.applianceId === ORIGIN_ID || target.applianceId === null;
  }
}

/** Recoveries counted over the last minute. */
const RECOVERY_WINDOW_MS = 60_000;
/** A stream from outside our network: its one host, tried again this many times a minute. */
const FOREIGN_RECOVERIES = 3;
/** Whatever the sources, more than this many recoveries a minute is a loop, not a recovery. */
const MAX_RECOVERIES = 12;

function describeKind(kind: SegmentError["kind"]): string {
  if (kind === "timeout") return "Timeout";
  if (kind === "stalled") return "Download stalled";
  if (kind === "media") return "Undecodable media";
  return "Network error";
}
