/** The origin's `/encode-status.json`: the encoder's progress as written, or what became of it. */
import { spawnSync } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ENCODE_STATUS_PATH, type EncodeStatus } from "../src/schemas/encode-status.ts";
import { buildOrigin } from "./origin.ts";

const running = (pid: number): EncodeStatus => ({
  state: "running",
  pid,
  updatedAt: new Date().toISOString(),
  titles: [{ id: "a", name: "A", stage: "measure", percent: 45 }],
});

async function originWith(content: string | null) {
  const dir = await mkdtemp(path.join(os.tmpdir(), "origin-status-"));
  if (content !== null) await writeFile(path.join(dir, ENCODE_STATUS_PATH), content);
  const origin = await buildOrigin({ catalogDir: dir });
  const response = await origin.inject(`/${ENCODE_STATUS_PATH}`);
  await origin.close();
  return response;
}

describe("origin: the encoder's progress", () => {
  it("serves it as written while its encoder runs, never cached", async () => {
    const status = running(process.pid);
    const response = await originWith(JSON.stringify(status));
    expect(response.statusCode).toBe(200);
    expect(response.headers["cache-control"]).toBe("no-cache");
    expect(response.json()).toEqual(status);
  });

  it("says interrupted when the encoder that wrote it is gone", async () => {
    // A process that has exited: its pid is free.
    const gone = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
      encoding: "utf8",
    });
    const response = await originWith(JSON.stringify(running(Number(gone.stdout))));
    expect(response.json()).toMatchObject({ state: "interrupted" });
  });

  it("404 when no encoder has run, 500 naming the file when it does not parse", async () => {
    expect((await originWith(null)).statusCode).toBe(404);
    const bad = await originWith('{"state":"running"}');
    expect(bad.statusCode).toBe(500);
    expect(bad.json().error).toMatch(/^encode-status\.json: invalid encode status at pid/);
  });
});
