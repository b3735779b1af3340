import { expect, type Page, test } from "@playwright/test";

/**
 * Our ABR's settings panel and the stats charts, in one page: a tunable out of range is refused
 * beside its field and changes nothing; a valid one reaches the running controller (read from
 * `window.streamlab`) and the copied link; the charts draw with axes and legends with values.
 */

/** The running controller's rules, as `window.streamlab` exposes them. */
const activeRules = (page: Page) =>
  page.evaluate(() => {
    const probe = (
      window as unknown as {
        streamlab?: { controller: { activeConfig(): { rules: Record<string, number> } } };
      }
    ).streamlab;
    return probe?.controller.activeConfig().rules ?? null;
  });

test("the ABR settings change the running session; the charts show axes and values", async ({
  page,
  context,
}) => {
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);
  await page.goto("/watch/e2e-clip?abr.buffer=12");
  await expect.poll(async () => (await activeRules(page))?.bufferTargetSec).toBe(12);

  await page.getByRole("button", { name: "Settings" }).click();
  await page.getByText("ABR settings").click();
  const horizon = page.getByRole("spinbutton", { name: /Horizon/ });
  await expect(horizon).toHaveValue("5");
  await expect(page.getByRole("spinbutton", { name: /Buffer target/ })).toHaveValue("12");

  // Out of range: the schema's message beside the field, the controller unchanged.
  await horizon.fill("0");
  await expect(page.getByText("horizon is at least 1 segment")).toBeVisible();
  await expect(horizon).toHaveAttribute("aria-invalid", "true");
  expect((await activeRules(page))?.horizonSegments).toBe(5);

  await horizon.fill("3");
  await expect(page.getByText("horizon is at least 1 segment")).toHaveCount(0);
  await expect.poll(async () => (await activeRules(page))?.horizonSegments).toBe(3);

  await page.getByRole("button", { name: "Copy link" }).click();
  const copied = new URL(await page.evaluate(() => navigator.clipboard.readText()));
  expect(copied.searchParams.get("abr.horizon")).toBe("3");
  expect(copied.searchParams.get("abr.buffer")).toBe("12");

  // Reset: the defaults, in the controller and the fields.
  await page.getByRole("button", { name: "Reset to defaults" }).click();
  await expect(horizon).toHaveValue("5");
  await expect.poll(async () => (await activeRules(page))?.bufferTargetSec).toBe(8);

  await page.getByRole("button", { name: "Stats" }).click();
  const buffer = page.locator("figure.chart", { hasText: "Buffer" });
  const canvas = buffer.locator("canvas");
  await expect(canvas).toBeVisible();
  const box = await canvas.boundingBox();
  expect(box?.width).toBeGreaterThan(100);
  expect(box?.height).toBeGreaterThan(50);
  // The legend shows the latest values; the summary says them to screen readers.
  await expect(buffer.locator(".u-legend")).toContainText(/buffer\s*:?\s*\d+\.\d s/);
  await expect(buffer.locator(".visually-hidden")).toHaveText(/Buffer: \d+\.\d s\./);
  const throughput = page.locator("figure.chart", { hasText: "Throughput" });
  await expect(throughput.locator(".u-legend")).toContainText(/estimate\s*:?\s*\d+\.\d\d Mbit\/s/);
  // Axes: tick labels are drawn on the canvas, so count the axis elements uPlot lays out.
  await expect(buffer.locator(".u-axis")).toHaveCount(2);
  // The Export button is still reachable and clickable with the charts open.
  await expect(page.getByRole("button", { name: "Export session" })).toBeEnabled();
});
