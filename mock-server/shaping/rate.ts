/**
 * The rate model and the pacing writer. A `Pacer` holds one client session's budget on a
 * virtual clock: the bytes sent may not run ahead of the rate's integral since the spec was set
 * by more than a small burst. Waits are computed from that clock, so late timers are caught up
 * on the next chunks instead of adding up: within the burst between responses, and up to
 * CATCH_UP_SEC while a response is being sent.
 */
import type { ServerResponse } from "node:http";
import type { Readable } from "node:stream";
import {
  bitsBetween,
  meanBitsPerSecond,
  rateAt,
  type ThroughputTrace,
  timeForBits,
} from "./trace.ts";

export type RateSpec =
  | { kind: "unlimited" }
  | { kind: "constant"; bitsPerSecond: number }
  | { kind: "trace"; trace: ThroughputTrace; name: string };

export interface ShapingSpec {
  rate: RateSpec;
  /** Extra time to first byte; applied by the server before it starts the body. */
  latencyMs: number;
}

/** Burst allowance: 20 ms of data absorbs timer jitter (setTimeout is ~1 ms, often later)... */
const BURST_SEC = 0.02;
/**
 * ...and at least one 1 KiB chunk, so a low rate still sends whole chunks. No more than that:
 * a 4 KiB burst is a third of a second at 100 kbit/s, which a client timing the whole download
 * sees as 15% too fast over 2.5 s; 1 KiB keeps that under 4%.
 */
const MIN_BURST_BITS = 1024 * 8;
/** Default chunk: 5 ms of data, small against the 20 ms burst so pacing stays smooth... */
const CHUNK_SEC = 0.005;
/** ...but not below 1 KiB (per-write overhead) nor above 64 KiB (a typical socket write). */
const MIN_CHUNK_BYTES = 1024;
const MAX_CHUNK_BYTES = 64 * 1024;
/**
 * Lateness a response in progress may make up. Its body is all in hand, so the link it stands for
 * is never idle while it lasts: time lost to a timer that fired late is the pacer's, not the
 * link's. Measured with 200 shaped sessions on these 2 cores: the event loop p99 10-40 ms late,
 * at worst 50-200 ms, and 300-490 ms when other work loaded the machine (load 6-9). Beyond this
 * much it is lost; between responses idle earns nothing past the burst.
 */
const CATCH_UP_SEC = 0.5;
/** Longest single sleep: a rate change (setSpec) or a zero-rate stretch is re-checked this often. */
const MAX_SLEEP_MS = 250;

/** One-line description of a rate, for logs and the admin state. */
export function describeRate(rate: RateSpec): string {
  if (rate.kind === "unlimited") return "unlimited";
  if (rate.kind === "constant") return `${formatBitsPerSecond(rate.bitsPerSecond)} constant`;
  const mean = formatBitsPerSecond(meanBitsPerSecond(rate.trace));
  return `trace ${rate.name} (mean ${mean}, loops every ${rate.trace.durationSec} s)`;
}

export function formatBitsPerSecond(bitsPerSecond: number): string {
  if (bitsPerSecond >= 1e9) return `${+(bitsPerSecond / 1e9).toPrecision(3)} Gbit/s`;
  if (bitsPerSecond >= 1e6) return `${+(bitsPerSecond / 1e6).toPrecision(3)} Mbit/s`;
  return `${+(bitsPerSecond / 1e3).toPrecision(3)} kbit/s`;
}

export class Pacer {
  private current: RateSpec;
  /** When the spec was set (ms on `now`'s clock): time 0 of the rate's integral. */
  private originMs: number;
  /** Bits counted as sent, on the integral's scale (never behind it: idle earns no credit). */
  private sentBits = 0;

  constructor(
    spec: RateSpec,
    private readonly now: () => number = () => performance.now(),
  ) {
    checkSpec(spec);
    this.current = spec;
    this.originMs = now();
  }

  get spec(): RateSpec {
    return this.current;
  }

  /**
   * Switch rates; a trace restarts from its beginning. Bits already sent ahead of the old rate
   * stay owed, up to the new burst (more would stall a session that was just slowed down for
   * bytes that left under the old rate).
   */
  setSpec(spec: RateSpec): void {
    checkSpec(spec);
    const aheadBits =
      this.current.kind === "unlimited"
        ? 0
        : Math.max(0, this.sentBits - this.integral(this.elapsedSec()));
    this.current = spec;
    this.originMs = this.now();
    this.sentBits = spec.kind === "unlimited" ? 0 : Math.min(aheadBits, this.burstBits());
  }

