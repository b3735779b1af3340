/**
 * An appliance in a process of its own (`npm run appliance`, as on another machine) registers
 * with the network's steering service by heartbeat with the network's secret, is steered to
 * and serves through its own cache; with another secret it is refused and never steered to.
 */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Network, startNetwork } from "../network.ts";
import { type TinyCatalog, writeTinyCatalog } from "../tiny-catalog.ts";
import { freePort } from "./nginx.ts";

const SECRET = "a-test-secret-of-enough-characters-1234";
let network: Network;
let catalog: TinyCatalog;
const children: ChildProcess[] = [];

beforeAll(async () => {
  catalog = await writeTinyCatalog();
  network = await startNetwork({
    catalogDir: catalog.dir,
    fillWindow: null,
    heartbeatSecret: SECRET,
  });
});

afterAll(async () => {
  for (const child of children) child.kill("SIGTERM");
  await network?.close();
});

async function startAppliance(id: string, secret: string) {
  const port = await freePort();
  const child = spawn(
    process.execPath,
    [
      "--import",
      "tsx",
      path.join(import.meta.dirname, "standalone.ts"),
      ...["--id", id, "--region", "isp-b", "--host", "127.0.0.1", "--port", `${port}`],
      ...["--origin", network.urls.origin, "--steering", network.urls.steering],
      ...["--public-url", `http://127.0.0.1:${port}/`],
    ],
    {
      env: { ...process.env, STREAMLAB_HEARTBEAT_SECRET: secret },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  children.push(child);
  let output = "";
  child.stdout?.on("data", (c: Buffer) => (output += c));
  child.stderr?.on("data", (c: Buffer) => (output += c));
  return { port, output: () => output };
}

const steeredIds = () =>
  network.steering.answer(catalog.titleId, "isp-b", null).appliances.map((a) => a.id);

describe("an appliance in its own process", () => {
  it("registers with the network's secret, is steered to and serves", async () => {
    const edge = await startAppliance("edge-1", SECRET);
    await expect.poll(steeredIds, { timeout: 15_000 }).toContain("edge-1");
    const response = await fetch(`http://127.0.0.1:${edge.port}/${catalog.segmentPath}`);
    expect(response.status).toBe(200);
    expect(response.headers.get("x-cache")).toBe("MISS");
    expect(Buffer.from(await response.arrayBuffer()).equals(catalog.segment)).toBe(true);
    expect(edge.output()).toContain("heartbeat accepted");
  });

  it("is refused with another secret, and never steered to", async () => {
    const rogue = await startAppliance("rogue-1", "another-secret-of-enough-characters-99");
    await expect.poll(rogue.output, { timeout: 15_000 }).toContain("heartbeat refused: 403");
    expect(steeredIds()).not.toContain("rogue-1");
  });
});
