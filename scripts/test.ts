/**
 * `npm test`: the whole suite, in the order that fails fastest: format and lint, types, unit
 * and integration tests (vitest), then the browser tests (Playwright in the system Chromium).
 * Checks first that ffmpeg and Chromium are there, and says how to get them if not.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

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
  return problems;
}

const problems = missing();
if (problems.length > 0) {
  for (const p of problems) console.error(`npm test: ${p}`);
  process.exit(2);
}

const steps: [name: string, command: string, args: string[]][] = [
  ["format and lint", "npx", ["biome", "check", "."]],
  ["types", "npx", ["tsc", "--noEmit", "-p", "tsconfig.json"]],
  ["unit and integration", "npx", ["vitest", "run"]],
  ["browser (Playwright)", "npx", ["playwright", "test"]],
];

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
    process.exit(result.status ?? 1);
  }
  console.log(`=== ${name} passed in ${seconds} s`);
}
