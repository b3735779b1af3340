import { expect, type Page, test } from "@playwright/test";
import { E2E_URLS } from "./ports.ts";
import { ADMIN, APPLIANCES, shapeAll, videoTime } from "./support.ts";

/**
 * Streams from outside our catalog, made by plain ffmpeg and served by "someone else's host"
 * (a static server on its own port, started by `scripts/demo.ts --e2e`): an HLS stream with
 * MPEG-TS segments and no CODECS attributes, and a DASH stream from ffmpeg's dash muxer. Our
 * player plays them with our controller through the network's proxy (the appliances, shaped,
 * faulted and counted as for a title), or straight from the host with `&direct=1`.
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

interface NetworkState {
  appliances: { id: string; baseUrl: string; counters: { requests: number } }[];
}
const networkState = async (page: Page) =>
  (await (await page.request.get(`${ADMIN}admin/state`)).json()) as NetworkState;

/** Every URL the page asks for, from now on. */
function requestsOf(page: Page): string[] {
  const urls: string[] = [];
  page.on("request", (request) => urls.push(request.url()));
  return urls;
}

/** The picture height of the rendition our controller chose last (0 before any choice). */
const latestHeight = (page: Page) =>
  page.evaluate(() => {
    type Probe = {
      store: {
        getState(): {
          decisions: { renditionId: string }[];
          renditions: { id: string; height: number }[];
        };
      };
    };
    const state = (window as Window & { streamlab?: Probe }).streamlab?.store.getState();
    const id = state?.decisions.at(-1)?.renditionId;
    return state?.renditions.find((r) => r.id === id)?.height ?? 0;
  });

test.beforeEach(async ({ page }) => {
  await page.request.post(`${ADMIN}admin/reset`, { data: {} });
});

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

/**
 * Through the appliances on a 2 Mbit/s link, then throttled to 0.5 Mbit/s from the admin API
 * once the player has chosen the top rendition: it switches down. No request goes to the host.
 */
async function switchesDownThroughTheNetwork(page: Page, url: string) {
  const requested = requestsOf(page);
  await shapeAll(page, 2_000_000);
  await page.goto(deepLink(url));
  await expect.poll(() => latestHeight(page), { timeout: 15_000 }).toBe(360);
  await shapeAll(page, 500_000);
  await expect.poll(() => latestHeight(page), { timeout: 15_000 }).toBe(234);
  await expect.poll(() => videoTime(page), { timeout: 15_000 }).toBeGreaterThan(1);
  const ids = new Set(APPLIANCES);
  expect(
    (await decisions(page)).every((d) => d.applianceId !== null && ids.has(d.applianceId)),
  ).toBe(true);
  const state = await networkState(page);
  const bases = state.appliances.map((a) => a.baseUrl);
  expect(requested.filter((u) => u.startsWith(FOREIGN))).toEqual([]);
  expect(requested.some((u) => bases.some((b) => u.startsWith(`${b}proxy/`)))).toBe(true);
  expect(state.appliances.reduce((n, a) => n + a.counters.requests, 0)).toBeGreaterThan(3);
  await shapeAll(page, null);
}

test("a foreign HLS stream plays through the appliances and switches down when throttled", async ({
  page,
}) => {
  await switchesDownThroughTheNetwork(page, HLS);
});

test("a foreign DASH stream plays through the appliances and switches down when throttled", async ({
  page,
}) => {
  await switchesDownThroughTheNetwork(page, DASH);
});

test("a corrupt segment of a foreign stream on the appliance in use is survived", async ({
  page,
}) => {
  // The first-ranked appliance from this address (isp-a) corrupts the third segment of either
  // rendition of this host's stream (a foreign stream's "title" is its host); the player
  // blames it and fetches the segment from the next one.
  const fault = await page.request.post(`${ADMIN}admin/faults`, {
    data: { type: "corrupt", appliance: "isp-a-1", title: HOST, segment: "seg_002.ts" },
  });
  expect(fault.status()).toBe(201);
  await page.goto(`${deepLink(HLS)}&t=3`);
  await expect.poll(() => videoTime(page), { timeout: 20_000 }).toBeGreaterThan(6.5);
  const faults = (await (await page.request.get(`${ADMIN}admin/faults`)).json()) as {
    injected: number;
  }[];
  expect(faults[0]?.injected).toBeGreaterThan(0);
  await expect(page.locator(".player-error")).toHaveCount(0);
});

test("a foreign HLS stream (MPEG-TS, no CODECS) with &direct=1 plays straight from its host", async ({
  page,
}) => {
  const requested = requestsOf(page);
  await page.goto(`${deepLink(HLS)}&direct=1`);
  await showStats(page);
  await expect.poll(() => videoTime(page), { timeout: 20_000 }).toBeGreaterThan(2);
  await expect(page.getByTestId("stats-rendition")).toHaveText(/^level-[01] \((416x234|640x360),/);
  await expect(page.getByTestId("stats-appliance")).toHaveText(HOST);
  const made = await decisions(page);
  expect(made.length).toBeGreaterThan(0);
  expect(made.every((d) => d.applianceId === null && /^level-[01]$/.test(d.renditionId))).toBe(
    true,
  );
  expect(requested.filter((u) => u.includes("/proxy/"))).toEqual([]);
  expect(requested.some((u) => u.startsWith(`${FOREIGN}hls/`))).toBe(true);
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
  await expect(page.getByTestId("stats-appliance")).toHaveText(
    new RegExp(`^(${APPLIANCES.join("|")})$`),
  );
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
  expect(made.every((d) => d.renditionId === "level-0" && d.applianceId !== null)).toBe(true);
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
  // Asked through the network's proxy, whose answer is quoted.
  await expect(error).toContainText(`The network's proxy: ${missing} answered HTTP 404.`);
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
