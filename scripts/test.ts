/**
 * `npm test`: the whole suite, in the order that fails fastest: format and lint, types, unit
 * and integration tests (vitest), then the browser tests (Playwright in the system Chromium).
 * Checks first that ffmpeg, Chromium and nginx (the nginx appliances' tests) are there, and says
 * how to get them if not.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { parseCommandLine } from "./cli.ts";

parseCommandLine(
  {
    name: "npm test",
    command: "npm test --",
    usage: `Usage: npm test

The whole suite, in the order that fails fastest: format and lint (biome), types (tsc), unit
and integration tests (vitest), browser tests (Playwright in the system Chromium). Ends with
one line, "tests: N passed, N failed". It takes no options: run a part alone with
npx vitest run PATH, or npx playwright test e2e/FILE.spec.ts.`,
  },
  {},
);

import { nginxBinary } from "../mock-server/appliance/nginx.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

function missing(): string[] {
  const problems: string[] = [];
  for (const tool of [process.env.FFMPEG_PATH || "ffmpeg", process.env.FFPROBE_PATH || "ffprobe"]) {
    if (spawnSync(tool, ["-version"], { stdio: "ignore" }).error) {
      problems.push(
        `${tool} not found: install it (Debian/Ubuntu: sudo apt-get install ffmpeg) or set FFMPEG_PATH/FFPROBE_PATH`,
      );
    }
  }
  if (!existsSync(CHROMIUM)) {
    problems.push(
      `Chromium not found at ${CHROMIUM}: install it (Debian: sudo apt-get install chromium) or set CHROMIUM_PATH`,
    );
  }
  try {
    nginxBinary();
  } catch (error) {
    problems.push((error as Error).message);
  }
  return problems;
}

const problems = missing();
if (problems.length > 0) {
  for (const p of problems) console.error(`npm test: ${p}`);
  process.exit(2);
}

const VITEST_REPORT = ".cache/test-reports/vitest.json";
const PLAYWRIGHT_REPORT = ".cache/test-reports/playwright.json";

const steps: [name: string, command: string, args: string[]][] = [
  ["format and lint", "npx", ["biome", "check", "."]],
  ["types", "npx", ["tsc", "--noEmit", "-p", "tsconfig.json"]],
  [
    "unit and integration",
    "npx",
    [
      "vitest",
      "run",
      "--reporter=default",
      "--reporter=json",
      `--outputFile.json=${VITEST_REPORT}`,
    ],
  ],
  ["browser (Playwright)", "npx", ["playwright", "test"]],
];

/** Passed and failed counts from both runners' JSON reports, for one closing line. */
function totals(): { passed: number; failed: number } {
  let passed = 0;
  let failed = 0;
  try {
    const v = JSON.parse(readFileSync(VITEST_REPORT, "utf8")) as {
      numPassedTests: number;
      numFailedTests: number;
    };
    passed += v.numPassedTests;
    failed += v.numFailedTests;
  } catch {}
  try {
    const p = JSON.parse(readFileSync(PLAYWRIGHT_REPORT, "utf8")) as {
      stats: { expected: number; unexpected: number; flaky: number };
    };
    passed += p.stats.expected + p.stats.flaky;
    failed += p.stats.unexpected;
  } catch {}
  return { passed, failed };
}

for (const [name, command, args] of steps) {
  const started = Date.now();
  console.log(`\n=== ${name}: ${command} ${args.join(" ")}`);
  const result = spawnSync(command, args, {
    stdio: "inherit",
    env: { ...process.env, SVT_LOG: "1" },
  });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    console.error(`\n=== ${name} failed after ${seconds} s`);
    const { passed, failed } = totals();
    console.log(`tests: ${passed} passed, ${Math.max(failed, 1)} failed`);
    process.exit(result.status ?? 1);
  }
  console.log(`=== ${name} passed in ${seconds} s`);
}
const { passed, failed } = totals();
console.log(`tests: ${passed} passed, ${failed} failed`);
