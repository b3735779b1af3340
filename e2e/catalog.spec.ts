import { expect, test } from "@playwright/test";

test("the catalog lists the encoded title and plays it", async ({ page }) => {
  await page.goto("/");
  const card = page.getByRole("button", { name: /e2e clip/i });
  await expect(card).toBeVisible();
  await card.click();
  const details = page.getByRole("region", { name: /e2e clip/i });
  await expect(details.getByRole("table")).toContainText("h264-");
  // The video plays from the origin: time advances.
  const video = details.locator("video");
  await video.evaluate((v: HTMLVideoElement) => {
    v.muted = true;
    return v.play();
  });
  await expect
    .poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 20_000 })
    .toBeGreaterThan(1);
});
