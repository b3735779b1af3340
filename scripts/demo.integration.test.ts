/**
 * `npm start` (scripts/demo.ts) with the delivery network in a child process, over real
 * processes and loopback: killing the network leaves the app's server answering while the
 * network is restarted; Ctrl-C or SIGTERM stops both; a demo killed outright takes its network
 * with it. On an empty catalog (no encoding), with the app's cached production build; and on an
 * empty folder with the tiny demo set encoded in the background (`--demo-set tiny`).
 *
 * Ports: the demo's set moved up by DEMO_TEST_PORT_OFFSET (default 15000, clear of the demo's,
 * the e2e suite's and the browser benchmark's sets).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { demoPorts, demoUrls } from "../mock-server/main.ts";
import { portAnswers } from "../mock-server/process/readiness.ts";
import { CATALOG_SCHEMA_VERSION, parseCatalog } from "../src/schemas/catalog.ts";
import { parseEncodeStatus } from "../src/schemas/encode-status.ts";

const ROOT = path.resolve(import.meta.dirname, "..");
const OFFSET = Number(process.env.DEMO_TEST_PORT_OFFSET ?? 15_000);
const ports = demoPorts(OFFSET);
const urls = demoUrls(ports);
const APP_URL = `http://127.0.0.1:${5173 + OFFSET}/`;

interface Demo {
  process: ChildProcess;
  stdout: string[];
  stderr: string[];
  /** Resolves with the first line of `stream` matching `pattern`. */
  line(stream: "stdout" | "stderr", pattern: RegExp, timeoutMs?: number): Promise<string>;
}

let catalogDir: string;
const running: Demo[] = [];

beforeAll(async () => {
  catalogDir = await mkdtemp(path.join(os.tmpdir(), "demo-it-"));
  const catalog = {
    schemaVersion: CATALOG_SCHEMA_VERSION,
    generatedAt: new Date().toISOString(),
    titles: [],
    series: [],
  };
  await writeFile(path.join(catalogDir, "catalog.json"), JSON.stringify(catalog));
});

afterEach(async () => {
  for (const demo of running.splice(0)) {
    if (demo.process.exitCode === null && demo.process.signalCode === null) {
      demo.process.kill("SIGKILL");
    }
  }
});

function startDemo(args: readonly string[] = ["--skip-encode", "--catalog", catalogDir]): Demo {
  const child = spawn(
    process.execPath,
    ["--import", "tsx", "scripts/demo.ts", ...args, "--port-offset", String(OFFSET)],
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  const out = { stdout: [] as string[], stderr: [] as string[] };
  const waiters: { stream: "stdout" | "stderr"; pattern: RegExp; resolve: (l: string) => void }[] =
    [];
  for (const stream of ["stdout", "stderr"] as const) {
    child[stream].setEncoding("utf8");
    child[stream].on("data", (chunk: string) => {
      for (const line of chunk.split("\n").filter((l) => l.trim() !== "")) {
        out[stream].push(line);
        for (const waiter of waiters.filter((w) => w.stream === stream)) {
          if (waiter.pattern.test(line)) waiter.resolve(line);
        }
      }
    });
  }
  const demo: Demo = {
    process: child,
    ...out,
    line: (stream, pattern, timeoutMs = 90_000) =>
      new Promise((resolve, reject) => {
        const seen = out[stream].find((l) => pattern.test(l));
        if (seen) return resolve(seen);
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `no ${stream} line like ${pattern} in ${timeoutMs} ms; stdout:\n${out.stdout.join("\n")}\nstderr:\n${out.stderr.join("\n")}`,
              ),
            ),
          timeoutMs,
        );
        waiters.push({
          stream,
          pattern,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
      }),
  };
  running.push(demo);
  return demo;
}

