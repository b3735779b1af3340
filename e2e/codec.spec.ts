import { expect, type Page, test } from "@playwright/test";
import { ADMIN, videoTime } from "./support.ts";

/**
 * VP9 plays in Chromium through MSE in both engines: a watch link asks for it (`?codec=vp9`),
 * the controller keeps to the VP9 ladder, and the picture advances with frames decoded.
 */

/** The codec the controller chose, and the renditions it decided on so far. */
const session = (page: Page) =>
  page.evaluate(() => {
    type Probe = {
      controller: { codec(): { codec: string; reason: string } };
      store: { getState(): { decisions: { renditionId: string }[]; error: unknown } };
    };
    const probe = (window as Window & { streamlab?: Probe }).streamlab;
    const state = probe?.store.getState();
    return {
      codec: probe?.controller.codec() ?? null,
      renditions: state?.decisions.map((d) => d.renditionId) ?? [],
      error: state?.error ?? null,
    };
  });

const framesDecoded = (page: Page) =>
  page
    .locator("video")
    .evaluate((v: HTMLVideoElement) => v.getVideoPlaybackQuality().totalVideoFrames);

test.beforeEach(async ({ request }) => {
  await request.post(`${ADMIN}admin/reset`, { data: {} });
});

for (const engine of ["hlsjs", "shaka"] as const) {
  test(`${engine}: plays the VP9 ladder when a link asks for it`, async ({ page }) => {
    await page.goto(`/watch/e2e-clip?engine=${engine}&codec=vp9`);
    await expect.poll(() => videoTime(page), { timeout: 20_000 }).toBeGreaterThan(3);
    const { codec, renditions, error } = await session(page);
    expect(error).toBeNull();
    expect(codec).toEqual({ codec: "vp9", reason: "VP9 asked for" });
    expect(renditions.length).toBeGreaterThan(0);
    for (const id of renditions) expect(id).toMatch(/^vp9-/);
    expect(await framesDecoded(page)).toBeGreaterThan(24);
  });
}

test("without a codec in the link, the overlay says which codec plays and why", async ({
  page,
}) => {
  await page.goto("/watch/e2e-clip");
  await expect.poll(() => videoTime(page), { timeout: 20_000 }).toBeGreaterThan(1);
  await page.getByRole("button", { name: "Settings" }).click();
  await page.getByRole("button", { name: "Stats" }).click();
  // Chromium decodes all three smoothly at 360p, so the measured scores per bit decide.
  const { codec } = await session(page);
  expect(codec?.reason).toMatch(/^(H\.264|VP9|AV1) scores highest for the same bits \(/);
  await expect(page.getByTestId("stats-codec")).toHaveText(`${codec?.codec}: ${codec?.reason}`);
});
