import { defineConfig } from "@playwright/test";

/**
 * The system Chromium (Debian's `chromium`), never a downloaded one. CHROMIUM_PATH overrides
 * the path. The servers are the real ones: origin and app over loopback, started by
 * `scripts/demo.ts --e2e` with a small catalog it encodes from a generated clip.
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
    baseURL: "http://127.0.0.1:15173",
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
    command: "npx tsx scripts/demo.ts --e2e",
    url: "http://127.0.0.1:15173/",
    timeout: 180_000,
    reuseExistingServer: !process.env.CI,
    stdout: "pipe",
  },
});
