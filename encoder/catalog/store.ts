/**
 * The catalog on disk. `catalog.json` is the only entry point the servers read, and it only
 * ever names complete title folders:
 * - a title is built in `.staging/`, then renamed into `titles/<id>--<hash>/` (a rename is
 *   atomic on one file system), then `catalog.json` is replaced by rename as well;
 * - the previous folder of a re-encoded title is deleted only after the new document is in;
 * - a crash or Ctrl-C at any point leaves the old document naming old, complete folders,
 *   and the next run sweeps `.staging/` and any folder the document does not name.
 */

import { existsSync } from "node:fs";
import { mkdir, open, readdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import {
  type Catalog,
  emptyCatalog,
  parseCatalog,
  type Title,
  type TitleInfo,
} from "../../src/schemas/catalog.ts";
import { EncoderError } from "../errors.ts";
import { withTitle } from "./merge.ts";

export const CATALOG_FILE = "catalog.json";
const STAGING = ".staging";
const TITLES = "titles";
const LOCK = ".lock";

export class CatalogStore {
  constructor(readonly root: string) {}

  get file(): string {
    return path.join(this.root, CATALOG_FILE);
  }

  /** One encoder per catalog at a time: a second one would race on catalog.json. */
  async lock(): Promise<() => Promise<void>> {
    await mkdir(this.root, { recursive: true });
    const lockFile = path.join(this.root, LOCK);
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const handle = await open(lockFile, "wx");
        await handle.writeFile(String(process.pid));
        await handle.close();
        return () => rm(lockFile, { force: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
        const pid = Number(await readFile(lockFile, "utf8").catch(() => "0"));
        if (pid > 0 && pid !== process.pid && isAlive(pid)) {
          throw new EncoderError(
            `${this.root}: another encoder (pid ${pid}) is writing this catalog; wait for it or stop it`,
          );
        }
        await rm(lockFile, { force: true }); // left by a run that died
      }
    }
    throw new EncoderError(
      `${lockFile}: cannot take the lock; delete the file if no encoder is running`,
    );
  }

  async read(): Promise<Catalog> {
    let text: string;
    try {
      text = await readFile(this.file, "utf8");
    } catch {
      return emptyCatalog();
    }
    try {
      return parseCatalog(JSON.parse(text));
    } catch (error) {
      throw new EncoderError(
        `${this.file}: ${(error as Error).message}; fix it, or delete it and run the encoder again to rebuild`,
      );
    }
  }

  stagingDir(id: string, hash: string): string {
    return path.join(this.root, STAGING, `${id}--${hash.slice(0, 12)}`);
  }

  catalogPath(id: string, hash: string): string {
    return `${TITLES}/${id}--${hash.slice(0, 12)}`;
  }

  /** True when the catalog already holds this title encoded from these exact inputs. */
  isCurrent(catalog: Catalog, id: string, inputHash: string): boolean {
    const title = catalog.titles.find((t) => t.id === id);
    return (
      !!title &&
      title.encoding.inputHash === inputHash &&
      existsSync(path.join(this.root, title.path))
    );
  }

  /** Move a finished staging folder into place and name it in the catalog, atomically. */
  async publish(
    title: Title,
    series: (TitleInfo & { id: string }) | undefined,
    stagingDir: string,
  ): Promise<void> {
    const before = await this.read();
    const next = withTitle(before, title, series); // throws before anything moves
    const finalDir = path.join(this.root, title.path);
    await mkdir(path.dirname(finalDir), { recursive: true });
    await rm(finalDir, { recursive: true, force: true });
    await rename(stagingDir, finalDir);
    await this.write(next);
    const old = before.titles.find((t) => t.id === title.id);
    if (old && old.path !== title.path)
      await rm(path.join(this.root, old.path), { recursive: true, force: true });
  }

  /** Metadata changed but the media did not: update the document only. */
  async updateInfo(
    id: string,
    update: Partial<Title>,
    series: (TitleInfo & { id: string }) | undefined,
  ): Promise<void> {
    const catalog = await this.read();
    const title = catalog.titles.find((t) => t.id === id);
    if (!title) return;
    const next = withTitle(catalog, { ...title, ...update }, series);
    // Nothing new: leave the file (and its timestamp) alone.
    const comparable = (c: Catalog) => JSON.stringify({ ...c, generatedAt: "" });
    if (comparable(next) !== comparable(catalog)) await this.write(next);
  }

  async write(catalog: Catalog): Promise<void> {
    const tmp = `${this.file}.tmp-${process.pid}`;
    await writeFile(tmp, `${JSON.stringify(parseCatalog(catalog), null, 2)}\n`);
    await rename(tmp, this.file);
  }

  /** Remove what an interrupted run left: staging folders and title folders nothing names. */
  async sweep(): Promise<void> {
    await rm(path.join(this.root, STAGING), { recursive: true, force: true });
    const catalog = await this.read();
    const named = new Set(catalog.titles.map((t) => t.path));
    const dirs = await readdir(path.join(this.root, TITLES)).catch(() => [] as string[]);
    for (const dir of dirs) {
      if (!named.has(`${TITLES}/${dir}`))
        await rm(path.join(this.root, TITLES, dir), { recursive: true, force: true });
    }
    for (const entry of await readdir(this.root).catch(() => [] as string[])) {
      if (entry.startsWith(`${CATALOG_FILE}.tmp-`))
        await rm(path.join(this.root, entry), { force: true });
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