/** The process id of the demo's network child (mock-server/main.ts). */
function networkPid(demoPid: number): number {
  const rows = execFileSync("ps", ["-o", "pid=,args=", "--ppid", String(demoPid)], {
    encoding: "utf8",
  })
    .split("\n")
    .filter((row) => row.includes("mock-server/main.ts"));
  expect(rows).toHaveLength(1);
  return Number.parseInt(rows[0]!.trim(), 10);
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`not so after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("npm start with the network in a child process", () => {
  it("keeps the app's server answering while a killed network restarts", async () => {
    const demo = startDemo();
    await demo.line("stdout", /^app: +http/);
    // The lines bench/browser/servers.ts and playwright.config.ts read, as before.
    expect(demo.stdout).toEqual(
      expect.arrayContaining([
        `origin:     ${urls.origin}`,
        `steering:   ${urls.steering}steering/<title-id>`,
        `admin API:  ${urls.admin}admin/state`,
        `appliance:  ${urls.appliances["isp-a-1"]} (isp-a-1)`,
        `catalog:    ${catalogDir}`,
        `app:        ${APP_URL}   <- open this`,
      ]),
    );
    const first = networkPid(demo.process.pid!);
    expect((await fetch(`${urls.origin}catalog.json`)).status).toBe(200);

    process.kill(first, "SIGKILL");
    await until(() => !alive(first));
    expect(await portAnswers(ports.origin)).toBe(false);
    const page = await fetch(APP_URL);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<div id=");
    await demo.line(
      "stderr",
      /^network: the delivery network stopped \(killed by SIGKILL\); restarting it in 0\.5 s$/,
    );

    await demo.line("stderr", /^network: back up in [\d.]+ s \(pid \d+\)/, 30_000);
    const second = networkPid(demo.process.pid!);
    expect(second).not.toBe(first);
    expect((await fetch(`${urls.origin}catalog.json`)).status).toBe(200);
    expect((await fetch(`${urls.admin}admin/state`)).status).toBe(200);
    expect((await fetch(APP_URL)).status).toBe(200);

    // SIGTERM (as Ctrl-C) stops both, and nothing is left listening.
    const exited = new Promise((resolve) => demo.process.once("exit", resolve));
    demo.process.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(alive(second)).toBe(false);
    expect(await portAnswers(ports.admin)).toBe(false);
    expect(await portAnswers(5173 + OFFSET)).toBe(false);
  }, 150_000);

  it("takes the network with it when the demo is killed outright", async () => {
    const demo = startDemo();
    await demo.line("stdout", /^app: +http/);
    const network = networkPid(demo.process.pid!);
    demo.process.kill("SIGKILL");
    // Its IPC channel closes; main.ts closes the servers and exits.
    await until(() => !alive(network), 10_000);
    expect(await portAnswers(ports.origin)).toBe(false);
  }, 150_000);
});

describe("npm start encoding in the background", () => {
  it("answers while the titles encode, shows each as it is published, and Ctrl-C stops the encoder", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "demo-it-encode-"));
    const demo = startDemo(["--catalog", dir, "--demo-set", "tiny"]);
    await demo.line("stdout", /^app: +http/);
    // Up before any title is: the app, and the origin with an empty catalog.
    expect((await fetch(APP_URL)).status).toBe(200);
    const first = parseCatalog(await (await fetch(`${urls.origin}catalog.json`)).json());
    expect(first.titles).toEqual([]);

    // The encoder's progress, served by the origin, says what is coming.
    let encoderPid = 0;
    await until(async () => {
      const response = await fetch(`${urls.origin}encode-status.json`);
      if (response.status !== 200) return false;
      const status = parseEncodeStatus(await response.json());
      encoderPid = status.pid;
      return status.state === "running" && status.titles.length === 2;
    }, 60_000);
    expect(alive(encoderPid)).toBe(true);

    // Titles appear in the served catalog while the demo runs.
    await until(async () => {
      const catalog = parseCatalog(await (await fetch(`${urls.origin}catalog.json`)).json());
      return catalog.titles.some((t) => t.id === "tiny-bars");
    }, 120_000);

    // SIGTERM (as Ctrl-C) stops the encoder too, finished or not, and the catalog stays whole.
    const exited = new Promise((resolve) => demo.process.once("exit", resolve));
    demo.process.kill("SIGTERM");
    expect(await exited).toBe(0);
    await until(() => !alive(encoderPid), 5_000);
    const catalog = parseCatalog(
      JSON.parse(await readFile(path.join(dir, "catalog.json"), "utf8")),
    );
    for (const title of catalog.titles) expect(existsSync(path.join(dir, title.path))).toBe(true);
    expect(existsSync(path.join(dir, ".staging"))).toBe(false);
    expect(await portAnswers(5173 + OFFSET)).toBe(false);
  }, 180_000);
});
