import { expect, type Page, test } from "@playwright/test";
import { ADMIN, APPLIANCES, shapeAll, videoTime } from "./support.ts";

/**
 * Our ABR as a viewer meets it, in both engines: the picture-size ceiling by convention (the
 * smallest rendition at least as tall as the picture), a link below the lowest rung played to
 * the end with no segment fetched more than twice, a download stalled on every appliance fetched
 * elsewhere, and the freeze watchdog playing again a pause nobody asked for. Playwright's
 * window is 1280x720.
 */

/** An 8 s 720p title whose ladder has 360p, 540p and 720p (the e2e clip's stops at 360p). */
const SHARP = "resolution-chart";

interface Decided {
  renditionId: string;
  height: number;
  kind: string;
  cap: string | null;
}

/** The controller's decisions so far, with each rendition's height and the size cap's reason. */
const decisions = (page: Page): Promise<Decided[]> =>
  page.evaluate(() => {
    type Rule = { rule: string; index: number | null; reason: string };
    type Probe = {
      store: { getState(): { renditions: { id: string; height: number }[] } };
      controller: {
        decisions(): { renditionId: string; kind: string; inputs: { rules: Rule[] } }[];
      };
    };
    const probe = (window as Window & { streamlab?: Probe }).streamlab;
    if (!probe) return [];
    const heights = new Map(probe.store.getState().renditions.map((r) => [r.id, r.height]));
    return probe.controller.decisions().map((d) => {
      const cap = d.inputs.rules.find((o) => o.rule === "max-height");
      return {
        renditionId: d.renditionId,
        height: heights.get(d.renditionId) ?? 0,
        kind: d.kind,
        cap: cap && cap.index !== null ? cap.reason : null,
      };
    });
  });

/** The height of the rendition on screen now (what the engine reports playing). */
const playingHeight = (page: Page): Promise<number> =>
  page.evaluate(() => {
    type Probe = { store: { getState(): { rendition: { height: number } | null } } };
    const probe = (window as Window & { streamlab?: Probe }).streamlab;
    return probe?.store.getState().rendition?.height ?? 0;
  });

/** The player's warnings, as the stats overlay lists them. */
const warnings = (page: Page) =>
  page.evaluate(() => {
    type Probe = { store: { getState(): { warnings: string[] } } };
    return (window as Window & { streamlab?: Probe }).streamlab?.store.getState().warnings ?? [];
  });

test.beforeEach(async ({ request }) => {
  await request.post(`${ADMIN}admin/reset`, { data: {} });
});
test.afterEach(async ({ request }) => {
  await request.post(`${ADMIN}admin/reset`, { data: {} });
});

for (const engine of ["hlsjs", "shaka"] as const) {
  test(`${engine}: fills a 1280x720 window's picture, and comes down when it shrinks`, async ({
    page,
  }) => {
    await page.goto(`/watch/${SHARP}?engine=${engine}`);
    // The picture at 1280x720 is taller than 360p: 540p is the smallest rendition that fills it.
    await expect.poll(() => playingHeight(page), { timeout: 15_000 }).toBeGreaterThanOrEqual(540);
    const before = (await decisions(page)).at(-1)!;
    expect(before.cap).toMatch(/^picture \d+ px: up to (540|720)p$/);

    await page.setViewportSize({ width: 640, height: 360 });
    // Decided again on the resize, under the smaller picture's ceiling.
    await expect
      .poll(async () => (await decisions(page)).at(-1)?.cap ?? "", { timeout: 5_000 })
      .not.toBe(before.cap);
    const after = (await decisions(page)).at(-1)!;
    expect(after.height).toBeLessThan(540);
    const capHeight = Number(/up to (\d+)p/.exec(after.cap ?? "")?.[1]);
    expect(after.height).toBeLessThanOrEqual(capHeight);
    expect(capHeight).toBeLessThan(540);
  });

  test(`${engine}: plays a title to its end on a 0.2 Mbit/s link, no segment fetched more than twice`, async ({
    page,
  }) => {
    test.setTimeout(90_000);
    await shapeAll(page, 200_000);
    const requests = new Map<string, number>();
    page.on("request", (request) => {
      // video/<rendition>/seg_00003.m4s and audio/<lang>/seg_00003.m4s: one segment per track
      // and number, whatever the rendition.
      const match = /\/(video|audio)\/[^/]+\/(seg_\d+\.m4s)/.exec(request.url());
      if (!match) return;
      const key = `${match[1]} ${match[2]}`;
      requests.set(key, (requests.get(key) ?? 0) + 1);
    });
    await page.goto(`/watch/${SHARP}?engine=${engine}`);
    await expect
      .poll(() => page.locator("video").evaluate((v: HTMLVideoElement) => v.ended), {
        timeout: 75_000,
        intervals: [1_000],
      })
      .toBe(true);
    expect(await videoTime(page)).toBeGreaterThan(7.5);
    expect(requests.size).toBeGreaterThanOrEqual(8);
    const worst = Math.max(...requests.values());
    expect(worst, JSON.stringify(Object.fromEntries(requests))).toBeLessThanOrEqual(2);
  });

  test(`${engine}: a download stalled on every appliance is fetched elsewhere and said`, async ({
    page,
  }) => {
    // Every appliance stops sending half way through the clip's third segment, and keeps the
    // connection open: the player must notice, count it and fetch it elsewhere (the download's
    // silence is given up within the buffer; the freeze watchdog is the net under that).
    for (const appliance of APPLIANCES) {
      await page.request.post(`${ADMIN}admin/faults`, {
        data: {
          type: "stall",
          appliance,
          segment: "seg_00002.m4s",
          fraction: 0.5,
          delayMs: 60_000,
        },
      });
    }
    await page.goto(`/watch/e2e-clip?engine=${engine}`);
    await page.getByRole("button", { name: "Settings" }).click();
    await page.getByRole("button", { name: "Stats" }).click();
    // Past the stalled segment (4-6 s) and on.
    await expect.poll(() => videoTime(page), { timeout: 40_000 }).toBeGreaterThan(8);
    expect((await warnings(page)).join("\n")).toMatch(
      /stalled from (isp-a-1|isp-b-1|exchange-1)|Frozen for/i,
    );
  });

  test(`${engine}: the freeze watchdog plays again a pause nobody asked for, and says so`, async ({
    page,
  }) => {
    await page.goto(`/watch/e2e-clip?engine=${engine}`);
    await expect.poll(() => videoTime(page), { timeout: 20_000 }).toBeGreaterThan(1);
    // Paused from outside our controls (as a browser does on its own): not the viewer's pause.
    await page.locator("video").evaluate((v: HTMLVideoElement) => v.pause());
    const at = await videoTime(page);
    await expect.poll(() => videoTime(page), { timeout: 10_000 }).toBeGreaterThan(at + 1);
    const said = (await warnings(page)).join("\n");
    expect(said).toMatch(/froze at [\d.]+ s: recovering/);
    expect(said).toMatch(/playing again/);
  });
}
