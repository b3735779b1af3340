import { expect, type Locator, type Page, test } from "@playwright/test";
import { ADMIN, bufferAhead, decidedKbps, videoTime } from "./support.ts";

/**
 * The catalog app as a user meets it: home, search, a title page, playback, resume after a
 * reload, the next episode of a series, deep links with Back, the catalog's error state, and the network lab beside the
 * player throttling the appliances until the player switches down.
 */
test.beforeEach(async ({ request }) => {
  await request.post(`${ADMIN}admin/reset`, { data: {} });
});
test.afterEach(async ({ request }) => {
  await request.post(`${ADMIN}admin/reset`, { data: {} });
});

test("home shows the featured title and rows; Enter on a card opens its page", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("region", { name: /featured: e2e clip/i })).toBeVisible();
  const row = page.getByRole("region", { name: "New" });
  const card = row.getByRole("link", { name: /e2e clip/i });
  await card.focus();
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/title\/e2e-clip$/);
  await expect(page.getByRole("heading", { name: "E2E clip" })).toBeVisible();
  await expect(page.getByRole("table")).toContainText("h264-");
  await page.goBack();
  await expect(page).toHaveURL(/\/$/);
});

test("search finds titles as you type and keeps the query in the address", async ({ page }) => {
  await page.goto("/");
  await page.getByRole("link", { name: "Search" }).click();
  const box = page.getByRole("searchbox", { name: "Search titles" });
  await box.fill("e2e");
  await expect(page.getByRole("status")).toHaveText("1 title");
  await expect(page).toHaveURL(/\/search\?q=e2e/);
  await box.fill("nothing-like-this");
  await expect(page.getByRole("status")).toHaveText("0 titles");
  // Back through the search (typing replaced the entry, so one step), then a deep link.
  await page.goBack();
  await expect(page).toHaveURL(/\/$/);
  await page.goto("/search?q=clip");
  await expect(page.getByRole("searchbox", { name: "Search titles" })).toHaveValue("clip");
  await expect(page.getByRole("list", { name: "Search results" }).getByRole("link")).toHaveCount(1);
});

test("plays from the title page, resumes after a reload, Escape leaves the player", async ({
  page,
}) => {
  await page.goto("/title/e2e-clip");
  await page.getByRole("link", { name: /^▶ Play$/ }).click();
  await expect(page).toHaveURL(/\/watch\/e2e-clip/);
  await expect.poll(() => videoTime(page), { timeout: 20_000 }).toBeGreaterThan(8);
  await page.keyboard.press("Escape");
  await expect(page).toHaveURL(/\/title\/e2e-clip$/);
  await page.reload();
  const resume = page.getByRole("link", { name: /Resume from 0:\d\d/ });
  await expect(resume).toBeVisible();
  await page.goto("/");
  await expect(
    page
      .getByRole("region", { name: "Continue watching" })
      .getByRole("link", { name: /e2e clip/i }),
  ).toBeVisible();
  await page.goto("/title/e2e-clip");
  await page.getByRole("link", { name: /Resume from/ }).click();
  // Starts where it was left, not at 0.
  await expect.poll(() => videoTime(page), { timeout: 20_000 }).toBeGreaterThan(6);
});

test("a series page lists its episodes, and the end of one plays the next", async ({ page }) => {
  await page.goto("/title/bars-and-tones-s1e1");
  const episodes = page.getByRole("region", { name: "Bars and Tones episodes" });
  await expect(episodes.getByRole("listitem")).toHaveCount(2);
  await episodes.getByRole("link", { name: /2\. Gradients/ }).click();
  await expect(page).toHaveURL(/\/title\/bars-and-tones-s1e2$/);
  await page.goBack();
  // Near the end of episode 1 (8 s long: the countdown shows over its last 2 s).
  await page.goto("/watch/bars-and-tones-s1e1?t=4");
  const next = page.getByRole("region", { name: "Next episode" });
  await expect(next).toContainText("S1:E2 Gradients", { timeout: 20_000 });
  await expect(next).toContainText(/Next episode in \d+ s/);
  // Left alone, the countdown runs out and the next episode plays.
  await expect(page).toHaveURL(/\/watch\/bars-and-tones-s1e2/, { timeout: 20_000 });
  await expect.poll(() => videoTime(page), { timeout: 20_000 }).toBeGreaterThan(1);
});

