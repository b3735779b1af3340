import { once } from "node:events";
import {
  createServer,
  get,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { Pacer, type RateSpec, type SendResult, sendPaced } from "./rate.ts";
import { bitsBetween, type ThroughputTrace } from "./trace.ts";

/** 4 Mbit/s for 1 s, then 1 Mbit/s for 1 s, looping: small enough to replay in a test. */
const STEP_TRACE: ThroughputTrace = {
  samples: [
    { atSec: 0, mbps: 4 },
    { atSec: 1, mbps: 1 },
  ],
  durationSec: 2,
};

function fakeClock(): { now: () => number; advance: (ms: number) => void } {
  let ms = 1_000;
  return { now: () => ms, advance: (by) => (ms += by) };
}

describe("Pacer (fake clock)", () => {
  it("lets a burst of 20 ms of data out at once, and not a byte more", () => {
    const clock = fakeClock();
    const pacer = new Pacer({ kind: "constant", bitsPerSecond: 8e6 }, clock.now);
    expect(pacer.burstBits()).toBe(160_000); // 20 ms at 8 Mbit/s = 20,000 bytes
    expect(pacer.delayMs(20_000)).toBe(0);
    expect(pacer.delayMs(20_001)).toBeCloseTo(0.001, 9);
    pacer.consume(20_000);
    expect(pacer.delayMs(1_000)).toBeCloseTo(1, 9); // 8,000 bits at 8 Mbit/s
    clock.advance(1);
    expect(pacer.delayMs(1_000)).toBe(0);
  });

  it("allows one 1 KiB chunk of burst at low rates, no more", () => {
    const pacer = new Pacer({ kind: "constant", bitsPerSecond: 100_000 }, fakeClock().now);
    expect(pacer.burstBits()).toBe(1024 * 8);
    expect(pacer.delayMs(1024)).toBe(0);
    expect(pacer.delayMs(1025)).toBeCloseTo(0.08, 9);
  });

  it("earns no credit while idle beyond the burst", () => {
    const clock = fakeClock();
    const pacer = new Pacer({ kind: "constant", bitsPerSecond: 8e6 }, clock.now);
    pacer.consume(20_000);
    clock.advance(10_000); // 10 s idle would be 10 MB of credit if it accumulated
    expect(pacer.delayMs(20_000)).toBe(0);
    expect(pacer.delayMs(30_000)).toBeCloseTo(10, 9);
    pacer.consume(20_000);
    expect(pacer.delayMs(10_000)).toBeCloseTo(10, 9);
  });

  it("keeps a sender that honours its waits within rate × time + burst", () => {
    const clock = fakeClock();
    const pacer = new Pacer({ kind: "constant", bitsPerSecond: 1e6 }, clock.now);
    let sentBytes = 0;
    while (clock.now() < 11_000) {
      const waitMs = pacer.delayMs(1_000);
      // A timer 0–3 ms late, as real ones are: lateness must not add up.
      if (waitMs > 0) clock.advance(Math.ceil(waitMs) + (sentBytes % 3));
      else {
        pacer.consume(1_000);
        sentBytes += 1_000;
      }
    }
    const allowedBytes = (1e6 * 10 + pacer.burstBits()) / 8;
    expect(sentBytes).toBeLessThanOrEqual(allowedBytes);
    expect(sentBytes).toBeGreaterThan(allowedBytes - 2_000);
  });

  it("makes up late timers within a response, up to 0.5 s, and not between responses", () => {
    /** Bytes sent in 10 s by a sender whose every timer fires `lateMs` late. */
    const send = (continuing: boolean, lateMs: number) => {
      const clock = fakeClock();
      const pacer = new Pacer({ kind: "constant", bitsPerSecond: 1e6 }, clock.now);
      let sentBytes = 0;
      while (clock.now() < 11_000) {
        const waitMs = pacer.delayMs(1_000, continuing && sentBytes > 0);
        if (waitMs > 0) clock.advance(Math.ceil(waitMs) + lateMs);
        else {
          pacer.consume(1_000, continuing && sentBytes > 0);
          sentBytes += 1_000;
        }
      }
      return sentBytes;
    };
    const rateBytes = (1e6 * 10) / 8;
    // 30 ms late each time (a busy event loop): a response loses nothing...
    expect(send(true, 30)).toBeGreaterThan(rateBytes - 4_000);
    expect(send(true, 30)).toBeLessThanOrEqual(rateBytes + 2_500);
    // ...where forfeiting what a timer was late by past the burst's slack (12 ms here) lost half.
    expect(send(false, 30)).toBeLessThan(rateBytes * 0.6);
  });

  it("lets a response make up at most 0.5 s of a stall", () => {
    const clock = fakeClock();
    const pacer = new Pacer({ kind: "constant", bitsPerSecond: 1e6 }, clock.now);
    pacer.consume(2_500);
    clock.advance(1_000); // the process stopped for a second mid-response
    // 0.5 s at 1 Mbit/s (62,500 bytes) plus the 2,500-byte burst go at once, no more.
    expect(pacer.delayMs(65_000, true)).toBe(0);
    expect(pacer.delayMs(65_001, true)).toBeGreaterThan(0);
    // A new response after idling gets the burst only.
    expect(pacer.delayMs(2_501, false)).toBeGreaterThan(0);
  });

  it("replays a trace from when the spec was set, across its steps", () => {
    const clock = fakeClock();
    const pacer = new Pacer({ kind: "constant", bitsPerSecond: 1e6 }, clock.now);
    clock.advance(5_000);
    pacer.setSpec({ kind: "trace", trace: STEP_TRACE, name: "step" });
    expect(pacer.bitsPerSecondNow()).toBe(4e6);
    const burstBytes = pacer.burstBits() / 8; // 20 ms at the 2.5 Mbit/s mean
    expect(burstBytes).toBe(6_250);
    pacer.consume(burstBytes);
    // 5 Mbit more: the whole 4 Mbit/s second, then all of the 1 Mbit/s one.
    expect(pacer.delayMs(625_000)).toBeCloseTo(2_000, 6);
    clock.advance(1_500);
    expect(pacer.bitsPerSecondNow()).toBe(1e6);
    // Nothing was sent, so no credit: 5 Mbit less the burst from now is 0.5 s at 1 Mbit/s,
    // 1 s at 4 Mbit/s, then 0.45 s at 1 Mbit/s.
    expect(pacer.delayMs(625_000)).toBeCloseTo(1_950, 6);
  });

  it("carries bytes sent ahead across setSpec, but no more than the new burst", () => {
    const clock = fakeClock();
    const pacer = new Pacer({ kind: "constant", bitsPerSecond: 80e6 }, clock.now);
    pacer.consume(200_000); // the whole 20 ms burst at 80 Mbit/s
    pacer.setSpec({ kind: "constant", bitsPerSecond: 100_000 });
    // Owed: capped at the new 4 KiB burst, so 1 KiB more waits 1 KiB at 100 kbit/s.
    expect(pacer.delayMs(1_024)).toBeCloseTo(81.92, 6);
  });

  it("never waits when unlimited, and sizes chunks to about 5 ms within [1 KiB, 64 KiB]", () => {
    const pacer = new Pacer({ kind: "unlimited" }, fakeClock().now);
    pacer.consume(1e9);
    expect(pacer.delayMs(1e9)).toBe(0);
    expect(pacer.chunkBytes()).toBe(65_536);
    pacer.setSpec({ kind: "constant", bitsPerSecond: 50e6 });
    expect(pacer.chunkBytes()).toBe(31_250);
    pacer.setSpec({ kind: "constant", bitsPerSecond: 100_000 });
    expect(pacer.chunkBytes()).toBe(1_024);
  });

  it("refuses a rate that is not a positive number", () => {
    expect(() => new Pacer({ kind: "constant", bitsPerSecond: 0 })).toThrow("positive finite");
    expect(() => new Pacer({ kind: "constant", bitsPerSecond: Number.NaN })).toThrow("positive");
  });
});

// ---- Over real loopback HTTP ---------------------------------------------------------------

let server: Server | undefined;

afterEach(async () => {
  server?.closeAllConnections();
  if (server) await new Promise((resolve) => server?.close(resolve));
  server = undefined;
});

async function serve(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<string> {
  server = createServer(handler);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

/** Each read's arrival (ms since the request) and the bytes received so far. */
interface Arrival {
  atMs: number;
  totalBytes: number;
}

function download(url: string): Promise<Arrival[]> {
  return new Promise((resolve, reject) => {
    const startMs = performance.now();
    const arrivals: Arrival[] = [];
    let totalBytes = 0;
    get(url, (res) => {
      res.on("data", (chunk: Buffer) => {
        totalBytes += chunk.length;
        arrivals.push({ atMs: performance.now() - startMs, totalBytes });
      });
      res.on("end", () => resolve(arrivals));
      res.on("error", reject);
    }).on("error", reject);
  });
}

/**
 * Serve `bytes` through a fresh pacer at `spec` and download them. `requestAtMs`: when the
 * request went out on the pacer's clock, whose 0 is the trace's 0.
 */
async function pacedDownload(
  spec: RateSpec,
  bytes: number,
): Promise<{ arrivals: Arrival[]; pacer: Pacer; requestAtMs: number }> {
  const pacerStartMs = performance.now();
  const pacer = new Pacer(spec, () => performance.now());
  const url = await serve((_req, res) => {
    res.writeHead(200, { "content-length": bytes });
    void sendPaced(Buffer.alloc(bytes, 7), res, pacer);
  });
  const requestAtMs = performance.now() - pacerStartMs;
  return { arrivals: await download(url), pacer, requestAtMs };
}

const CONSTANT_RATES = [100_000, 1e6, 10e6, 50e6];
const TRANSFER_SEC = 2.5;
const TOLERANCE = 0.05;
/** These measure wall time: a 100 ms pause of the event loop (other test files on the same two
 * cores) loses a tenth of a second's bytes for good, as on a real link. One retry tells such a
 * pause from a pacing error, which repeats. */
const TIMED = { timeout: 15_000, retry: 1 };

describe("sendPaced over loopback: constant rates", () => {
  for (const bitsPerSecond of CONSTANT_RATES) {
    it(`delivers ${bitsPerSecond / 1e6} Mbit/s within 5%`, TIMED, async () => {
      const bytes = Math.round((bitsPerSecond * TRANSFER_SEC) / 8);
      const { arrivals, pacer } = await pacedDownload({ kind: "constant", bitsPerSecond }, bytes);
      const first = arrivals[0]!;
      const last = arrivals[arrivals.length - 1]!;
      expect(last.totalBytes).toBe(bytes);
      // What a client measures once past the start: from the read that crossed 20% to the end.
      const mark = arrivals.find((a) => a.totalBytes >= bytes * 0.2)!;
      const steadyBps = ((bytes - mark.totalBytes) * 8) / ((last.atMs - mark.atMs) / 1000);
      // What a client timing the whole download from its first byte measures.
      const wholeBps = (bytes * 8) / ((last.atMs - first.atMs) / 1000);
      const modelMs = ((bytes * 8 - pacer.burstBits()) / bitsPerSecond) * 1000;
      expect(Math.abs(steadyBps / bitsPerSecond - 1)).toBeLessThan(TOLERANCE);
      expect(Math.abs(wholeBps / bitsPerSecond - 1)).toBeLessThan(TOLERANCE);
      expect(Math.abs((last.atMs - first.atMs) / modelMs - 1)).toBeLessThan(TOLERANCE);
    });
  }
});

describe("sendPaced over loopback: trace replay", () => {
  it("delivers each second of a 4/1 Mbit/s step trace within 5%", TIMED, async () => {
    const seconds = 4;
    // Half a second more than measured, so the last measured second is not cut short.
    const bytes = Math.round(bitsBetween(STEP_TRACE, 0, seconds + 0.5) / 8);
    const { arrivals, requestAtMs } = await pacedDownload(
      { kind: "trace", trace: STEP_TRACE, name: "step" },
      bytes,
    );
    // Seconds of the trace, not of the download: the trace starts with the pacer, a few ms
    // before the request, and a window shifted by that much takes a slice of the next step.
    const receivedBy = (ms: number): number =>
      arrivals.filter((a) => a.atMs + requestAtMs < ms).reduce((_, a) => a.totalBytes, 0);
    const errors: number[] = [];
    for (let k = 0; k < seconds; k++) {
      const deliveredBits = (receivedBy((k + 1) * 1000) - receivedBy(k * 1000)) * 8;
      const traceBits = bitsBetween(STEP_TRACE, k, k + 1);
      errors.push(deliveredBits / traceBits - 1);
    }
    console.log(
      `trace per-second errors: ${errors.map((e) => `${(e * 100).toFixed(2)}%`).join(", ")}`,
    );
    for (const error of errors) expect(Math.abs(error)).toBeLessThan(TOLERANCE);
  });
});

describe("sendPaced over loopback: a rate change mid-transfer", () => {
  it("follows a drop from 3 to 0.6 Mbit/s within a response", { timeout: 15_000 }, async () => {
    // The chunk in hand when the rate drops was sized for 3 Mbit/s (1,875 bytes), larger than the
    // whole 0.6 Mbit/s burst (1,500 bytes): that response used to wait forever.
    const pacer = new Pacer({ kind: "constant", bitsPerSecond: 3e6 });
    const bytes = 200_000;
    const url = await serve((_req, res) => {
      res.writeHead(200, { "content-length": bytes });
      void sendPaced(Buffer.alloc(bytes, 7), res, pacer);
    });
    const drop = setTimeout(() => pacer.setSpec({ kind: "constant", bitsPerSecond: 600_000 }), 200);
    const arrivals = await download(url);
    clearTimeout(drop);
    const last = arrivals.at(-1)!;
    expect(last.totalBytes).toBe(bytes);
    // About 75 kB in the first 0.2 s at 3 Mbit/s, the other 125 kB at 0.6 Mbit/s: 1.87 s.
    const atDrop = arrivals.filter((a) => a.atMs <= 200).at(-1)?.totalBytes ?? 0;
    const expectedMs = 200 + ((bytes - atDrop) * 8 * 1000) / 600_000;
    expect(Math.abs(last.atMs / expectedMs - 1)).toBeLessThan(0.1);
  });
});

describe("sendPaced: flow control and stopping", () => {
  it("streams unlimited bodies without pacing, pulling a stream only as the client reads", async () => {
    let pulled = 0;
    const piece = Buffer.alloc(1024 * 1024, 1);
    const body = new Readable({
      read() {
        pulled++;
        this.push(pulled <= 64 ? piece : null);
      },
    });
    let result: Promise<SendResult> | undefined;
    const url = await serve((_req, res) => {
      result = sendPaced(body, res, new Pacer({ kind: "unlimited" }));
    });
    const received = await new Promise<number>((resolve, reject) => {
      get(url, (res) => {
        res.pause(); // a client that does not read: writes must stop, not buffer 64 MiB
        setTimeout(() => {
          expect(pulled).toBeLessThan(48);
          let total = 0;
          res.on("data", (chunk: Buffer) => (total += chunk.length));
          res.on("end", () => resolve(total));
          res.resume();
        }, 300);
      }).on("error", reject);
    });
    expect(received).toBe(64 * 1024 * 1024);
    expect(await result).toEqual({ bytesSent: 64 * 1024 * 1024, completed: true });
  });

  it("stops promptly and destroys the stream when the client disconnects", async () => {
    const body = Readable.from(
      (function* () {
        for (;;) yield Buffer.alloc(1024, 2);
      })(),
    );
    let result: Promise<SendResult> | undefined;
    const url = await serve((_req, res) => {
      result = sendPaced(body, res, new Pacer({ kind: "constant", bitsPerSecond: 1e6 }));
    });
    await new Promise<void>((resolve) => {
      const req = get(url, (res) => {
        res.once("data", () => setTimeout(() => req.destroy(), 100));
      });
      req.on("close", resolve);
      req.on("error", () => {});
    });
    const startMs = performance.now();
    const { bytesSent, completed } = await result!;
    expect(performance.now() - startMs).toBeLessThan(500);
    expect(completed).toBe(false);
    // About 100 ms at 1 Mbit/s plus the burst: far from an endless body.
    expect(bytesSent).toBeGreaterThan(10_000);
    expect(bytesSent).toBeLessThan(40_000);
    expect(body.destroyed).toBe(true);
  });

  it("stops when the signal aborts, cutting the response short", async () => {
    const controller = new AbortController();
    let result: Promise<SendResult> | undefined;
    let startedAt = 0;
    let abortedAt = 0;
    const url = await serve((_req, res) => {
      res.writeHead(200, { "content-length": 1_000_000 });
      startedAt = performance.now();
      result = sendPaced(
        Buffer.alloc(1_000_000),
        res,
        new Pacer({ kind: "constant", bitsPerSecond: 4e6 }),
        {
          signal: controller.signal,
          chunkBytes: 2_000,
        },
      );
      setTimeout(() => {
        abortedAt = performance.now();
        controller.abort();
      }, 200);
    });
    const outcome = await new Promise<string>((resolve) => {
      get(url, (res) => {
        res.on("data", () => {});
        res.on("end", () => resolve("end"));
        res.on("aborted", () => resolve("aborted"));
        res.on("error", () => resolve("error"));
      }).on("error", () => resolve("error"));
    });
    expect(outcome).not.toBe("end");
    const { bytesSent, completed } = await result!;
    expect(completed).toBe(false);
    expect(bytesSent % 2_000).toBe(0); // whole chunks of the size asked for
    expect(bytesSent).toBeGreaterThan(80_000); // ~200 ms at 4 Mbit/s = 100 kB
    // Nothing past the abort: at most the rate until then (a loaded machine fires the abort
    // late, and the pacer makes up late timers), the 20 ms burst and one chunk.
    const untilAbortBytes = (4e6 / 8) * ((abortedAt - startedAt) / 1000);
    expect(bytesSent).toBeLessThanOrEqual(untilAbortBytes + 10_000 + 2_000);
  });
});
