/**
 * A title plays through nginx appliances (`--appliances nginx`: Debian's nginx with
 * proxy_cache behind each appliance) in both engines, and when the nginx of the appliance in
 * use is stopped, playback carries on from another appliance. The suite's own servers run
 * in-process caches, so this file starts a second demo of its own, 150 ports above the
 * suite's, on the same e2e catalog.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { expect, type Page, test } from "@playwright/test";
import { E2E_PORT_OFFSET } from "./ports.ts";

const OFFSET = E2E_PORT_OFFSET + 150;
const APP = `http://127.0.0.1:${5173 + OFFSET}/`;
const ADMIN = `http://127.0.0.1:${8082 + OFFSET}/`;
const START_SEC = 40;

let demo: ChildProcess | undefined;

test.beforeAll(async () => {
  test.setTimeout(90_000);
  demo = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      "scripts/demo.ts",
      "--e2e",
      "--skip-encode",
      "--port-offset",
      String(OFFSET),
      "--appliances",
      "nginx",
    ],
    // Its own process group, so that stopping it takes the network (and its nginx) along.
    { detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`demo did not start:\n${output}`)), 80_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (/^app: +http/m.test(output)) {
        clearTimeout(timer);
        resolve();
      }
    };
    demo?.stdout?.on("data", read);
    demo?.stderr?.on("data", read);
    demo?.once("exit", (code) => reject(new Error(`demo exited (${code}):\n${output}`)));
  });
});

test.afterAll(async () => {
  if (!demo?.pid) return;
  const exited = new Promise((resolve) => demo?.once("exit", resolve));
  process.kill(-demo.pid, "SIGTERM");
  await exited;
});

type ApplianceState = {
  id: string;
  engine?: { name: string; running: boolean };
  counters: { requests: number; misses: number };
};
async function admin(page: Page, path: string, data?: object): Promise<unknown> {
  const response =
    data === undefined
      ? await page.request.get(`${ADMIN}${path}`)
      : await page.request.post(`${ADMIN}${path}`, { data });
  expect(response.ok(), `${path}: ${response.status()}`).toBe(true);
  return response.json();
}
const appliances = async (page: Page) =>
  ((await admin(page, "admin/state")) as { appliances: ApplianceState[] }).appliances;

const seen = (page: Page) =>
  page.evaluate(() => {
    type Probe = { store: { getState(): { error: string | null; applianceId: string | null } } };
    const s = (window as Window & { streamlab?: Probe }).streamlab?.store.getState();
    return {
      time: document.querySelector("video")?.currentTime ?? 0,
      error: s?.error ?? null,
      appliance: s?.applianceId ?? null,
    };
  });

for (const engine of ["hlsjs", "shaka"] as const) {
  test(`${engine} plays through nginx appliances and fails over when one nginx stops`, async ({
    page,
  }) => {
    test.setTimeout(40_000);
    await admin(page, "admin/reset", {});
    for (const a of await appliances(page)) {
      expect(a.engine).toEqual({ name: "nginx", running: true });
      // Slow enough that the player keeps fetching: the stop meets it mid-play.
      await page.request.put(`${ADMIN}admin/appliances/${a.id}/shaping`, {
        data: { bitsPerSecond: 800_000 },
      });
    }
    await page.goto(`${APP}watch/e2e-clip?engine=${engine}&t=${START_SEC}`);
    await expect
      .poll(async () => (await seen(page)).time, { timeout: 15_000 })
      .toBeGreaterThan(START_SEC + 0.5);
    const inUse = (await seen(page)).appliance;
    expect(inUse).not.toBeNull();
    // Its bytes came through nginx: nginx missed (filled from the origin) for it.
    const before = (await appliances(page)).find((a) => a.id === inUse);
    expect(before?.counters.misses).toBeGreaterThan(0);

    await admin(page, `admin/appliances/${inUse}/engine/stop`, {});
    const stoppedAt = (await seen(page)).time;
    await expect
      .poll(async () => (await seen(page)).appliance, { timeout: 15_000 })
      .not.toBe(inUse);
    await expect
      .poll(async () => (await seen(page)).time, { timeout: 15_000 })
      .toBeGreaterThan(stoppedAt + 2);
    expect((await seen(page)).error).toBeNull();
    expect((await appliances(page)).find((a) => a.id === inUse)?.engine?.running).toBe(false);
  });
}