test("Cancel keeps the viewer on the episode that ended", async ({ page }) => {
  await page.goto("/watch/bars-and-tones-s1e1?t=4");
  const next = page.getByRole("region", { name: "Next episode" });
  await next.getByRole("button", { name: "Cancel" }).click({ timeout: 20_000 });
  await expect(next).toHaveCount(0);
  await expect
    .poll(() => page.evaluate(() => document.querySelector("video")?.ended), {
      timeout: 20_000,
    })
    .toBe(true);
  await page.waitForTimeout(3_000);
  await expect(page).toHaveURL(/\/watch\/bars-and-tones-s1e1/);
});

test("a deep link plays at a given time, and opens the lab with ?lab=1", async ({ page }) => {
  await page.goto("/watch/e2e-clip?t=30&lab=1");
  await expect.poll(() => videoTime(page), { timeout: 20_000 }).toBeGreaterThan(30);
  await expect(page.getByRole("region", { name: "Network lab" })).toBeVisible();
});

test("a catalog the network does not answer for says so and loads once it answers", async ({
  page,
}) => {
  await page.route("**/catalog.json", (route) => route.abort("connectionrefused"));
  await page.goto("/");
  const alert = page.getByRole("alert");
  await expect(alert).toContainText("The delivery network is not answering: retrying…");
  await expect(alert).toContainText(/The origin at http:\S+ does not answer/);
  await page.unroute("**/catalog.json");
  // No click: the page asks again by itself (1 s, 2 s, 4 s, then every 5 s).
  await expect(page.getByRole("region", { name: /featured/i })).toBeVisible({ timeout: 10_000 });
});

test("a catalog that answers with an error gets the message and a retry", async ({ page }) => {
  await page.route("**/catalog.json", (route) =>
    route.fulfill({ status: 500, json: { error: "disk on fire" } }),
  );
  await page.goto("/");
  await expect(page.getByRole("alert")).toContainText("The origin answered 500: disk on fire");
  await page.unroute("**/catalog.json");
  await page.getByRole("button", { name: "Retry" }).click();
  await expect(page.getByRole("region", { name: /featured/i })).toBeVisible();
});

test("the network lab says when the network does not answer and comes back by itself", async ({
  page,
}) => {
  await page.goto("/lab");
  const lab = page.getByRole("region", { name: "Network lab" });
  await expect(lab.getByRole("article")).toHaveCount(3);
  await page.route("**/admin/**", (route) => route.abort("connectionrefused"));
  const alert = lab.getByRole("alert");
  await expect(alert).toContainText("The delivery network is not answering: retrying…");
  await expect(alert).toContainText(/The admin API at http:\S+ does not answer/);
  await expect(lab.getByRole("article")).toHaveCount(0);
  await page.unroute("**/admin/**");
  await expect(lab.getByRole("article")).toHaveCount(3);
  await expect(alert).toHaveCount(0);
});

test("the network lab beside the player throttles every appliance through its UI", async ({
  page,
}) => {
  await page.goto("/watch/e2e-clip");
  const toggle = page.getByRole("button", { name: "Network lab" });
  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-pressed", "true");
  await expect(page).toHaveURL(/[?&]lab=1/);
  const lab = page.getByRole("region", { name: "Network lab" });
  await expect(lab.getByRole("article")).toHaveCount(3);
  await expect.poll(() => videoTime(page), { timeout: 20_000 }).toBeGreaterThan(1);
  for (const id of ["isp-a-1", "isp-b-1", "exchange-1"]) {
    const card = lab.getByRole("article", { name: `appliance ${id}` });
    await card.getByLabel(`Shaping of ${id}`).selectOption("rate");
    await card.getByLabel(`Rate of ${id} (Mbit/s)`).fill("0.6");
    await card.getByRole("button", { name: `Apply to ${id}` }).click();
    // Read back from the network (the lab refreshes from the admin API).
    await expect(lab.getByTestId(`lab-shaping-${id}`)).toContainText("0.60 Mbit/s");
  }
  // Playback goes on under the throttle.
  const at = await videoTime(page);
  await expect.poll(() => videoTime(page), { timeout: 20_000 }).toBeGreaterThan(at + 2);
  // Closing the lab keeps the player.
  await toggle.click();
  await expect(lab).toHaveCount(0);
  await expect(page.locator("video")).toHaveCount(1);
});

