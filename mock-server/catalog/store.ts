/**
 * The published catalog as the servers see it: catalog.json read and validated, re-read when
 * the encoder replaces it (by rename, so a read never sees half a file).
 */
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { type Catalog, parseCatalog } from "../../src/schemas/catalog.ts";

export class PublishedCatalog {
  private cached: { mtimeMs: number; catalog: Catalog } | null = null;

  constructor(readonly root: string) {}

  async read(): Promise<Catalog> {
    const file = path.join(this.root, "catalog.json");
    const { mtimeMs } = await stat(file);
    if (this.cached?.mtimeMs === mtimeMs) return this.cached.catalog;
    const catalog = parseCatalog(JSON.parse(await readFile(file, "utf8")));
    this.cached = { mtimeMs, catalog };
    return catalog;
  }

  /** Every file of a title with its size: what a proactive fill fetches. */
  async titleFiles(titleId: string): Promise<{ path: string; sizeBytes: number }[] | null> {
    const title = (await this.read()).titles.find((t) => t.id === titleId);
    if (!title) return null;
    const files: { path: string; sizeBytes: number }[] = [];
    const walk = async (relative: string) => {
      for (const entry of await readdir(path.join(this.root, relative), { withFileTypes: true })) {
        const child = `${relative}/${entry.name}`;
        if (entry.isDirectory()) await walk(child);
        else files.push({ path: child, sizeBytes: (await stat(path.join(this.root, child))).size });
      }
    };
    await walk(title.path);
    return files.sort((a, b) => a.path.localeCompare(b.path));
  }
}