  /** The rate now, in bit/s (Infinity when unlimited). */
  bitsPerSecondNow(): number {
    const spec = this.current;
    if (spec.kind === "unlimited") return Number.POSITIVE_INFINITY;
    if (spec.kind === "constant") return spec.bitsPerSecond;
    return rateAt(spec.trace, this.elapsedSec());
  }

  /**
   * How much may be sent at once after idling: 20 ms of data, at least 1 KiB. A trace uses its
   * mean rate, so the burst (and with it the sender's lead) stays constant across rate steps.
   */
  burstBits(): number {
    const spec = this.current;
    if (spec.kind === "unlimited") return Number.POSITIVE_INFINITY;
    const bitsPerSecond =
      spec.kind === "constant" ? spec.bitsPerSecond : meanBitsPerSecond(spec.trace);
    return Math.max(MIN_BURST_BITS, bitsPerSecond * BURST_SEC);
  }

  /**
   * Milliseconds to wait before `bytes` more may be sent (0: now; Infinity: never at this rate).
   * `continuing`: the bytes follow others of the same response, so lateness is made up.
   */
  delayMs(bytes: number, continuing = false): number {
    if (this.current.kind === "unlimited") return 0;
    const elapsedSec = this.elapsedSec();
    const earnedBits = this.integral(elapsedSec);
    const neededBits = this.sentFrom(elapsedSec, continuing) + bytes * 8 - this.burstBits();
    if (neededBits <= earnedBits) return 0;
    return (this.inverse(neededBits) - elapsedSec) * 1000;
  }

  /** Count `bytes` as sent now (`continuing` as for delayMs). */
  consume(bytes: number, continuing = false): void {
    if (this.current.kind === "unlimited") return;
    this.sentBits = this.sentFrom(this.elapsedSec(), continuing) + bytes * 8;
  }

  /** Default chunk size: about 5 ms of data at the current rate, within [1 KiB, 64 KiB]. */
  chunkBytes(): number {
    const bytes = Math.round((this.bitsPerSecondNow() * CHUNK_SEC) / 8);
    return Math.min(MAX_CHUNK_BYTES, Math.max(MIN_CHUNK_BYTES, bytes));
  }

  /**
   * The bits counted as sent before the next bytes: what was sent, or, when that is further
   * behind the rate than a sender may make up, the rate's integral less that allowance.
   */
  private sentFrom(elapsedSec: number, continuing: boolean): number {
    const floorSec = continuing ? Math.max(0, elapsedSec - CATCH_UP_SEC) : elapsedSec;
    return Math.max(this.sentBits, this.integral(floorSec));
  }

  private elapsedSec(): number {
    return Math.max(0, this.now() - this.originMs) / 1000;
  }

  /** Bits the rate allows in [0, tSec] since the spec was set. */
  private integral(tSec: number): number {
    const spec = this.current;
    if (spec.kind === "unlimited") return Number.POSITIVE_INFINITY;
    if (spec.kind === "constant") return spec.bitsPerSecond * tSec;
    return bitsBetween(spec.trace, 0, tSec);
  }

  /** The earliest time (s since the spec was set) by which the rate allows `bits`. */
  private inverse(bits: number): number {
    const spec = this.current;
    if (spec.kind === "unlimited") return 0;
    if (spec.kind === "constant") return bits / spec.bitsPerSecond;
    return timeForBits(spec.trace, bits);
  }
}

function checkSpec(spec: RateSpec): void {
  if (
    spec.kind === "constant" &&
    !(spec.bitsPerSecond > 0 && Number.isFinite(spec.bitsPerSecond))
  ) {
    throw new Error(`constant rate must be a positive finite bit/s, got ${spec.bitsPerSecond}`);
  }
}

export interface SendResult {
  bytesSent: number;
  /** false when the client went away or the signal aborted before the whole body was sent. */
  completed: boolean;
}

/**
 * Write `body` to `res` at the pacer's rate and end the response (unless `end` is false). Stops when the client
 * disconnects or `signal` aborts: the response is then destroyed (a body cut short cannot be
 * finished correctly) and a Readable body is destroyed too. A Readable that errors destroys
 * the response and rethrows. Headers are the caller's; latency is too.
 */
