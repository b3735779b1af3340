/**
 * `npm run startup-time -- --app URL [--app URL2 ...] [--path /watch/e2e-clip] [--runs 5]
 * [--requests] [--latency-ms N]`: how long a viewer opening a link waits. Each run is a fresh
 * browser context (empty HTTP cache) at 1280x720 in the system Chromium; it reports the time
 * from navigation to the video's first frame (the first frame handed to the compositor,
 * `requestVideoFrameCallback`, and `loadeddata`, the moment the player's own stats call first
 * frame), then the median per app. Several apps (a dev server and a build) take turns run by
 * run, so that drift in the load of a shared machine hits them alike. `--requests` also prints
 * each app's first run's requests: when each started and ended after navigation, and its size.
 * `--latency-ms` delays every request of the page by N ms (Chromium's network emulation), as
 * servers farther away than loopback would: each request that waits for another costs that
 * much again. Start the servers first (`npm start`, `npm run dev`, `scripts/demo.ts --e2e`).
 */
import { type Browser, chromium, type Request } from "@playwright/test";
import playwrightConfig, { CHROMIUM_PATH } from "../playwright.config.ts";
import { type CommandLine, exitWithUsageError, parseCommandLine } from "./cli.ts";

const CLI: CommandLine = {
  name: "startup-time",
  command: "npm run startup-time --",
  usage: `Usage: npm run startup-time -- --app URL [--app URL2 ...] [options]

How long a viewer opening a link waits: navigation to the video's first frame, in a fresh
Chromium context per run at 1280x720, the median per app. Start the servers first (npm start,
npm run dev, or scripts/demo.ts --e2e) and give the app: line they print.

Options:
  --app URL         an app to measure (repeatable: several take turns run by run)
  --path PATH       the page to open (default /watch/e2e-clip)
  --runs N          runs per app (default 5)
  --requests        also print each app's first run's requests (start, end, size)
  --latency-ms N    delay every request of the page by N ms (default 0)
  -h, --help        show this help`,
};
const { values } = parseCommandLine(CLI, {
  app: { type: "string", multiple: true },
  path: { type: "string", default: "/watch/e2e-clip" },
  runs: { type: "string", default: "5" },
  requests: { type: "boolean", default: false },
  "latency-ms": { type: "string", default: "0" },
});
const apps = values.app ?? [];
if (apps.length === 0)
  exitWithUsageError(CLI, "--app URL is required (the app: line scripts/demo.ts prints)");
let urls: string[] = [];
try {
  urls = apps.map((app) => new URL(values.path, app).href);
} catch {
  exitWithUsageError(
    CLI,
    `--app takes a URL such as http://127.0.0.1:5173/, not "${apps.join(" ")}"`,
  );
}
const runs = Number(values.runs);
const latencyMs = Number(values["latency-ms"]);
if (!Number.isInteger(runs) || runs < 1 || runs > 1000)
  exitWithUsageError(CLI, `--runs takes a whole number from 1 to 1000, not "${values.runs}"`);
if (!(latencyMs >= 0) || latencyMs > 60_000)
  exitWithUsageError(
    CLI,
    `--latency-ms takes a number from 0 to 60000, not "${values["latency-ms"]}"`,
  );

interface FirstFrame {
  loadedDataMs: number;
  presentedMs: number;
}

/** Runs in the page before any of its scripts: notes both first-frame moments, in
 * `performance.now()` time (zero at navigation start). Media events do not bubble, but every
 * event passes the document on its way down, so a capturing listener sees every video's. */
function recordFirstFrame(): void {
  const mark = window as Window & { __firstFrame?: Partial<FirstFrame> };
  mark.__firstFrame = {};
  document.addEventListener(
    "loadeddata",
    () => {
      mark.__firstFrame!.loadedDataMs ??= performance.now();
    },
    true,
  );
  document.addEventListener(
    "loadstart",
    (event) => {
      const video = event.target;
      if (!(video instanceof HTMLVideoElement)) return;
      video.requestVideoFrameCallback((_now, frame) => {
        mark.__firstFrame!.presentedMs ??= frame.presentationTime;
      });
    },
    true,
  );
}

interface Timed {
  url: string;
  type: string;
  startMs: number;
  endMs: number;
  bytes: number;
}

async function once(browser: Browser, url: string, logRequests: boolean): Promise<FirstFrame> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  await page.addInitScript(recordFirstFrame);
  if (latencyMs > 0) {
    const cdp = await context.newCDPSession(page);
    await cdp.send("Network.emulateNetworkConditions", {
      offline: false,
      latency: latencyMs,
      downloadThroughput: -1,
      uploadThroughput: -1,
    });
  }
  const finished: Request[] = [];
  if (logRequests) page.on("requestfinished", (request) => finished.push(request));
  try {
    await page.goto(url);
    const handle = await page.waitForFunction(
      () => {
        const f = (window as Window & { __firstFrame?: Partial<FirstFrame> }).__firstFrame;
        return f?.loadedDataMs !== undefined && f.presentedMs !== undefined ? f : null;
      },
      null,
      { timeout: 30_000 },
    );
    const frame = (await handle.jsonValue()) as FirstFrame;
    if (logRequests) {
      const navigationStartMs = await page.evaluate(() => performance.timeOrigin);
      const timed: Timed[] = [];
      for (const request of finished) {
        const t = request.timing();
        const sizes = await request.sizes().catch(() => null);
        timed.push({
          url: request.url(),
          type: request.resourceType(),
          startMs: t.startTime - navigationStartMs,
          endMs: t.startTime - navigationStartMs + t.responseEnd,
          bytes: sizes ? sizes.responseBodySize : 0,
        });
      }
      timed.sort((a, b) => a.startMs - b.startMs);
      for (const r of timed.filter((r) => r.startMs <= frame.presentedMs + 100)) {
        console.log(
          `  ${r.startMs.toFixed(0).padStart(5)} -> ${r.endMs.toFixed(0).padStart(5)} ms  ${r.type.padEnd(10)} ${(r.bytes / 1024).toFixed(1).padStart(7)} kB  ${r.url}`,
        );
      }
      console.log(`  (${timed.length} requests until the first frame and 100 ms after)`);
    }
    return frame;
  } finally {
    await context.close();
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

const browser = await chromium.launch({
  executablePath: CHROMIUM_PATH,
  args: playwrightConfig.use?.launchOptions?.args ?? [],
});
try {
  const frames = urls.map((): FirstFrame[] => []);
  for (let i = 0; i < runs; i++) {
    for (const [j, url] of urls.entries()) {
      const frame = await once(browser, url, values.requests && i === 0);
      frames[j]!.push(frame);
      console.log(
        `${url} run ${i + 1}: first frame ${frame.presentedMs.toFixed(0)} ms (loadeddata ${frame.loadedDataMs.toFixed(0)} ms)`,
      );
    }
  }
  for (const [j, url] of urls.entries()) {
    const mine = frames[j]!;
    console.log(
      `${url}: median first frame ${median(mine.map((f) => f.presentedMs)).toFixed(0)} ms (loadeddata ${median(mine.map((f) => f.loadedDataMs)).toFixed(0)} ms) over ${runs} runs`,
    );
  }
} finally {
  await browser.close();
}
