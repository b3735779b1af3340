/**
 * What several specs share: the e2e network's admin API, shaping every appliance, and reading
 * the player's state (the video's time, and the controller's latest decision through the
 * session the app exposes as `window.streamlab`).
 */
import type { Page } from "@playwright/test";
import { E2E_URLS } from "./ports.ts";

export const ADMIN = E2E_URLS.admin;
export const APPLIANCES = ["isp-a-1", "isp-b-1", "exchange-1"];

/** Shape every appliance to a constant rate; null lifts the shaping. */
export async function shapeAll(page: Page, bitsPerSecond: number | null): Promise<void> {
  for (const id of APPLIANCES) {
    if (bitsPerSecond === null)
      await page.request.delete(`${ADMIN}admin/appliances/${id}/shaping`, { data: {} });
    else
      await page.request.put(`${ADMIN}admin/appliances/${id}/shaping`, { data: { bitsPerSecond } });
  }
}

export const videoTime = (page: Page): Promise<number> =>
  page.locator("video").evaluate((v: HTMLVideoElement) => v.currentTime);

/** Seconds buffered ahead of the playhead, as the player samples them for its stats. */
export const bufferAhead = (page: Page): Promise<number> =>
  page.evaluate(() => {
    type Probe = { store: { getState(): { bufferSec: number } } };
    return (window as Window & { streamlab?: Probe }).streamlab?.store.getState().bufferSec ?? 0;
  });

/** The target bitrate in a rendition id (`h264-360p-714k` -> 714). */
export const kbpsOf = (id: string): number => Number(/-(\d+)k\b/.exec(id)?.[1] ?? Number.NaN);

/** The measured average kbit/s of the rendition the controller chose for the latest segment
 * (not the target in its name: the e2e clip's AV1 "500k" rung averages 819 kbit/s, more than
 * H.264 "714k" at 744, so names would call that move a switch up). A switch down is decided at
 * once but only seen playing once the buffer ahead has played out. */
export const decidedKbps = (page: Page): Promise<number> =>
  page.evaluate(() => {
    type Probe = {
      store: {
        getState(): {
          decisions: { renditionId: string }[];
          renditions: { id: string; averageBitrateBps: number }[];
        };
      };
    };
    const state = (window as Window & { streamlab?: Probe }).streamlab?.store.getState();
    const id = state?.decisions.at(-1)?.renditionId;
    const rendition = state?.renditions.find((r) => r.id === id);
    return rendition ? rendition.averageBitrateBps / 1000 : Number.NaN;
  });

/** Like a viewer: home, the e2e clip's card, then Play on its title page. */
export async function openClipPlayer(page: Page): Promise<void> {
  await page.goto("/");
  await page
    .getByRole("link", { name: /e2e clip/i })
    .first()
    .click();
  await page.getByRole("link", { name: /^▶ Play$/ }).click();
  await page.waitForURL(/\/watch\/e2e-clip$/);
}
