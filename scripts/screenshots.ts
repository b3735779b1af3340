/**
 * `npm run screenshots [-- --catalog DIR]`: the README's screenshots (home, a title page, the
 * player with its stats overlay, the network lab, and home at phone width), taken in the system
 * Chromium against the real servers (the browser benchmark's: the network and the app's
 * production build). Default catalog: the demo's (`./catalog`, built by `npm start` or
 * `npm run encode`), else the e2e one (built by the e2e suite or `npm start -- --e2e`).
 */
import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { chromium, type Page } from "@playwright/test";
import { startServers } from "../bench/browser/servers.ts";
import playwrightConfig, { CHROMIUM_PATH } from "../playwright.config.ts";
import { type CommandLine, parseCommandLine } from "./cli.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const OUT = path.join(ROOT, "docs/screenshots");

const CLI: CommandLine = {
  name: "screenshots",
  command: "npm run screenshots --",
  usage: `Usage: npm run screenshots -- [--catalog DIR]

Takes the README's screenshots into docs/screenshots/ (home, a title page, the player with its
stats overlay, the network lab, home at phone width) in the system Chromium, against servers
it starts itself on the first free set of ports (bench/browser/servers.ts).

Options:
  --catalog DIR   the catalog to show (default ./catalog, else .cache/e2e-catalog)
  -h, --help      show this help`,
};
const { values } = parseCommandLine(CLI, { catalog: { type: "string" } });
const built = [path.join(ROOT, "catalog"), path.join(ROOT, ".cache/e2e-catalog")].find((dir) =>
  existsSync(path.join(dir, "catalog.json")),
);
const catalog = values.catalog ?? built;
if (!catalog) {
  console.error(
    "screenshots: no catalog: build the demo's with npm run encode (or the e2e one with npm start -- --e2e), or give --catalog DIR",
  );
  process.exit(2);
}

const servers = await startServers({
  catalog,
  portOffset: null,
  log: (line) => console.log(line),
});
const browser = await chromium.launch({
  executablePath: CHROMIUM_PATH,
  args: playwrightConfig.use?.launchOptions?.args ?? [],
});
try {
  await mkdir(OUT, { recursive: true });
  const shot = async (page: Page, name: string) => {
    // JPEG keeps the repository small (a PNG of video frames is several times larger).
    await page.screenshot({ path: path.join(OUT, `${name}.jpg`), type: "jpeg", quality: 80 });
    console.log(`screenshots: docs/screenshots/${name}.jpg`);
  };
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  await page.goto(`${servers.siteUrl}/`);
  await page.getByRole("region", { name: /^Featured/ }).waitFor();
  await page.waitForLoadState("networkidle");
  await shot(page, "home");

  const firstCard = page.locator("a.card").first();
  await firstCard.click();
  await page.getByRole("table").waitFor();
  await page.waitForLoadState("networkidle");
  await shot(page, "title");

  await page.getByRole("link", { name: /^▶/ }).first().click();
  await page.getByRole("button", { name: "Settings" }).click();
  await page.getByRole("button", { name: "Stats" }).click();
  await page.getByRole("button", { name: "Settings" }).click();
  // Enough playing time for the charts to have a shape.
  await page.waitForFunction(() => (document.querySelector("video")?.currentTime ?? 0) > 8, null, {
    timeout: 60_000,
  });
  await shot(page, "player-stats");

  await page.goto(`${servers.siteUrl}/lab`);
  await page.getByRole("article").first().waitFor();
  await page.waitForTimeout(2_000);
  await shot(page, "lab");

  const phone = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const small = await phone.newPage();
  await small.goto(`${servers.siteUrl}/`);
  await small.getByRole("region", { name: /^Featured/ }).waitFor();
  await small.waitForLoadState("networkidle");
  await shot(small, "home-phone");
} finally {
  await browser.close();
  await servers.stop();
}
