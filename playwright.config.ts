import { defineConfig } from "@playwright/test";
import { E2E_PORT_OFFSET, E2E_URLS } from "./e2e/ports.ts";

/**
 * The system Chromium (Debian's `chromium`), never a downloaded one. CHROMIUM_PATH overrides
 * the path. The servers are the real ones: origin and app over loopback, started by
 * `scripts/demo.ts --e2e` with a small catalog it encodes from a generated clip, serving the
 * app's production build. `E2E_PORT_OFFSET=N` runs against (or starts) servers at another
 * offset than the usual +10000 (e2e/ports.ts).
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

export default defineConfig({
  testDir: "e2e",
  timeout: 60_000,
  retries: process.env.CI ? 1 : 0,
  workers: 1,
  // The JSON report feeds the closing "N passed, N failed" line of `npm test`.
  reporter: process.env.CI
    ? [["list"], ["json", { outputFile: ".cache/test-reports/playwright.json" }]]
    : [
        ["list"],
        ["json", { outputFile: ".cache/test-reports/playwright.json" }],
        ["html", { open: "never" }],
      ],
  use: {
    baseURL: E2E_URLS.app.replace(/\/$/, ""),
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: CHROMIUM_PATH,
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        "--autoplay-policy=no-user-gesture-required",
      ],
    },
  },
  webServer: {
    command: `npx tsx scripts/demo.ts --e2e --port-offset ${E2E_PORT_OFFSET}`,
    url: E2E_URLS.app,
    timeout: 180_000,
    reuseExistingServer: !process.env.CI,
    stdout: "pipe",
  },
});
