/**
 * Types shared by the ABR core's layers and its adapters. Only types: nothing here runs, so the
 * core stays free of any engine, DOM or schema-validation code at run time.
 */
import type { Rendition, VideoCodec } from "../schemas/catalog.ts";
import type { SteeringAnswer } from "../schemas/steering.ts";

export type { Rendition, SteeringAnswer, VideoCodec };

/** Injected clock in milliseconds (e.g. `performance.now` in a browser, a fake in tests). */
export type Clock = () => number;

/**
 * Where a throughput or TTFB figure came from: measured on this appliance, measured on any, a
 * figure remembered from an earlier session (nothing measured yet), or the configured default.
 */
export type EstimateSource = "appliance" | "global" | "remembered" | "default";

/** What `decide` needs to know about the player right now. */
export interface DecisionContext {
  /** Media buffered ahead of the playhead. */
  bufferSec: number;
  /** 1 when absent; the buffer drains `playbackRate` times faster than real time. */
  playbackRate?: number;
  segmentDurationSec: number;
  /** A rendition the user fixed in a quality menu; `null`/absent = automatic. */
  manualRenditionId?: string | null;
  /**
   * Height of the picture on screen in device pixels (letterboxing removed): renditions taller
   * than the smallest one that fills it are not fetched. `null`/absent = no cap.
   */
  pictureHeight?: number | null;
}

/** The output of one rule: a ceiling on the rendition index, or a proposal, or nothing. */
export interface RuleOutcome {
  rule: string;
  /** "ceiling" caps the choice; "proposal" suggests a target; "override" wins outright. */
  kind: "ceiling" | "proposal" | "override";
  /** Index in the candidate ladder (ascending bitrate), or null when the rule abstains. */
  index: number | null;
  reason: string;
}

/** What `decide` based its choice on, kept with the decision for stats panels and tests. */
export interface DecisionInputs {
  bufferSec: number;
  playbackRate: number;
  segmentDurationSec: number;
  estimateBitsPerSecond: number;
  estimateSource: EstimateSource;
  ttfbMs: number;
  codec: VideoCodec;
  /** Why this codec (`chooseCodec`'s reason). */
  codecReason: string;
  /** Candidate ids after the codec filter and the quality-per-bit pruning, lowest first. */
  ladder: string[];
  previousRenditionId: string | null;
  rules: RuleOutcome[];
}

export interface Decision {
  /** "segment": a choice before a download; "abandon": a download given up mid-way. */
  kind: "segment" | "abandon";
  renditionId: string;
  /** null only before any steering answer has been given. */
  applianceId: string | null;
  applianceBaseUrl: string | null;
  /** True when this download is the probe of an appliance just out of the penalty box. */
  probe: boolean;
  /** One line, human-readable: which rule settled it, and the appliance's reason. */
  reason: string;
  inputs: DecisionInputs;
  atMs: number;
}

/** Progress of the segment download in flight, as the adapter sees it. */
export interface ProgressReport {
  applianceId: string;
  renditionId: string;
  /**
   * Which media segment this is (its sequence number, or its start time): a segment already
   * abandoned once is never abandoned again, so no segment is requested more than twice.
   * Absent: every download is its own segment.
   */
  segmentKey?: string | number;
  loadedBytes: number;
  /** From Content-Length when known; otherwise the core estimates it from the bitrate. */
  totalBytes?: number | null;
  /** Since the request was sent. */
  elapsedMs: number;
  /** When the first byte arrived, since the request was sent; null = not yet. */
  firstByteMs: number | null;
  bufferSec: number;
  playbackRate?: number;
  segmentDurationSec: number;
}

export type ProgressVerdict =
  | { abandon: false }
  | { abandon: true; switchTo: string; reason: string };

export interface SegmentLoaded {
  applianceId: string;
  renditionId: string;
  sizeBytes: number;
  /** Request sent to first byte. */
  ttfbMs: number;
  /** Request sent to last byte: includes `ttfbMs` (what Resource Timing and hls.js stats give). */
  durationMs: number;
  /** Served from the browser's or a local cache: says nothing about the network. */
  fromCache?: boolean;
  /** Media duration of the segment, when the engine knows it (else the decision's segment duration). */
  mediaDurationSec?: number;
}

export interface SegmentError {
  applianceId: string;
  /** "stalled": the appliance stopped sending mid-download; "media": what it served could not
   * be decoded or appended (a corrupt segment). */
  kind: "http" | "timeout" | "network" | "stalled" | "media";
  status?: number;
}

/** One `navigator.mediaCapabilities.decodingInfo` answer, gathered by the adapter. */
export interface CapabilityResult {
  codec: VideoCodec;
  supported: boolean;
  smooth: boolean;
  powerEfficient: boolean;
  /** The resolution the query asked about; absent = assumed to be the codec's top rendition. */
  width?: number;
  height?: number;
}
