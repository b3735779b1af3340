import { expect, type Page, test } from "@playwright/test";
import { E2E_URLS } from "./ports.ts";
import { videoTime } from "./support.ts";

/**
 * Streams from outside our catalog, made by plain ffmpeg and served by "someone else's host"
 * (a static server on its own port, started by `scripts/demo.ts --e2e`): an HLS stream with
 * MPEG-TS segments and no CODECS attributes, and a DASH stream from ffmpeg's dash muxer. Our
 * player plays them with our controller, without steering: the host is the only appliance.
 */
const FOREIGN = E2E_URLS.foreign;
const HLS = `${FOREIGN}hls/master.m3u8`;
const DASH = `${FOREIGN}dash/manifest.mpd`;
const HOST = new URL(FOREIGN).host;

/** The decisions our controller made in the page's session (`window.streamlab`). */
const decisions = (page: Page) =>
  page.evaluate(() => {
    type Probe = {
      store: { getState(): { decisions: { renditionId: string; applianceId: string | null }[] } };
    };
    const probe = (window as Window & { streamlab?: Probe }).streamlab;
    return probe?.store.getState().decisions ?? [];
  });

const deepLink = (url: string) => `/?src=${encodeURIComponent(url)}`;

/** The stats overlay, by its keyboard shortcut (the Stats button may sit in a closed panel). */
async function showStats(page: Page) {
  await page.locator("video").waitFor();
  await page.keyboard.press("Control+Alt+Shift+KeyD");
  await expect(page.getByRole("complementary", { name: "Playback statistics" })).toBeVisible();
}

/** The player's menus, opening the settings panel first when they sit in one. */
async function menu(page: Page, name: "Engine" | "Quality") {
  const select = page.getByRole("combobox", { name });
  const settings = page.getByRole("button", { name: "Settings" });
  if (!(await select.isVisible()) && (await settings.count()) > 0) await settings.click();
  return select;
}

test("a foreign HLS stream (MPEG-TS, no CODECS) plays with our controller", async ({ page }) => {
  await page.goto(deepLink(HLS));
  await showStats(page);
  await expect.poll(() => videoTime(page), { timeout: 20_000 }).toBeGreaterThan(2);
  await expect(page.getByTestId("stats-rendition")).toHaveText(/^level-[01] \((416x234|640x360),/);
  await expect(page.getByTestId("stats-appliance")).toHaveText(HOST);
  const made = await decisions(page);
  expect(made.length).toBeGreaterThan(0);
  expect(made.every((d) => d.applianceId === null && /^level-[01]$/.test(d.renditionId))).toBe(
    true,
  );
  // The stream's own ladder in the quality menu; the engine is fixed by the manifest type.
  const quality = await menu(page, "Quality");
  await expect(quality.locator("option")).toHaveText(["auto", /234p/, /360p/]);
  const engine = await menu(page, "Engine");
  await expect(engine).toBeDisabled();
  await expect(engine).toHaveValue("hlsjs");
});

test("a foreign DASH stream plays in shaka-player with our controller", async ({ page }) => {
  await page.goto(deepLink(DASH));
  await showStats(page);
  await expect.poll(() => videoTime(page), { timeout: 20_000 }).toBeGreaterThan(2);
  await expect(page.getByTestId("stats-rendition")).toHaveText(/^variant-\d+ \((416x234|640x360),/);
  await expect(page.getByTestId("stats-appliance")).toHaveText(HOST);
  expect((await decisions(page)).length).toBeGreaterThan(0);
  const quality = await menu(page, "Quality");
  await expect(quality.locator("option")).toHaveText(["auto", /234p/, /360p/]);
  await expect(await menu(page, "Engine")).toHaveValue("shaka");
});

test("a media playlist opened directly (no master) plays as a ladder of one", async ({ page }) => {
  await page.goto(deepLink(`${FOREIGN}hls/360p/index.m3u8`));
  await expect.poll(() => videoTime(page), { timeout: 20_000 }).toBeGreaterThan(2);
  const made = await decisions(page);
  expect(made.length).toBeGreaterThan(0);
  expect(made.every((d) => d.renditionId === "level-0" && d.applianceId === null)).toBe(true);
});

test("the app's stream field opens the player, and Back returns to the catalog", async ({
  page,
}) => {
  await page.goto("/");
  await expect(page.getByRole("link", { name: /e2e clip/i }).first()).toBeVisible();
  await page.getByLabel("Stream URL").fill(HLS);
  await page.getByRole("button", { name: "Open stream" }).click();
  await expect(page).toHaveURL(deepLink(HLS));
  await expect.poll(() => videoTime(page), { timeout: 20_000 }).toBeGreaterThan(1);
  await page.goBack();
  await expect(page.getByRole("link", { name: /e2e clip/i }).first()).toBeVisible();
  await expect(page.locator("video")).toHaveCount(0);
});

test("a URL that is not there shows the error screen with the URL and a retry", async ({
  page,
}) => {
  const missing = `${FOREIGN}missing.m3u8`;
  await page.goto(deepLink(missing));
  const error = page.locator(".player-error");
  await expect(error).toContainText(`Could not load ${missing}: HTTP 404`);
  await expect(error.getByRole("button", { name: "Retry" })).toBeVisible();
  // Retry asks again (and, the file still missing, says the same).
  await error.getByRole("button", { name: "Retry" }).click();
  await expect(error).toContainText("HTTP 404");
});

test("a document that is no manifest says so", async ({ page }) => {
  await page.goto(deepLink(`${FOREIGN}notes/readme.m3u8`));
  await expect(page.locator(".player-error")).toContainText("is not an HLS or DASH manifest");
});

test("a non-http address in the field gets a message and changes nothing", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("link", { name: /e2e clip/i }).first()).toBeVisible();
  const field = page.getByLabel("Stream URL");
  // Nothing to open yet: the button is off (and is not a second "Play" beside a title's).
  await expect(page.getByRole("button", { name: "Open stream" })).toBeDisabled();
  await field.fill("ftp://example.com/stream.m3u8");
  await page.getByRole("button", { name: "Open stream" }).click();
  await expect(page.getByRole("alert")).toContainText(
    "Only http:// and https:// streams can be played",
  );
  await expect(field).toHaveAttribute("aria-invalid", "true");
  await expect(page).toHaveURL("/");
  await expect(page.getByRole("link", { name: /e2e clip/i }).first()).toBeVisible();
});
