/**
 * Throughput traces: a link's capacity over time, replayed by the pacer. Two file formats are
 * read: Pensieve (`<seconds> <Mbit/s>` per line) and mahimahi (one millisecond timestamp per
 * 1500-byte delivery opportunity). Both become the same step function, which loops forever.
 */
import { TRACE_LIMITS } from "../../src/schemas/admin.ts";

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

const LIMITS = TRACE_LIMITS;
const MAX_DURATION_MS = LIMITS.maxDurationSec * 1000;
const DAY = `${LIMITS.maxDurationSec / 3600} h`;

/**
 * Lines read between two points where a sliced parse may give the event loop back: about a
 * quarter of a millisecond of work on this machine, so the time check itself costs nothing.
 */
const LINES_PER_STEP = 2048;
/**
 * Longest stretch a sliced parse keeps the event loop: small against the 50 ms a server may
 * be held up at most, which the request's own JSON body (5 ms for 4.7 MB) and the garbage
 * collector also take from.
 */
const SLICE_MS = 4;

/**
 * A parse in steps: it yields now and then, and returns the trace. One parser serves both
 * drivers below, so a trace read at start-up and one uploaded to a running server are read
 * alike, limits included.
 */
type Steps<T> = Generator<void, T, void>;

/** What `sampleLines` yields between lines where a parse may pause. */
const PAUSE = null;

interface SampleLine {
  line: number;
  raw: string;
  fields: string[];
}

/** A line as an error message quotes it: cut short, so a huge line makes no huge message. */
const quote = (raw: string) => JSON.stringify(raw.length > 60 ? `${raw.slice(0, 60)}…` : raw);

/**
 * Non-blank lines with their 1-based numbers, fields split on whitespace, read one at a time
 * (a `split` of the whole text would allocate every line at once). A line too long to be a
 * sample is refused before it is split.
 */
function* sampleLines(text: string): Generator<SampleLine | typeof PAUSE> {
  if (text.length > LIMITS.maxChars) {
    throw new Error(
      `trace is ${text.length} characters, over the limit of ${LIMITS.maxChars}: cut it shorter or sample it less often`,
    );
  }
  let line = 0;
  for (let at = 0; at <= text.length; ) {
    const newline = text.indexOf("\n", at);
    const end = newline === -1 ? text.length : newline;
    if (++line % LINES_PER_STEP === 0) yield PAUSE;
    if (end - at > LIMITS.maxLineChars) {
      throw new Error(
        `line ${line} is ${end - at} characters long; a sample line is at most ${LIMITS.maxLineChars}: one sample per line`,
      );
    }
    const raw = text.slice(at, end).trim();
    at = end + 1;
    if (raw !== "") yield { line, raw, fields: raw.split(/\s+/) };
  }
}

/** A finite, non-negative number, or an error naming the line and the field. */
function parseNumber(field: string, what: string, line: number): number {
  if (NON_FINITE.test(field))
    throw new Error(`line ${line}: ${what} must be finite, got ${quote(field)}`);
  if (!NUMBER.test(field))
    throw new Error(`line ${line}: ${what} is not a number: ${quote(field)}`);
  const value = Number(field);
  if (!Number.isFinite(value))
    throw new Error(`line ${line}: ${what} must be finite, got ${quote(field)}`);
  if (value < 0) throw new Error(`line ${line}: ${what} must not be negative, got ${quote(field)}`);
  return value;
}

function checkRate(mbps: number, where: string): void {
  if (mbps > LIMITS.maxMbps) {
    throw new Error(
      `${where}: rate ${+mbps.toPrecision(6)} Mbit/s is over the limit of ${LIMITS.maxMbps} Mbit/s: lower it`,
    );
  }
}

function checkDuration(durationSec: number, where: string): void {
  if (durationSec > LIMITS.maxDurationSec) {
    throw new Error(
      `${where}: the trace would last ${+durationSec.toPrecision(6)} s, over the limit of ${DAY} (${LIMITS.maxDurationSec} s): cut it to ${DAY} or less`,
    );
  }
}

