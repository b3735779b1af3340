/**
 * The contract between the player and a playback engine adapter (hls.js for HLS, shaka-player
 * for DASH). Adapters are thin: they translate between the engine and the ABR core
 * (`src/abr/`) and report what happens through `EngineReporter`; they hold no policy.
 */
import type { AbrController } from "../../../abr/controller.ts";
import type { Decision, Rendition } from "../../../abr/types.ts";
import type { RecoveryStep } from "../freeze-watchdog.ts";
import type { MediaView } from "./engine-session.ts";

export type EngineName = "hlsjs" | "shaka";

/** Whose ABR decides: our controller, or the engine's own (kept selectable for comparison). */
export type AbrMode = "ours" | "engine";

export interface PlaybackSource {
  /** Manifest URL as first loaded (on the origin, or a user's own stream). */
  manifestUrl: string;
  /**
   * Our catalog's renditions when the stream is ours (with quality scores); null for any
   * other stream, whose variants the adapter then maps from the engine's own level list.
   */
  renditions: Rendition[] | null;
  /**
   * The prefix every request URL of this title starts with on the origin, e.g.
   * `http://127.0.0.1:8080/titles/grain--86aa04f59e83/`. The adapter rewrites it to the chosen
   * appliance's base URL + the same title path. Null: requests go where the manifest says.
   */
  originTitleBase: string | null;
  /** The same title path relative to any appliance, e.g. `titles/grain--86aa04f59e83/`. */
  titlePath: string | null;
}

export interface SegmentStats {
  renditionId: string;
  /** The appliance it was routed to; null = not routed (a foreign stream's own host). */
  applianceId: string | null;
  url: string;
  sizeBytes: number;
  /** Request sent to first byte, and to last byte. */
  ttfbMs: number;
  durationMs: number;
  /** The appliance's `X-Cache` answer (HIT, MISS), when there was one. */
  cacheStatus?: string | null;
}

/** A request given up: where it went and why. */
export interface RequestFailure {
  url: string;
  applianceId: string | null;
  /** "HTTP 503", "Download stalled", "Timeout"... */
  reason: string;
}

/** What an adapter tells the player; the player turns it into store updates. */
export interface EngineReporter {
  decision(decision: Decision): void;
  segmentLoaded(stats: SegmentStats): void;
  /** A request that failed or was given up (kept in the session's export). */
  requestFailed?(failure: RequestFailure): void;
  /**
   * The renditions of a stream outside our catalog, once mapped from the engine's own list
   * (again if that list changes): the quality menu and the stats overlay show these.
   */
  renditions?(renditions: Rendition[]): void;
  /** The rendition now playing (after a switch completes), by id. */
  renditionPlaying(renditionId: string): void;
  /** A fatal error the engine could not recover from: the error screen shows `message`. */
  fatal(message: string): void;
  /** A recoverable problem worth showing in the stats (e.g. a failed request retried elsewhere). */
  warning(message: string): void;
}

export interface TrackInfo {
  id: string;
  language: string;
  name: string;
  active: boolean;
}

export interface EngineAdapter {
  readonly name: EngineName;
  /** The engine's own version (hls.js's, shaka-player's); null before its code is loaded. */
  version(): string | null;
  /**
   * Load `source` into `video`, starting at `startAtSec` (null: the start of a VOD stream, the
   * live edge of a live one); resolves when the engine has parsed the manifest. The engine
   * fetches from the start position first, rather than segment 0 and then a seek.
   */
  load(video: HTMLVideoElement, source: PlaybackSource, startAtSec: number | null): Promise<void>;
  /** The renditions the engine offers, in the core's terms (mapped for foreign streams). */
  renditions(): Rendition[];
  audioTracks(): TrackInfo[];
  subtitleTracks(): TrackInfo[];
  /** Switch audio without rebuffering (engines keep the video buffer). */
  setAudioTrack(id: string): void;
  /** null turns subtitles off. */
  setSubtitleTrack(id: string | null): void;
  /** null = automatic. With our ABR, the controller honours it; with the engine's, the engine does. */
  setManualRendition(id: string | null): void;
  /** Cap renditions to the picture's size (our ABR's ceiling, or the engine's own option). */
  setCapToPlayerSize(on: boolean): void;
  /** The picture changed size (resize, fullscreen, picture-in-picture): decide again now. */
  pictureChanged(): void;
  /** When the last byte of media arrived (performance.now() time), null before any. */
  lastByteAtMs(): number | null;
  /** Get frozen playback going again (the freeze watchdog's call; "play" is the page's own). */
  recover(step: Exclude<RecoveryStep, "play">): void;
  destroy(): Promise<void>;
}

/** What every adapter factory takes. */
export interface AdapterOptions {
  abr: AbrMode;
  /** This playback session's id, sent with every request routed to an appliance (`?session=`):
   * the network shapes and counts by it. */
  sessionId: string;
  /** Our controller (used when `abr` is "ours"); shared across engines so one code path decides. */
  controller: AbrController;
  reporter: EngineReporter;
  /** The video element as the ABR sees it: buffer, speed, picture size. */
  media: MediaView;
  capToPlayerSize: boolean;
  /** Whether the viewer paused: a recovery that rebuilds the media source plays on otherwise. */
  viewerPaused(): boolean;
  /**
   * The manifest when the page already fetched it (`url`: where it came from, after redirects):
   * the engine does not fetch it again.
   */
  manifest?: { text: string; url: string } | null;
}
