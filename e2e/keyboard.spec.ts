import { expect, type Locator, type Page, test } from "@playwright/test";
import { ADMIN } from "./support.ts";

/**
 * A viewer with a keyboard only (no click in this file): home, along a row of cards with the
 * arrow keys, a title page, Play, through the player's controls with Tab, operating them with
 * their keys, and Escape back to the title page. At each step focus must be where the viewer
 * expects it (the focused element's role and accessible name) and visible (a ring drawn), also
 * after each page change and after a menu or dialog closes.
 */
test.use({ viewport: { width: 1280, height: 720 } });

test.beforeEach(async ({ request }) => {
  await request.post(`${ADMIN}admin/reset`, { data: {} });
});

type Video = { currentTime: number; paused: boolean; muted: boolean; volume: number; rate: number };
const video = (page: Page): Promise<Video> =>
  page.locator("video").evaluate((v: HTMLVideoElement) => ({
    currentTime: v.currentTime,
    paused: v.paused,
    muted: v.muted,
    volume: v.volume,
    rate: v.playbackRate,
  }));

/** Focused, and shown so: the browser deems it keyboard focus and a ring of 2 px at least is drawn. */
async function expectFocused(element: Locator): Promise<void> {
  await expect(element).toBeFocused();
  const ring = await element.evaluate((e) => {
    const style = getComputedStyle(e);
    return {
      focusVisible: e.matches(":focus-visible"),
      outline: style.outlineStyle === "none" ? 0 : Number.parseFloat(style.outlineWidth),
    };
  });
  expect(ring.focusVisible, "the browser shows it as keyboard focus (:focus-visible)").toBe(true);
  expect(ring.outline, "a focus ring of 2 px or more").toBeGreaterThanOrEqual(2);
}

test("home to the player and back, by keyboard alone", async ({ page }) => {
  await page.goto("/");
  const firstCard = page.locator('[data-row="0"][data-col="0"]');
  await expect(firstCard).toBeVisible();

  // Tab through the header and the featured title to the first card (a handful of stops).
  for (
    let stops = 0;
    stops < 12 && !(await firstCard.evaluate((e) => e === document.activeElement));
    stops++
  )
    await page.keyboard.press("Tab");
  await expectFocused(firstCard);
  await expect(firstCard).toHaveAccessibleName(/^e2e clip\b/);

  // Along the row and between rows (src/features/catalog/focus-grid.ts), then back.
  await page.keyboard.press("ArrowRight");
  await expectFocused(page.locator('[data-row="0"][data-col="1"]'));
  await page.keyboard.press("ArrowDown");
  await expectFocused(page.locator('[data-row="1"][data-col="0"], [data-row="1"][data-col="1"]'));
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("ArrowLeft");
  await expectFocused(firstCard);

  // The title page: focus on its name, Play one Tab away.
  await page.keyboard.press("Enter");
  await expect(page).toHaveURL(/\/title\/e2e-clip$/);
  await expectFocused(page.getByRole("heading", { name: "e2e clip", exact: true }));
  await page.keyboard.press("Tab");
  const play = page.getByRole("link", { name: "▶ Play" });
  await expectFocused(play);
  await page.keyboard.press("Enter");

  // The player: focus on the picture, the controls one Tab away.
  await expect(page).toHaveURL(/\/watch\/e2e-clip$/);
  const picture = page.locator("video");
  await expectFocused(picture);
  await expect(picture).toHaveAccessibleName("e2e clip video");
  await expect
    .poll(async () => (await video(page)).currentTime, { timeout: 20_000 })
    .toBeGreaterThan(1);

  await page.keyboard.press("Tab");
  await expectFocused(page.getByRole("slider", { name: "Seek" }));
  const before = (await video(page)).currentTime;
  await page.keyboard.press("ArrowRight");
  await expect.poll(async () => (await video(page)).currentTime).toBeGreaterThan(before + 4);

  await page.keyboard.press("Tab");
  await expectFocused(page.getByRole("button", { name: "Pause" }));
  await page.keyboard.press("Space");
  await expect.poll(async () => (await video(page)).paused).toBe(true);
  await expectFocused(page.getByRole("button", { name: "Play", exact: true }));
  await page.keyboard.press("Enter");
  await expect.poll(async () => (await video(page)).paused).toBe(false);

  await page.keyboard.press("Tab");
  await expectFocused(page.getByRole("button", { name: "Unmute" }));
  await page.keyboard.press("Enter");
  await expect.poll(async () => (await video(page)).muted).toBe(false);
  await page.keyboard.press("Tab");
  await expectFocused(page.getByRole("slider", { name: "Volume" }));
  await page.keyboard.press("ArrowLeft");
  await expect.poll(async () => (await video(page)).volume).toBeLessThan(1);

  // The speed menu: opened with Enter, an item picked with the arrows and Enter.
  await page.keyboard.press("Tab");
  const speed = page.getByRole("button", { name: "Playback speed 1x" });
  await expectFocused(speed);
  await page.keyboard.press("Enter");
  await expectFocused(page.getByRole("menuitemradio", { name: "Normal" }));
  await page.keyboard.press("ArrowDown");
  await page.keyboard.press("Enter");
  await expect.poll(async () => (await video(page)).rate).toBeGreaterThan(1);
  await expectFocused(page.getByRole("button", { name: /^Playback speed 1\.\d+x$/ }));

  // Settings: focus goes into the panel, Escape closes it and comes back to the button.
  await page.keyboard.press("Tab");
  const settings = page.getByRole("button", { name: "Settings" });
  await expectFocused(settings);
  await page.keyboard.press("Enter");
  await expectFocused(page.getByRole("combobox", { name: "Engine" }));
  await page.keyboard.press("Escape");
  await expectFocused(settings);
  await expect(page).toHaveURL(/\/watch\/e2e-clip$/);

  // The rest of the bar, then out of the player: no trap.
  // The shortcuts dialog: focus on its Close, and back on the button once Escape closes it.
  await page.keyboard.press("Tab");
  const help = page.getByRole("button", { name: "Keyboard shortcuts" });
  await expectFocused(help);
  await page.keyboard.press("Enter");
  await expectFocused(page.getByRole("button", { name: "Close shortcuts" }));
  await page.keyboard.press("Escape");
  await expect(page.getByRole("dialog", { name: "Keyboard shortcuts" })).toHaveCount(0);
  await expectFocused(help);
  await expect(page).toHaveURL(/\/watch\/e2e-clip$/);
  const last = page.getByRole("button", { name: "Full screen" });
  for (
    let stops = 0;
    stops < 3 && !(await last.evaluate((e) => e === document.activeElement));
    stops++
  )
    await page.keyboard.press("Tab");
  await expectFocused(last);
  await page.keyboard.press("Tab");
  expect(
    await page.evaluate(() => !document.querySelector(".player")?.contains(document.activeElement)),
    "Tab leaves the player after its last control",
  ).toBe(true);
  await page.keyboard.press("Shift+Tab");
  await expectFocused(last);

  // Escape leaves the player for the title page, focus on its name again.
  await page.keyboard.press("Escape");
  await expect(page).toHaveURL(/\/title\/e2e-clip$/);
  await expectFocused(page.getByRole("heading", { name: "e2e clip", exact: true }));
});
