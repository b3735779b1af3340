/**
 * Throughput traces: a link's capacity over time, replayed by the pacer. Two file formats are
 * read: Pensieve (`<seconds> <Mbit/s>` per line) and mahimahi (one millisecond timestamp per
 * 1500-byte delivery opportunity). Both become the same step function, which loops forever.
 */

export interface ThroughputSample {
  atSec: number;
  mbps: number;
}

/**
 * Samples sorted by time, the first at 0; each value holds until the next timestamp, the last
 * until `durationSec`, after which the trace starts again. Treat a trace as immutable: its
 * prefix sums are cached on first use.
 */
export interface ThroughputTrace {
  samples: ThroughputSample[];
  durationSec: number;
}

/** mahimahi's delivery opportunity is one MTU-sized packet (mahimahi's link shell: 1500 bytes). */
const MAHIMAHI_PACKET_BITS = 1500 * 8;
/** Window over which mahimahi packets are counted into a rate (the brief's 100 ms). */
const MAHIMAHI_WINDOW_MS = 100;
/** Gap assumed after a lone Pensieve sample: Pensieve's traces are sampled once a second. */
const DEFAULT_PENSIEVE_GAP_SEC = 1;

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const NON_FINITE = /^[+-]?(inf|infinity|nan)$/i;

/** Non-blank lines with their 1-based line numbers, fields split on any whitespace. */
function fieldLines(text: string): { line: number; raw: string; fields: string[] }[] {
  const out: { line: number; raw: string; fields: string[] }[] = [];
  text.split(/\r?\n/).forEach((rawLine, i) => {
    const raw = rawLine.trim();
    if (raw !== "") out.push({ line: i + 1, raw, fields: raw.split(/\s+/) });
  });
  if (out.length === 0) throw new Error("empty trace: no samples");
  return out;
}