function* pensieveSteps(text: string): Steps<ThroughputTrace> {
  const samples: ThroughputSample[] = [];
  let start = 0;
  let previous = -1;
  for (const sample of sampleLines(text)) {
    if (sample === PAUSE) {
      yield;
      continue;
    }
    const { line, raw, fields } = sample;
    if (fields.length !== 2) {
      throw new Error(`line ${line}: expected "<seconds> <Mbit/s>", got ${quote(raw)}`);
    }
    const atSec = parseNumber(fields[0]!, "time", line);
    const mbps = parseNumber(fields[1]!, "rate (Mbit/s)", line);
    if (samples.length > 0 && atSec <= previous) {
      throw new Error(`line ${line}: time ${atSec} s is not after the previous ${previous} s`);
    }
    if (samples.length === 0) start = atSec;
    checkDuration(atSec - start, `line ${line}`);
    checkRate(mbps, `line ${line}`);
    if (samples.length >= LIMITS.maxSamples) {
      throw new Error(
        `line ${line}: more than ${LIMITS.maxSamples} samples, the limit: sample less often or cut the trace shorter`,
      );
    }
    // Shifted as read: the trace starts when shaping starts.
    samples.push({ atSec: atSec - start, mbps });
    previous = atSec;
  }
  if (samples.length === 0) throw new Error("empty trace: no samples");
  const gaps = new Float64Array(samples.length - 1);
  for (let i = 1; i < samples.length; i++) {
    if (i % LINES_PER_STEP === 0) yield;
    gaps[i - 1] = samples[i]!.atSec - samples[i - 1]!.atSec;
  }
  const gapSec = gaps.length > 0 ? median(gaps) : DEFAULT_PENSIEVE_GAP_SEC;
  const durationSec = samples[samples.length - 1]!.atSec + gapSec;
  checkDuration(durationSec, "the last sample lasts the median gap");
  return yield* finished({ samples, durationSec });
}

/**
 * The median, in O(n) by quickselect on a random pivot (the gaps are a client's to choose, so
 * no fixed pivot rule an input could defeat): sorting a million gaps held the event loop for
 * about 100 ms. Reorders `values`.
 */
function median(values: Float64Array): number {
  const select = (k: number): number => {
    let lo = 0;
    let hi = values.length - 1;
    while (lo < hi) {
      const pivot = values[lo + Math.floor(Math.random() * (hi - lo + 1))]!;
      let i = lo;
      let j = hi;
      while (i <= j) {
        while (values[i]! < pivot) i++;
        while (values[j]! > pivot) j--;
        if (i <= j) {
          const t = values[i]!;
          values[i++] = values[j]!;
          values[j--] = t;
        }
      }
      if (k <= j) hi = j;
      else if (k >= i) lo = i;
      else return values[k]!;
    }
    return values[k]!;
  };
  const mid = Math.floor(values.length / 2);
  if (values.length % 2 === 1) return select(mid);
  const upper = select(mid);
  // After selecting `mid`, everything below it sits in [0, mid): the lower middle is their max.
  let lower = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < mid; i++) lower = Math.max(lower, values[i]!);
  return (lower + upper) / 2;
}

/**
 * Pensieve: `<seconds> <Mbit/s>` per line. Timestamps are shifted so the first is 0 (the
 * trace starts when shaping starts); the last sample lasts the median gap, so looping is seamless.
 */
export function parsePensieveTrace(text: string): ThroughputTrace {
  return runNow(pensieveSteps(text));
}

function* mahimahiSteps(text: string): Steps<ThroughputTrace> {
  // Packets per window, grown as the timestamps advance: never more windows than a day has,
  // since a timestamp past the limit is refused before its window is made.
  const packets: number[] = [];
  let last = -1;
  let atLast = 0;
  for (const sample of sampleLines(text)) {
    if (sample === PAUSE) {
      yield;
      continue;
    }
    const { line, raw, fields } = sample;
    if (fields.length !== 1) {
      throw new Error(
        `line ${line}: expected one integer millisecond timestamp, got ${quote(raw)}`,
      );
    }
    const field = fields[0]!;
    const ms = parseNumber(field, "timestamp (ms)", line);
    if (!Number.isInteger(ms) || !/^\+?\d+$/.test(field)) {
      throw new Error(
        `line ${line}: timestamp must be an integer number of ms, got ${quote(field)}`,
      );
    }
    if (ms < last) {
      throw new Error(`line ${line}: timestamp ${ms} ms is before the previous ${last} ms`);
    }
    if (ms > MAX_DURATION_MS) {
      throw new Error(
        `line ${line}: timestamp ${ms} ms is past ${DAY} (${MAX_DURATION_MS} ms), the longest trace accepted: cut the trace to ${DAY} or less`,
      );
    }
    const window = Math.floor(ms / MAHIMAHI_WINDOW_MS);
    while (packets.length <= window) {
      packets.push(0);
      // A jump of hours between two lines makes tens of thousands of windows at once.
      if (packets.length % LINES_PER_STEP === 0) yield;
    }
    packets[window] = packets[window]! + 1;
    atLast = ms === last ? atLast + 1 : 1;
    last = ms;
  }
  if (last === -1) throw new Error("empty trace: no samples");
  const periodMs = last;
  if (periodMs <= 0) throw new Error("trace period (its last timestamp) must be more than 0 ms");
  // The file loops with period = its last timestamp: packets at the period itself are the
  // next loop's time 0.
  const lastWindow = Math.floor(periodMs / MAHIMAHI_WINDOW_MS);
  packets[lastWindow] = packets[lastWindow]! - atLast;
  packets[0] = packets[0]! + atLast;
  const windows = Math.ceil(periodMs / MAHIMAHI_WINDOW_MS);
  const samples: ThroughputSample[] = [];
  for (let w = 0; w < windows; w++) {
    if (w % LINES_PER_STEP === 0) yield;
    const widthSec = Math.min(MAHIMAHI_WINDOW_MS, periodMs - w * MAHIMAHI_WINDOW_MS) / 1000;
    // w / 10 rather than w * 0.1: exact decimal seconds, no drift over long traces.
    const atSec = (w * MAHIMAHI_WINDOW_MS) / 1000;
    const mbps = (packets[w]! * MAHIMAHI_PACKET_BITS) / widthSec / 1e6;
    checkRate(mbps, `the 100 ms window at ${atSec} s`);
    samples.push({ atSec, mbps });
  }
  return yield* finished({ samples, durationSec: periodMs / 1000 });
}

