import AxeBuilder from "@axe-core/playwright";
import { expect, type Page, test } from "@playwright/test";
import { ADMIN, videoTime } from "./support.ts";

/**
 * axe-core on every page a viewer meets, in Chromium at 1280x720: home, a title page, the
 * player playing (controls, stats overlay and settings shown, the lab beside it), search with
 * results, the network lab, and the notice when the network does not answer. Any serious or
 * critical violation fails the test with its rule, the elements and axe's summary of the fix.
 * No rule is turned off.
 */
test.use({ viewport: { width: 1280, height: 720 } });

test.beforeEach(async ({ request }) => {
  await request.post(`${ADMIN}admin/reset`, { data: {} });
});

/** axe's findings as lines a reader can act on: rule, elements, and what to fix. */
async function seriousViolations(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  return violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => {
      const nodes = v.nodes
        .map(
          (n) => `    ${n.target.join(" ")}\n      ${n.failureSummary?.replace(/\n/g, "\n      ")}`,
        )
        .join("\n");
      return `${v.id} (${v.impact}, ${v.nodes.length} nodes): ${v.help}\n${nodes}`;
    });
}

async function expectNoViolations(page: Page, where: string): Promise<void> {
  const found = await seriousViolations(page);
  expect(found, `axe on ${where}:\n${found.join("\n")}`).toEqual([]);
}

test("home, title, search and the network lab have no serious axe violations", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("region", { name: /featured: e2e clip/i })).toBeVisible();
  await expectNoViolations(page, "home");

  await page.goto("/title/e2e-clip");
  await expect(page.getByRole("heading", { name: "E2E clip" })).toBeVisible();
  await expectNoViolations(page, "the title page");

  await page.goto("/search?q=e2e");
  await expect(page.getByRole("status")).toHaveText("1 title");
  await expectNoViolations(page, "search");

  await page.goto("/lab");
  await expect(page.getByRole("heading", { name: /network lab/i })).toBeVisible();
  await expect(page.getByRole("article", { name: "appliance isp-a-1" })).toBeVisible();
  await expectNoViolations(page, "the network lab");

  // The notice every page shows when the network does not answer (the connection refused).
  await page.route("**/catalog.json", (route) => route.abort("connectionrefused"));
  await page.goto("/");
  await expect(page.getByRole("alert")).toContainText("The delivery network is not answering");
  await expectNoViolations(page, "home, the network not answering");
});

test("the watch page, playing with its controls and stats overlay, has no serious axe violations", async ({
  page,
}) => {
  await page.goto("/watch/e2e-clip?lab=1");
  await expect.poll(() => videoTime(page), { timeout: 20_000 }).toBeGreaterThan(1);
  // The controls show while the pointer moves over the picture; the overlay on its shortcut.
  await page.getByTestId("stage").hover({ force: true });
  await page.keyboard.press("Control+Alt+Shift+D");
  await expect(page.getByRole("complementary", { name: "Playback statistics" })).toBeVisible();
  await expectNoViolations(page, "the watch page");
  await page.getByRole("button", { name: "Settings" }).click();
  await expect(page.getByRole("combobox", { name: "Engine" })).toBeVisible();
  await expectNoViolations(page, "the watch page, settings open");
});
