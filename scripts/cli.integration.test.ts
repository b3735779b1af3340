/**
 * Every command line of package.json's scripts, run for real (node + tsx, as npm runs them):
 * `--help` prints its usage on stdout and exits 0; an unknown option is one line on stderr
 * naming it and pointing to --help, exit 2, no stack trace. A script added to package.json
 * must be listed here, as a CLI of ours or as a tool's own command.
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import pLimit from "p-limit";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");

/** npm script -> our CLI it runs, the prefix of its messages, and how its help is asked for. */
const CLIS: Record<string, { file: string; name: string; command: string }> = {
  start: { file: "scripts/demo.ts", name: "demo", command: "npm start --" },
  dev: { file: "scripts/demo.ts", name: "demo", command: "npm start --" },
  test: { file: "scripts/test.ts", name: "npm test", command: "npm test --" },
  encode: { file: "encoder/cli.ts", name: "encode", command: "npm run encode --" },
  network: { file: "mock-server/main.ts", name: "network", command: "npm run network --" },
  "bench:network": {
    file: "mock-server/bench/network-bench.ts",
    name: "bench:network",
    command: "npm run bench:network --",
  },
  "bench:abr": { file: "bench/sim/cli.ts", name: "bench:abr", command: "npm run bench:abr --" },
  "bench:browser": {
    file: "bench/browser/cli.ts",
    name: "bench:browser",
    command: "npm run bench:browser --",
  },
  "bench:traces": {
    file: "bench/traces/cli.ts",
    name: "bench:traces",
    command: "npm run bench:traces --",
  },
  "startup-time": {
    file: "scripts/startup-time.ts",
    name: "startup-time",
    command: "npm run startup-time --",
  },
  screenshots: {
    file: "scripts/screenshots.ts",
    name: "screenshots",
    command: "npm run screenshots --",
  },
  appliance: {
    file: "mock-server/appliance/standalone.ts",
    name: "appliance",
    command: "npm run appliance --",
  },
};
/** Scripts that run a tool (biome, tsc, vitest) with its own help. */
const TOOLS = ["lint", "format", "typecheck", "test:unit"];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

// Two cores: a few at a time, each a tsx start of about a second.
const limit = pLimit(4);
const run = (file: string, args: string[]): Promise<Run> =>
  limit(
    () =>
      new Promise((resolve) => {
        const child = execFile(
          process.execPath,
          ["--import", "tsx", path.join(ROOT, file), ...args],
          { cwd: ROOT, timeout: 30_000 },
          (error, stdout, stderr) =>
            resolve({ code: child.exitCode ?? (error ? -1 : 0), stdout, stderr }),
        );
      }),
  );

/** One run per file (start and dev run the same one). */
const clis = [...new Map(Object.values(CLIS).map((c) => [c.file, c])).values()];

describe("the command lines", () => {
  it("cover every script in package.json", () => {
    const scripts = Object.keys(
      (
        JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
          scripts: Record<string, string>;
        }
      ).scripts,
    );
    expect(scripts.filter((s) => !(s in CLIS) && !TOOLS.includes(s))).toEqual([]);
  });

  it("answer --help with their usage on stdout, and an unknown option with one line and exit 2", async () => {
    const results = await Promise.all(
      clis.flatMap((cli) => [
        run(cli.file, ["--help"]).then((r) => ({ ...cli, kind: "help", ...r })),
        run(cli.file, ["--no-such-option"]).then((r) => ({ ...cli, kind: "bogus", ...r })),
      ]),
    );
    for (const r of results) {
      const where = `${r.file} ${r.kind}:\n${r.stdout}\n${r.stderr}`;
      if (r.kind === "help") {
        expect(r.code, where).toBe(0);
        expect(r.stdout, where).toMatch(/^Usage: npm (start|test|run [\w:-]+)\b/);
        expect(r.stderr, where).toBe("");
      } else {
        expect(r.code, where).toBe(2);
        expect(r.stdout, where).toBe("");
        expect(r.stderr, where).toBe(
          `${r.name}: Unknown option '--no-such-option' (see ${r.command} --help)\n`,
        );
      }
    }
  }, 120_000);
});