/** A finite, non-negative number, or an error naming the line and the field. */
function parseNumber(field: string, what: string, line: number): number {
  if (NON_FINITE.test(field))
    throw new Error(`line ${line}: ${what} must be finite, got "${field}"`);
  if (!NUMBER.test(field)) throw new Error(`line ${line}: ${what} is not a number: "${field}"`);
  const value = Number(field);
  if (!Number.isFinite(value))
    throw new Error(`line ${line}: ${what} must be finite, got "${field}"`);
  if (value < 0) throw new Error(`line ${line}: ${what} must not be negative, got "${field}"`);
  return value;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Pensieve: `<seconds> <Mbit/s>` per line. Timestamps are shifted so the first is 0 (the
 * trace starts when shaping starts); the last sample lasts the median gap, so looping is seamless.
 */
export function parsePensieveTrace(text: string): ThroughputTrace {
  const samples: ThroughputSample[] = [];
  for (const { line, raw, fields } of fieldLines(text)) {
    if (fields.length !== 2) {
      throw new Error(`line ${line}: expected "<seconds> <Mbit/s>", got "${raw}"`);
    }
    const atSec = parseNumber(fields[0]!, "time", line);
    const mbps = parseNumber(fields[1]!, "rate (Mbit/s)", line);
    const previous = samples[samples.length - 1];
    if (previous && atSec <= previous.atSec) {
      throw new Error(
        `line ${line}: time ${atSec} s is not after the previous ${previous.atSec} s`,
      );
    }
    samples.push({ atSec, mbps });
  }
  const start = samples[0]!.atSec;
  const shifted = samples.map((s) => ({ atSec: s.atSec - start, mbps: s.mbps }));
  const gaps = shifted.slice(1).map((s, i) => s.atSec - shifted[i]!.atSec);
  const gapSec = gaps.length > 0 ? median(gaps) : DEFAULT_PENSIEVE_GAP_SEC;
  return checkDelivers({
    samples: shifted,
    durationSec: shifted[shifted.length - 1]!.atSec + gapSec,
  });
}

/**
 * mahimahi: one integer per line, the millisecond at which one 1500-byte packet may leave;
 * the file loops with period = its last timestamp (so a timestamp equal to the period is the
 * next loop's 0). Packets are counted per 100 ms window; a shorter last window keeps its own width.
 */
export function parseMahimahiTrace(text: string): ThroughputTrace {
  const stamps: number[] = [];
  for (const { line, raw, fields } of fieldLines(text)) {
    if (fields.length !== 1) {
      throw new Error(`line ${line}: expected one integer millisecond timestamp, got "${raw}"`);
    }
    const field = fields[0]!;
    const ms = parseNumber(field, "timestamp (ms)", line);
    if (!Number.isInteger(ms) || !/^\+?\d+$/.test(field)) {
      throw new Error(`line ${line}: timestamp must be an integer number of ms, got "${field}"`);
    }
    const previous = stamps[stamps.length - 1];
    if (previous !== undefined && ms < previous) {
      throw new Error(`line ${line}: timestamp ${ms} ms is before the previous ${previous} ms`);
    }
    stamps.push(ms);
  }
  const periodMs = stamps[stamps.length - 1]!;
  if (periodMs <= 0) throw new Error("trace period (its last timestamp) must be more than 0 ms");
  const windows = Math.ceil(periodMs / MAHIMAHI_WINDOW_MS);
  const packets = new Array<number>(windows).fill(0);
  for (const ms of stamps) {
    const w = Math.floor((ms % periodMs) / MAHIMAHI_WINDOW_MS);
    packets[w] = packets[w]! + 1;
  }
  const samples = packets.map((count, w) => {
    const widthSec = Math.min(MAHIMAHI_WINDOW_MS, periodMs - w * MAHIMAHI_WINDOW_MS) / 1000;
    // w / 10 rather than w * 0.1: exact decimal seconds, no drift over long traces.
    return {
      atSec: (w * MAHIMAHI_WINDOW_MS) / 1000,
      mbps: (count * MAHIMAHI_PACKET_BITS) / widthSec / 1e6,
    };
  });
  return { samples, durationSec: periodMs / 1000 };
}

/**
 * A trace as Pensieve lines (`<seconds> <Mbit/s>`), for files the simulator and the browser
 * benchmark read back with `parsePensieveTrace`. The last sample's own length is not written:
 * the reader gives it the median gap, which is exact for traces sampled at a fixed step.
 */
export function formatPensieveTrace(trace: ThroughputTrace): string {
  return trace.samples.map((s) => `${s.atSec} ${s.mbps}\n`).join("");
}

/** Detect the format from the first sample line: two numbers = Pensieve, one integer = mahimahi. */
export function parseTrace(text: string, name?: string): ThroughputTrace {
  const prefix = name ? `${name}: ` : "";
  try {
    const first = fieldLines(text)[0]!;
    if (first.fields.length === 2) return parsePensieveTrace(text);
    if (first.fields.length === 1) return parseMahimahiTrace(text);
    throw new Error(
      `line ${first.line}: expected "<seconds> <Mbit/s>" (Pensieve) or "<ms>" (mahimahi), got "${first.raw}"`,
    );
  } catch (error) {
    if (error instanceof Error && prefix) throw new Error(prefix + error.message);
    throw error;
  }
}

/** A trace that never delivers would stall every transfer forever: refuse it at the door. */
function checkDelivers(trace: ThroughputTrace): ThroughputTrace {
  if (trace.samples.every((s) => s.mbps === 0)) {
    throw new Error("trace never delivers any data (every rate is 0)");
  }
  return trace;
}

/** Bits delivered before each sample's start over one period; the last entry is the period's total. */
const prefixCache = new WeakMap<ThroughputTrace, Float64Array>();

function prefixBits(trace: ThroughputTrace): Float64Array {
  const cached = prefixCache.get(trace);
  if (cached) return cached;
  const { samples, durationSec } = trace;
  if (samples.length === 0) throw new Error("empty trace: no samples");
  if (samples[0]!.atSec !== 0) throw new Error("trace must start at 0 s");
  const prefix = new Float64Array(samples.length + 1);
  samples.forEach((s, i) => {
    const endSec = samples[i + 1]?.atSec ?? durationSec;
    if (!(endSec > s.atSec)) throw new Error(`trace sample ${i} (at ${s.atSec} s) has no duration`);
    if (!(s.mbps >= 0 && Number.isFinite(s.mbps)))
      throw new Error(`trace sample ${i}: bad rate ${s.mbps}`);
    prefix[i + 1] = prefix[i]! + s.mbps * 1e6 * (endSec - s.atSec);
  });
  prefixCache.set(trace, prefix);
  return prefix;
}

/** Index of the sample in force at `offsetSec` within one period (binary search). */
function sampleIndexAt(samples: ThroughputSample[], offsetSec: number): number {
  let lo = 0;
  let hi = samples.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (samples[mid]!.atSec <= offsetSec) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Where `tSec` falls: whole periods before it and the offset inside the current period. */
function split(trace: ThroughputTrace, tSec: number): { periods: number; offsetSec: number } {
  const periods = Math.floor(tSec / trace.durationSec);
  // Clamp: float rounding can leave the offset a hair outside [0, duration).
  const offsetSec = Math.min(Math.max(tSec - periods * trace.durationSec, 0), trace.durationSec);
  return { periods, offsetSec };
}

/** The rate in bit/s at `tSec` (any real time; the trace repeats in both directions). */
export function rateAt(trace: ThroughputTrace, tSec: number): number {
  prefixBits(trace); // validates the trace
  const { offsetSec } = split(trace, tSec);
  return trace.samples[sampleIndexAt(trace.samples, offsetSec)]!.mbps * 1e6;
}

/** Bits delivered in [0, tSec]: whole periods from the total, the rest from the prefix sums. */
function integral(trace: ThroughputTrace, tSec: number): number {
  const prefix = prefixBits(trace);
  const { periods, offsetSec } = split(trace, tSec);
  const i = sampleIndexAt(trace.samples, offsetSec);
  const sample = trace.samples[i]!;
  const within = prefix[i]! + sample.mbps * 1e6 * (offsetSec - sample.atSec);
  return periods * prefix[trace.samples.length]! + within;
}

/** Bits the trace delivers between t0 and t1 (seconds, t0 <= t1), in O(log n) for any span. */
export function bitsBetween(trace: ThroughputTrace, t0Sec: number, t1Sec: number): number {
  if (!(t1Sec >= t0Sec)) throw new Error(`bitsBetween: end ${t1Sec} s is before start ${t0Sec} s`);
  return integral(trace, t1Sec) - integral(trace, t0Sec);
}

/**
 * The earliest time (s, from the trace's start) by which `bits` have been delivered:
 * the inverse of the integral, which the pacer uses to turn a byte budget into a wait.
 * Infinity when the trace delivers nothing.
 */
export function timeForBits(trace: ThroughputTrace, bits: number): number {
  const prefix = prefixBits(trace);
  const n = trace.samples.length;
  const totalBits = prefix[n]!;
  if (bits <= 0) return 0;
  if (totalBits === 0) return Number.POSITIVE_INFINITY;
  let periods = Math.floor(bits / totalBits);
  let rest = bits - periods * totalBits;
  if (rest <= 0) {
    // Exactly k periods: the earliest moment is the end of the last delivering sample of period k.
    periods -= 1;
    rest = totalBits;
  }
  // Smallest i with prefix[i + 1] >= rest; then prefix[i] < rest, so sample i's rate is > 0.
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (prefix[mid + 1]! >= rest) hi = mid;
    else lo = mid + 1;
  }
  const sample = trace.samples[lo]!;
  const offsetSec = sample.atSec + (rest - prefix[lo]!) / (sample.mbps * 1e6);
  return periods * trace.durationSec + offsetSec;
}

/** Mean rate over one period, in bit/s. */
export function meanBitsPerSecond(trace: ThroughputTrace): number {
  return prefixBits(trace)[trace.samples.length]! / trace.durationSec;
}