test("the network lab throttles the appliances from unlimited to 0.5 Mbit/s and the player switches down while it plays", async ({
  page,
}) => {
  test.setTimeout(120_000);
  // Unlimited (reset): the clip lasts 60 s and the players keep at most 30 s ahead (hls.js's
  // default; shaka 10 s), so half of it is still to fetch when the throttle comes. H.264 only,
  // so that the top is known: 157, 246, 451 and 744 kbit/s on average.
  await page.goto("/watch/e2e-clip?codec=h264");
  const toggle = page.getByRole("button", { name: "Network lab" });
  await toggle.click();
  await expect(toggle).toHaveAttribute("aria-pressed", "true");
  await expect(page).toHaveURL(/[?&]lab=1/);
  const lab = page.getByRole("region", { name: "Network lab" });
  await expect(lab.getByRole("article")).toHaveCount(3);
  await expect.poll(() => videoTime(page), { timeout: 20_000 }).toBeGreaterThan(3);
  const decided = () => decidedKbps(page);
  // At the top of the clip's ladder (H.264 714k, 744 kbit/s on average: over 0.5 Mbit/s).
  await expect.poll(decided, { timeout: 30_000 }).toBeGreaterThan(700);
  const before = await decided();
  // The buffer does not hold the rest of the title: what the throttle changes is still to come.
  expect((await videoTime(page)) + (await bufferAhead(page))).toBeLessThan(55);
  for (const id of ["isp-a-1", "isp-b-1", "exchange-1"]) {
    const card = lab.getByRole("article", { name: `appliance ${id}` });
    await card.getByLabel(`Shaping of ${id}`).selectOption("rate");
    await card.getByLabel(`Rate of ${id} (Mbit/s)`).fill("0.5");
    await card.getByRole("button", { name: `Apply to ${id}` }).click();
    await expect(lab.getByTestId(`lab-shaping-${id}`)).toContainText("0.50 Mbit/s");
  }
  await expect.poll(decided, { timeout: 45_000 }).toBeLessThan(before);
  // Switched while playing: the clip has not ended, and it plays on.
  const at = await videoTime(page);
  expect(at).toBeLessThan(58);
  expect(await page.locator("video").evaluate((v: HTMLVideoElement) => v.ended)).toBe(false);
  await expect.poll(() => videoTime(page), { timeout: 10_000 }).toBeGreaterThan(at + 1);
});

test.describe("at phone width", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  /** How far the page is wider than the screen (0: nothing to scroll sideways). */
  const overflowPx = (page: Page) =>
    page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);

  test("no page is wider than the screen, the lab beside the player included", async ({ page }) => {
    // Each page, and something that shows its content has rendered.
    const pages: [string, (p: Page) => Locator][] = [
      ["/", (p) => p.getByRole("region", { name: /featured/i })],
      ["/title/e2e-clip", (p) => p.getByRole("table")],
      ["/title/bars-and-tones-s1e1", (p) => p.getByRole("region", { name: /episodes$/ })],
      ["/search?q=bars", (p) => p.getByRole("list", { name: "Search results" })],
      ["/lab", (p) => p.getByRole("article", { name: "appliance exchange-1" })],
    ];
    for (const [url, content] of pages) {
      await page.goto(url);
      await expect(content(page)).toBeVisible();
      expect(await overflowPx(page), url).toBeLessThanOrEqual(0);
    }
    await page.goto("/watch/e2e-clip?lab=1");
    const lab = page.getByRole("region", { name: "Network lab" });
    await expect(lab.getByRole("article")).toHaveCount(3);
    expect(await overflowPx(page), "watch with the lab").toBeLessThanOrEqual(0);
    // Every control of an appliance card is on screen: nothing cut off at the right edge.
    const apply = lab.getByRole("button", { name: "Apply to isp-a-1" });
    const box = await apply.boundingBox();
    expect(box).not.toBeNull();
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
  });
});
