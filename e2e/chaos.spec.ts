import { expect, type Page, test } from "@playwright/test";
import { allPorts } from "../mock-server/main.ts";
import { E2E_PORT_OFFSET } from "./ports.ts";
import { ADMIN, APPLIANCES, shapeAll } from "./support.ts";

/**
 * The fault matrix: every fault the network can inject, in both engines, mid-play on a link
 * slow enough that segments are still being fetched. Each run must reach the end of the title
 * with at most 1 s of stall and no fatal error, and the fault must have fired.
 *
 * The clip is played from 50 s (10 s before its end) on 1 Mbit/s: segments keep arriving
 * while the fault bites. Stalls are measured from outside the player: media time not moving
 * while the element is neither paused nor ended, sampled every 100 ms.
 */

const START_SEC = 50;
const END_SEC = 60;
/** Playback this far past the start before the fault: it hits mid-play. */
const INJECT_AFTER_SEC = 1;
const MAX_STALL_SEC = 1;

type Fault = {
  name: string;
  /** Inject it, given the appliance in use. */
  inject(page: Page, inUse: string): Promise<void>;
  /** The network's own account that it bit (its counters or state). */
  fired(page: Page, inUse: string): Promise<boolean>;
};

async function admin(page: Page, method: "GET" | "POST", path: string, data: object = {}) {
  const url = `${ADMIN}${path}`;
  const response =
    method === "GET" ? await page.request.get(url) : await page.request.post(url, { data });
  expect(response.ok(), `${method} ${path}: ${response.status()}`).toBe(true);
  return response.json() as Promise<unknown>;
}

/** A fault rule on the appliance in use, and whether it was injected at least once. */
const rule = (name: string, body: Record<string, unknown>): Fault => ({
  name,
  inject: (page, inUse) =>
    admin(page, "POST", "admin/faults", { ...body, appliance: inUse }).then(() => {}),
  fired: async (page) => {
    const faults = (await admin(page, "GET", "admin/faults")) as { injected: number }[];
    return faults.some((f) => f.injected > 0);
  },
});

type State = {
  appliances: { id: string; up: boolean; counters: { requests: number } }[];
  steering: { up: boolean; garbage: boolean };
};
const state = (page: Page) => admin(page, "GET", "admin/state") as Promise<State>;

const FAULTS: Fault[] = [
  {
    name: "the appliance in use goes down",
    inject: (page, inUse) => admin(page, "POST", `admin/appliances/${inUse}/down`).then(() => {}),
    fired: async (page, inUse) => !(await state(page)).appliances.find((a) => a.id === inUse)?.up,
  },
  rule("HTTP 500", { type: "error", status: 500 }),
  rule("HTTP 404", { type: "error", status: 404 }),
  rule("HTTP 503", { type: "error", status: 503 }),
  rule("a stall (headers, then silence)", { type: "stall", delayMs: 30_000 }),
  rule("a 3 s first byte", { type: "slow-first-byte", delayMs: 3_000 }),
  rule("a truncated body", { type: "truncate" }),
  rule("a corrupt body", { type: "corrupt" }),
  {
    name: "every appliance goes down",
    inject: async (page) => {
      for (const id of APPLIANCES) await admin(page, "POST", `admin/appliances/${id}/down`);
    },
    fired: async (page) => (await state(page)).appliances.every((a) => !a.up),
  },
  {
    name: "the steering service goes down",
    inject: (page) => admin(page, "POST", "admin/steering/down").then(() => {}),
    fired: async (page) => !(await state(page)).steering.up,
  },
  {
    name: "the steering service answers garbage",
    inject: (page) => admin(page, "POST", "admin/steering/garbage").then(() => {}),
    fired: async (page) => (await state(page)).steering.garbage,
  },
];

/** Samples the video from outside the player: stalled seconds after the first frame. */
async function watchStalls(page: Page): Promise<void> {
  await page.evaluate(() => {
    const meter = { stallSec: 0, last: -1, lastAt: 0 };
    (window as Window & { chaosMeter?: typeof meter }).chaosMeter = meter;
    setInterval(() => {
      const v = document.querySelector("video");
      const now = performance.now();
      if (!v || v.paused || v.ended || v.readyState === 0) {
        meter.lastAt = now;
        return;
      }
      if (v.currentTime === meter.last) meter.stallSec += (now - meter.lastAt) / 1000;
      meter.last = v.currentTime;
      meter.lastAt = now;
    }, 100);
  });
}

