import { expect, type Locator, type Page, test } from "@playwright/test";
import { openClipPlayer } from "./support.ts";

/**
 * Our player controls over the e2e clip (60 s, with trick-play thumbnails), in Chromium against
 * the real servers: seek bar (click, keyboard, hover thumbnails), speed menu, volume, keyboard
 * shortcuts, settings panel, full screen and auto-hide.
 */

type VideoProbe = {
  currentTime: number;
  paused: boolean;
  muted: boolean;
  volume: number;
  playbackRate: number;
};
const probe = (page: Page): Promise<VideoProbe> =>
  page.locator("video").evaluate((v: HTMLVideoElement) => ({
    currentTime: v.currentTime,
    paused: v.paused,
    muted: v.muted,
    volume: v.volume,
    playbackRate: v.playbackRate,
  }));

async function openClip(page: Page) {
  await openClipPlayer(page);
  await expect
    .poll(async () => (await probe(page)).currentTime, { timeout: 20_000 })
    .toBeGreaterThan(1);
}

/** A point at `fraction` of the seek bar's width, in page coordinates. */
async function seekBarPoint(seekBar: Locator, fraction: number) {
  const box = await seekBar.boundingBox();
  if (!box) throw new Error("the seek bar has no box");
  return { x: box.x + box.width * fraction, y: box.y + box.height / 2 };
}

test("replaces the native controls; autoplay starts muted", async ({ page }) => {
  await openClip(page);
  expect(await page.locator("video").getAttribute("controls")).toBeNull();
  await expect(page.getByRole("button", { name: "Pause" })).toBeVisible();
  await expect(page.getByRole("button", { name: "Unmute" })).toBeVisible();
  const seekBar = page.getByRole("slider", { name: "Seek" });
  await expect(seekBar).toHaveAttribute("aria-valuemax", "60");
});

test("the seek bar seeks by click, by drag and by keyboard", async ({ page }) => {
  await openClip(page);
  const seekBar = page.getByRole("slider", { name: "Seek" });
  const at75 = await seekBarPoint(seekBar, 0.75);
  await page.mouse.click(at75.x, at75.y);
  await expect.poll(async () => (await probe(page)).currentTime).toBeGreaterThan(44);
  expect((await probe(page)).currentTime).toBeLessThan(52);
  await expect(seekBar).toHaveAttribute("aria-valuenow", /^(4[5-9]|5\d)$/);

  // Drag from a quarter to a half: one seek, where the pointer is let go.
  const at25 = await seekBarPoint(seekBar, 0.25);
  const at50 = await seekBarPoint(seekBar, 0.5);
  await page.mouse.move(at25.x, at25.y);
  await page.mouse.down();
  await page.mouse.move(at50.x, at50.y, { steps: 5 });
  await page.mouse.up();
  await expect.poll(async () => (await probe(page)).currentTime).toBeGreaterThan(29);
  expect((await probe(page)).currentTime).toBeLessThan(36);

  await seekBar.focus();
  await page.keyboard.press("Home");
  await expect.poll(async () => (await probe(page)).currentTime).toBeLessThan(3);
});

test("hovering the seek bar shows the trick-play thumbnail of that time", async ({ page }) => {
  await openClip(page);
  const seekBar = page.getByRole("slider", { name: "Seek" });
  const thumbnail = page.getByTestId("seek-thumbnail");
  const preview = page.getByTestId("seek-preview");

  // 30 s: the 16th 2 s tile, in the first 5x5 sprite (row 3, column 0).
  const at50 = await seekBarPoint(seekBar, 0.5);
  await page.mouse.move(at50.x, at50.y);
  await expect(preview).toContainText(/0:(29|30)/);
  await expect(thumbnail).toBeVisible();
  const first = await thumbnail.evaluate((el) => getComputedStyle(el).backgroundImage);
  expect(first).toMatch(/thumbs\/sprite_001\.jpg/);
  expect(await thumbnail.evaluate((el) => getComputedStyle(el).backgroundPositionY)).toBe("-270px");
  // The sprite the preview points at is really there.
  const spriteUrl = /url\("?([^")]+)"?\)/.exec(first)?.[1] ?? "";
  expect((await page.request.get(spriteUrl)).status()).toBe(200);

  // 55 s: tile 27, in the second sprite.
  const at92 = await seekBarPoint(seekBar, 0.92);
  await page.mouse.move(at92.x, at92.y);
  await expect
    .poll(() => thumbnail.evaluate((el) => getComputedStyle(el).backgroundImage))
    .toMatch(/sprite_002\.jpg/);

  // Off the bar, the preview goes.
  await page.mouse.move(at50.x, at50.y - 200);
  await expect(preview).toHaveCount(0);
});

test("the speed menu sets the playback rate", async ({ page }) => {
  await openClip(page);
  const speed = page.getByRole("button", { name: "Playback speed" });
  await speed.click();
  const menu = page.getByRole("menu", { name: "Playback speed" });
  await expect(menu.getByRole("menuitemradio")).toHaveCount(7);
  await expect(menu.getByRole("menuitemradio", { name: "Normal" })).toHaveAttribute(
    "aria-checked",
    "true",
  );
  await menu.getByRole("menuitemradio", { name: "1.5x" }).click();
  await expect.poll(async () => (await probe(page)).playbackRate).toBe(1.5);
  await expect(menu).toHaveCount(0);
  await expect(speed).toHaveText("1.5x");
  // From the keyboard too: Escape closes and gives focus back to the button.
  await speed.press("Enter");
  await expect(menu).toBeVisible();
  await page.keyboard.press("ArrowUp");
  await page.keyboard.press("Enter");
  await expect.poll(async () => (await probe(page)).playbackRate).toBe(1.25);
  await speed.press("Enter");
  await page.keyboard.press("Escape");
  await expect(menu).toHaveCount(0);
  await expect(speed).toBeFocused();
});