/**
 * mahimahi: one integer per line, the millisecond at which one 1500-byte packet may leave;
 * the file loops with period = its last timestamp (so a timestamp equal to the period is the
 * next loop's 0). Packets are counted per 100 ms window; a shorter last window keeps its own width.
 */
export function parseMahimahiTrace(text: string): ThroughputTrace {
  return runNow(mahimahiSteps(text));
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
function* traceSteps(text: string): Steps<ThroughputTrace> {
  for (const sample of sampleLines(text)) {
    if (sample === PAUSE) {
      yield;
      continue;
    }
    const { line, raw, fields } = sample;
    if (fields.length === 2) return yield* pensieveSteps(text);
    if (fields.length === 1) return yield* mahimahiSteps(text);
    throw new Error(
      `line ${line}: expected "<seconds> <Mbit/s>" (Pensieve) or "<ms>" (mahimahi), got ${quote(raw)}`,
    );
  }
  throw new Error("empty trace: no samples");
}

function named(error: unknown, name: string | undefined): unknown {
  return error instanceof Error && name ? new Error(`${name}: ${error.message}`) : error;
}

/** Either format (see `traceSteps`), read at once: start-up, benchmarks, tests. */
export function parseTrace(text: string, name?: string): ThroughputTrace {
  try {
    return runNow(traceSteps(text));
  } catch (error) {
    throw named(error, name);
  }
}

/**
 * Either format, read in slices of about `SLICE_MS`, the event loop given back
 * (setImmediate) between them: what a running server uses, so a trace of megabytes never holds
 * up the other requests. In the same thread rather than a worker: a worker would hand up to a
 * million samples back through structured cloning, on this thread, in one piece.
 */
export async function parseTraceSliced(text: string, name?: string): Promise<ThroughputTrace> {
  try {
    return await runSliced(traceSteps(text));
  } catch (error) {
    throw named(error, name);
  }
}

/** After whatever I/O is waiting: setImmediate runs after the poll phase, a resolved promise would not. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function runNow<T>(steps: Steps<T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

async function runSliced<T>(steps: Steps<T>): Promise<T> {
  // Not in the tick that read the request: that one already parsed megabytes of JSON.
  await nextTurn();
  let sliceStart = performance.now();
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    if (performance.now() - sliceStart >= SLICE_MS) {
      await nextTurn();
      sliceStart = performance.now();
    }
  }
}

/**
 * The prefix sums every later lookup needs, computed here in steps and cached, so the first
 * request paced by a long trace does not compute them in one go; a trace that never delivers
 * would stall every transfer forever, so it is refused at the door.
 */
function* finished(trace: ThroughputTrace): Steps<ThroughputTrace> {
  const { samples, durationSec } = trace;
  const prefix = new Float64Array(samples.length + 1);
  for (let i = 0; i < samples.length; i++) {
    if (i % LINES_PER_STEP === 0) yield;
    const s = samples[i]!;
    const endSec = samples[i + 1]?.atSec ?? durationSec;
    if (!(endSec > s.atSec)) throw new Error(`trace sample ${i} (at ${s.atSec} s) has no duration`);
    prefix[i + 1] = prefix[i]! + s.mbps * 1e6 * (endSec - s.atSec);
  }
  if (!(prefix[samples.length]! > 0)) {
    throw new Error("trace never delivers any data (every rate is 0)");
  }
  prefixCache.set(trace, prefix);
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
