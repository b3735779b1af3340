import { expect, test } from "@playwright/test";

test("the catalog lists the encoded title and plays it", async ({ page }) => {
  await page.goto("/");
  const card = page.getByRole("link", { name: /e2e clip/i }).first();
  await expect(card).toBeVisible();
  // A card opens the title's page, with its ladder.
  await card.click();
  await expect(page).toHaveURL(/\/title\/e2e-clip$/);
  const details = page.getByRole("region", { name: /e2e clip/i });
  await expect(details.getByRole("table")).toContainText("h264-");
  // Play opens the player, and the video plays from the origin: time advances.
  await details.getByRole("link", { name: /^▶ Play$/ }).click();
  await expect(page).toHaveURL(/\/watch\/e2e-clip$/);
  const video = page.locator("video");
  await video.evaluate((v: HTMLVideoElement) => {
    v.muted = true;
    return v.play();
  });
  await expect
    .poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), { timeout: 20_000 })
    .toBeGreaterThan(1);
});

test("the header links home, to search and to the network lab; unknown paths say so", async ({
  page,
}) => {
  await page.goto("/");
  const nav = page.getByRole("navigation", { name: "Main" });
  await nav.getByRole("link", { name: "Search" }).click();
  await expect(page).toHaveURL(/\/search$/);
  await expect(nav.getByRole("link", { name: "Search" })).toHaveAttribute("aria-current", "page");
  await nav.getByRole("link", { name: "Network lab" }).click();
  await expect(page).toHaveURL(/\/lab$/);
  await expect(page.getByRole("region", { name: "Network lab" })).toBeVisible();
  await page.getByRole("link", { name: "Streamlab" }).click();
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("region", { name: /featured/i })).toBeVisible();
  // Back and Forward go through the pages visited.
  await page.goBack();
  await expect(page).toHaveURL(/\/lab$/);
  await page.goForward();
  await expect(page).toHaveURL(/\/$/);
  await page.goto("/no/such/page");
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await page.getByRole("link", { name: "Back to the catalog" }).click();
  await expect(page.getByRole("region", { name: /featured/i })).toBeVisible();
});
