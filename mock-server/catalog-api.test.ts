/** The origin's catalog API as a plugin on an app of its own, through `inject` (no socket). */
import { mkdtemp } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { PublishedCatalog } from "./catalog/store.ts";
import { catalogApiRoutes } from "./origin.ts";
import { writeTinyCatalog } from "./tiny-catalog.ts";

async function appOver(catalogDir: string) {
  const app = Fastify();
  await app.register(catalogApiRoutes, { catalog: new PublishedCatalog(catalogDir), catalogDir });
  return app;
}

describe("catalogApiRoutes", () => {
  it("answers a title, its files, a 404 naming the field, and a search", async () => {
    const tiny = await writeTinyCatalog();
    const app = await appOver(tiny.dir);
    expect((await app.inject(`/api/titles/${tiny.titleId}`)).json()).toMatchObject({
      id: tiny.titleId,
    });
    const files = (await app.inject(`/api/titles/${tiny.titleId}/files`)).json() as unknown[];
    expect(files.length).toBeGreaterThan(0);
    const missing = await app.inject("/api/titles/nope");
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual({ error: 'no title "nope"', field: "id" });
    expect((await app.inject("/api/search?q=tiny")).statusCode).toBe(200);
    await app.close();
  });

  it("says 503 and what to run when there is no catalog yet", async () => {
    const app = await appOver(await mkdtemp(path.join(os.tmpdir(), "no-catalog-")));
    const response = await app.inject("/api/catalog");
    expect(response.statusCode).toBe(503);
    expect(response.json().error).toContain("npm run encode");
    await app.close();
  });
});
