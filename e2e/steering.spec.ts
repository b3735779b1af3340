import { expect, type Page, test } from "@playwright/test";
import { E2E_URLS } from "./ports.ts";
import { ADMIN, videoTime } from "./support.ts";

/**
 * hls.js steers itself with our steering service's HLS content steering: opened as any stream
 * URL (`?src=`, with `&direct=1`: not through the network's proxy, which would drop the
 * upstream's content steering), our player leaves routing to hls.js (only our controller picks
 * the rendition),
 * which plays the steered multivariant playlist from the first pathway and, when that
 * appliance is taken down, carries on from another one.
 */
const STEERING = E2E_URLS.steering;

interface Counters {
  id: string;
  counters: { requests: number };
}

async function requestsByAppliance(page: Page): Promise<Record<string, number>> {
  const state = (await (await page.request.get(`${ADMIN}admin/state`)).json()) as {
    appliances: Counters[];
  };
  return Object.fromEntries(state.appliances.map((a) => [a.id, a.counters.requests]));
}

test.afterEach(async ({ request }) => {
  await request.post(`${ADMIN}admin/reset`, { data: {} });
});

test("stock hls.js follows content steering and fails over when an appliance goes down", async ({
  page,
}) => {
  await page.request.post(`${ADMIN}admin/reset`, { data: {} });
  const answer = (await (
    await page.request.get(`${STEERING}steering/e2e-clip?region=isp-a`)
  ).json()) as {
    appliances: { id: string }[];
  };
  const first = answer.appliances[0]!.id;
  // A slow link everywhere, so the player cannot buffer the whole clip before the failure.
  for (const a of answer.appliances) {
    await page.request.put(`${ADMIN}admin/appliances/${a.id}/shaping`, {
      data: { bitsPerSecond: 500_000 },
    });
  }
  const before = await requestsByAppliance(page);

  await page.goto(
    `/?src=${encodeURIComponent(`${STEERING}steering/e2e-clip/master.m3u8?region=isp-a`)}&direct=1`,
  );
  await page.locator("video").evaluate((v: HTMLVideoElement) => {
    v.muted = true;
    return v.play();
  });
  await expect.poll(() => videoTime(page), { timeout: 20_000 }).toBeGreaterThan(1);
  const during = await requestsByAppliance(page);
  expect(during[first]! - before[first]!).toBeGreaterThan(0);

  // Take the appliance in use down: playback goes on from another pathway.
  expect(
    (await page.request.post(`${ADMIN}admin/appliances/${first}/down`, { data: {} })).ok(),
  ).toBe(true);
  const downAt = await videoTime(page);
  const othersBefore = Object.entries(await requestsByAppliance(page)).filter(
    ([id]) => id !== first,
  );
  await expect
    .poll(() => videoTime(page), { timeout: 30_000 })
    .toBeGreaterThan(Math.min(downAt + 4, 11));
  const othersAfter = await requestsByAppliance(page);
  expect(othersBefore.some(([id, n]) => othersAfter[id]! > n)).toBe(true);
});