test("mute button and volume slider", async ({ page }) => {
  await openClip(page);
  await page.getByRole("button", { name: "Unmute" }).click();
  await expect.poll(async () => (await probe(page)).muted).toBe(false);
  await page.getByRole("slider", { name: "Volume" }).fill("40");
  await expect.poll(async () => (await probe(page)).volume).toBeCloseTo(0.4);
  await page.getByRole("button", { name: "Mute" }).click();
  await expect.poll(async () => (await probe(page)).muted).toBe(true);
  await expect(page.getByRole("slider", { name: "Volume" })).toHaveValue("0");
});

test("keyboard shortcuts work once the player has focus", async ({ page }) => {
  await openClip(page);
  // A click on the picture pauses and gives the player focus.
  await page.getByTestId("stage").click();
  await expect.poll(async () => (await probe(page)).paused).toBe(true);
  await page.keyboard.press("k");
  await expect.poll(async () => (await probe(page)).paused).toBe(false);
  await page.keyboard.press("k");
  await expect.poll(async () => (await probe(page)).paused).toBe(true);

  await page.keyboard.press("m");
  await expect.poll(async () => (await probe(page)).muted).toBe(false);
  await page.keyboard.press("m");
  await expect.poll(async () => (await probe(page)).muted).toBe(true);

  await page.keyboard.press("5");
  await expect.poll(async () => (await probe(page)).currentTime).toBeCloseTo(30, 0);
  await page.keyboard.press("ArrowRight");
  await expect.poll(async () => (await probe(page)).currentTime).toBeCloseTo(35, 0);
  await page.keyboard.press("j");
  await expect.poll(async () => (await probe(page)).currentTime).toBeCloseTo(25, 0);

  await page.keyboard.press("Shift+>");
  await expect.poll(async () => (await probe(page)).playbackRate).toBe(1.25);
  await page.keyboard.press("Shift+<");
  await page.keyboard.press("Shift+<");
  await expect.poll(async () => (await probe(page)).playbackRate).toBe(0.75);

  // On the focused seek bar the arrows are the slider's: one 5 s step, not two.
  await page.getByRole("slider", { name: "Seek" }).focus();
  await page.keyboard.press("ArrowRight");
  await expect.poll(async () => (await probe(page)).currentTime).toBeCloseTo(30, 0);

  await page.keyboard.press("Shift+?");
  const help = page.getByRole("dialog", { name: "Keyboard shortcuts" });
  await expect(help).toContainText("Play or pause");
  await page.keyboard.press("Escape");
  await expect(help).toHaveCount(0);
});

test("full screen takes the whole player, and leaves with F", async ({ page }) => {
  await openClip(page);
  await page.getByRole("button", { name: "Full screen" }).click();
  await expect
    .poll(() =>
      page.evaluate(() => {
        const el = document.fullscreenElement;
        return el ? el.classList.contains("player") && el.querySelector("video") !== null : false;
      }),
    )
    .toBe(true);
  await expect(page.getByRole("button", { name: "Exit full screen" })).toBeVisible();
  await page.keyboard.press("f");
  await expect.poll(() => page.evaluate(() => document.fullscreenElement === null)).toBe(true);
  await expect(page.getByRole("button", { name: "Full screen" })).toBeVisible();
});

test("the settings panel holds the player's menus", async ({ page }) => {
  await openClip(page);
  const settings = page.getByRole("button", { name: "Settings" });
  await expect(page.getByRole("combobox", { name: "Engine" })).toBeHidden();
  await settings.click();
  await expect(settings).toHaveAttribute("aria-expanded", "true");
  await expect(page.getByRole("combobox", { name: "Engine" })).toBeFocused();
  await expect(page.getByLabel("Audio language")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.getByRole("combobox", { name: "Engine" })).toBeHidden();
  await expect(settings).toBeFocused();
});

test("the controls hide after 3 s without movement while playing", async ({ page }) => {
  await openClip(page);
  const controls = page.getByTestId("controls");
  const stage = await page.getByTestId("stage").boundingBox();
  if (!stage) throw new Error("no stage");
  await page.mouse.move(stage.x + stage.width / 2, stage.y + stage.height / 3);
  await expect(controls).not.toHaveClass(/controls-hidden/);
  await expect(controls).toHaveClass(/controls-hidden/, { timeout: 5_000 });
  await page.mouse.move(stage.x + stage.width / 3, stage.y + stage.height / 3);
  await expect(controls).not.toHaveClass(/controls-hidden/);
  // Paused by the viewer (K, with nothing focused: as on arriving), they stay.
  await page.keyboard.press("k");
  await page.waitForTimeout(3_500);
  await expect(controls).not.toHaveClass(/controls-hidden/);
});