export async function sendPaced(
  body: Buffer | Readable,
  res: ServerResponse,
  pacer: Pacer,
  options: {
    signal?: AbortSignal;
    chunkBytes?: number;
    /** false: leave the response open after the body (a fault that goes silent mid-body). */
    end?: boolean;
  } = {},
): Promise<SendResult> {
  const stop = new AbortController();
  const onStop = (): void => stop.abort();
  res.once("close", onStop);
  options.signal?.addEventListener("abort", onStop, { once: true });
  if (options.signal?.aborted || res.destroyed) stop.abort();
  let bytesSent = 0;
  try {
    for await (const piece of Buffer.isBuffer(body) ? [body] : body) {
      const buffer = toBuffer(piece);
      for (let at = 0; at < buffer.length && !stop.signal.aborted; ) {
        const size =
          pacer.spec.kind === "unlimited"
            ? buffer.length
            : (options.chunkBytes ?? pacer.chunkBytes());
        const written = await writePaced(
          buffer.subarray(at, at + size),
          res,
          pacer,
          stop.signal,
          bytesSent > 0,
        );
        if (written === null) break;
        at += written;
        bytesSent += written;
      }
      if (stop.signal.aborted) break; // leaving the loop destroys a Readable body
    }
  } catch (error) {
    res.destroy();
    throw error;
  } finally {
    options.signal?.removeEventListener("abort", onStop);
  }
  if (stop.signal.aborted) {
    res.destroy();
    return { bytesSent, completed: false };
  }
  if (options.end === false) {
    res.off("close", onStop);
    return { bytesSent, completed: true };
  }
  await new Promise<void>((resolve) => {
    stop.signal.addEventListener("abort", () => resolve(), { once: true });
    res.end(() => resolve());
  });
  res.off("close", onStop);
  return { bytesSent, completed: true };
}

/**
 * Cut the connection mid-response, as a failing server does: what was written still reaches
 * the client, then the socket closes (a FIN once the queue is flushed, then destroyed). A bare
 * `destroy()` dropped the last chunks still queued; an `end()` of the response instead left a
 * keep-alive socket open until its idle timeout, so the client saw the cut seconds late.
 */
export function cutConnection(res: ServerResponse): void {
  const socket = res.socket;
  if (!socket || socket.destroyed) return;
  socket.end();
  if (socket.writableFinished) socket.destroy();
  else socket.once("finish", () => socket.destroy());
}

/**
 * Wait until the pacer allows the start of `chunk`, write it, honouring backpressure, and return
 * the bytes written (null = stopped). At most one burst is written: a chunk sized before the rate
 * dropped can be larger than the new burst, and a wait for more than the burst never ends, since
 * idle time earns no credit. `continuing`: earlier bytes of this response went out already.
 */
async function writePaced(
  chunk: Buffer,
  res: ServerResponse,
  pacer: Pacer,
  signal: AbortSignal,
  continuing: boolean,
): Promise<number | null> {
  const fitting = () => Math.min(chunk.length, Math.floor(pacer.burstBits() / 8));
  let underWay = continuing;
  for (
    let waitMs = pacer.delayMs(fitting(), underWay);
    waitMs > 0;
    waitMs = pacer.delayMs(fitting(), underWay)
  ) {
    // Re-check after each sleep: timers may fire early or late, and the spec may have changed.
    await sleep(Math.min(MAX_SLEEP_MS, Math.ceil(waitMs)), signal);
    if (signal.aborted) return null;
    // Waiting for the rate, not for a request: how late the timer fired is made up.
    underWay = true;
  }
  const piece = chunk.subarray(0, fitting());
  pacer.consume(piece.length, underWay);
  if (!res.write(piece)) await drained(res, signal);
  return signal.aborted ? null : piece.length;
}

/** A Readable yields Buffers, or strings after setEncoding; anything else is not a body. */
function toBuffer(piece: unknown): Buffer {
  if (Buffer.isBuffer(piece)) return piece;
  if (typeof piece === "string") return Buffer.from(piece);
  if (piece instanceof Uint8Array)
    return Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
  throw new Error(`sendPaced: body stream yielded ${typeof piece}, not bytes`);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

function drained(res: ServerResponse, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off("drain", done);
      signal.removeEventListener("abort", done);
      resolve();
    };
    res.once("drain", done);
    signal.addEventListener("abort", done, { once: true });
  });
}