const stalledSec = (page: Page) =>
  page.evaluate(
    () => (window as Window & { chaosMeter?: { stallSec: number } }).chaosMeter?.stallSec ?? 0,
  );

type Seen = { time: number; ended: boolean; error: string | null; appliance: string | null };
const seen = (page: Page): Promise<Seen> =>
  page.evaluate(() => {
    type Probe = {
      store: { getState(): { error: string | null; applianceId: string | null } };
    };
    const v = document.querySelector("video");
    const s = (window as Window & { streamlab?: Probe }).streamlab?.store.getState();
    return {
      time: v?.currentTime ?? 0,
      ended: v?.ended ?? false,
      error: s?.error ?? null,
      appliance: s?.applianceId ?? null,
    };
  });

test.beforeEach(async ({ request }) => {
  await request.post(`${ADMIN}admin/reset`, { data: {} });
});
test.afterEach(async ({ request }) => {
  await request.post(`${ADMIN}admin/reset`, { data: {} });
});

for (const engine of ["hlsjs", "shaka"] as const) {
  for (const fault of FAULTS) {
    test(`${engine} rides out ${fault.name}`, async ({ page }) => {
      test.setTimeout(45_000);
      await shapeAll(page, 1_000_000);
      await page.goto(`/watch/e2e-clip?engine=${engine}&t=${START_SEC}`);
      await expect
        .poll(async () => (await seen(page)).time, { timeout: 15_000 })
        .toBeGreaterThan(START_SEC);
      await watchStalls(page);
      await expect
        .poll(async () => (await seen(page)).time, { timeout: 10_000 })
        .toBeGreaterThan(START_SEC + INJECT_AFTER_SEC);
      const inUse = (await seen(page)).appliance ?? APPLIANCES[0]!;
      await fault.inject(page, inUse);

      await expect
        .poll(async () => (await seen(page)).ended, { timeout: 30_000, intervals: [250] })
        .toBe(true);
      const end = await seen(page);
      expect(end.error).toBeNull();
      expect(end.time).toBeGreaterThan(END_SEC - 0.5);
      const stall = await stalledSec(page);
      // Kept in the report (.cache/test-reports/playwright.json): the matrix's figures.
      test.info().annotations.push({ type: "stall-sec", description: stall.toFixed(2) });
      expect(stall).toBeLessThanOrEqual(MAX_STALL_SEC);
      expect(await fault.fired(page, inUse)).toBe(true);
    });
  }
}

/** Every port of the delivery network (origin, steering, admin, appliances) as the page sees it. */
const NETWORK_PORTS = new Set(allPorts().map((port) => String(port + E2E_PORT_OFFSET)));
const toNetwork = (url: URL) => NETWORK_PORTS.has(url.port);

for (const engine of ["hlsjs", "shaka"] as const) {
  test(`${engine}: with the whole network gone the player says so, and plays on once it answers`, async ({
    page,
  }) => {
    test.setTimeout(60_000);
    // Slow enough that the buffer runs out while the network is gone.
    await shapeAll(page, 300_000);
    await page.goto(`/watch/e2e-clip?engine=${engine}`);
    await expect.poll(async () => (await seen(page)).time, { timeout: 15_000 }).toBeGreaterThan(1);
    // As the page meets a network that died: every connection refused.
    await page.route(toNetwork, (route) => route.abort("connectionrefused"));
    const alert = page.getByRole("alert");
    await expect(alert).toContainText("The delivery network is not answering: retrying…", {
      timeout: 30_000,
    });
    const stoppedAt = (await seen(page)).time;
    await page.unroute(toNetwork);
    await expect(alert).toHaveCount(0, { timeout: 15_000 });
    // Started again by itself, where the viewer was (not from the start).
    await expect
      .poll(async () => (await seen(page)).time, { timeout: 20_000 })
      .toBeGreaterThan(stoppedAt + 1);
    expect((await seen(page)).error).toBeNull();
  });
}
