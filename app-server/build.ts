/**
 * The app's production build, cached in `<cacheDir>/<key>/` (key: build-key.ts): Vite builds
 * only when an input changed. A build goes to a staging folder that is renamed into place when
 * whole, so a failed or interrupted build never leaves a folder to be served, and two processes
 * building at once (the e2e suite and a benchmark) both end with one whole build.
 */
import { existsSync } from "node:fs";
import { readdir, rename, rm, stat, utimes } from "node:fs/promises";
import path from "node:path";
import { stripVTControlCharacters } from "node:util";
import { build } from "vite";
import { buildKey, readBuildInputs } from "./build-key.ts";

export interface AppBuild {
  /** The folder to serve: index.html, assets/, and Vite's manifest in .vite/. */
  dir: string;
  key: string;
  /** How long building took, or null when an earlier build with the same key was used. */
  builtMs: number | null;
}

/** Builds kept, the current one included, the most recently used: switching branches back and
 * forth stays instant. */
const KEEP_BUILDS = 3;
const STAGING_PREFIX = ".staging-";

export async function ensureAppBuild(options: {
  root: string;
  cacheDir: string;
}): Promise<AppBuild> {
  const key = buildKey(await readBuildInputs(options.root));
  const dir = path.join(options.cacheDir, key);
  if (existsSync(path.join(dir, "index.html"))) {
    // Marked as used, so pruning keeps the builds used last rather than built last.
    const now = new Date();
    await utimes(dir, now, now);
    return { dir, key, builtMs: null };
  }

  const staging = path.join(options.cacheDir, `${STAGING_PREFIX}${key}-${process.pid}`);
  const started = performance.now();
  try {
    await build({
      root: options.root,
      logLevel: "warn",
      clearScreen: false,
      build: { outDir: staging, emptyOutDir: true, manifest: true },
    });
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw buildFailed(error);
  }
  const builtMs = performance.now() - started;
  try {
    await rename(staging, dir);
  } catch (error) {
    // Another process built the same key first: theirs is as good as ours.
    await rm(staging, { recursive: true, force: true });
    if (!existsSync(path.join(dir, "index.html"))) throw error;
  }
  await prune(options.cacheDir, key);
  return { dir, key, builtMs };
}

/** Vite's own report (it names the file and line, with the code around it), then the way on. */
function buildFailed(error: unknown): Error {
  const cause = stripVTControlCharacters(error instanceof Error ? error.message : String(error));
  return new Error(
    `app build failed (vite build): ${cause.trim()}\n` +
      "fix: correct the file named above (npm run dev shows such errors in the browser as you" +
      " edit), then start again; nothing was cached, so the next start builds again",
    { cause: error },
  );
}

/** Removes all but the builds used last, and staging folders whose process has ended. */
async function prune(cacheDir: string, current: string): Promise<void> {
  const entries = await readdir(cacheDir, { withFileTypes: true });
  const builds: { name: string; mtimeMs: number }[] = [];
  for (const entry of entries) {
    if (!entry.isDirectory() || entry.name === current) continue;
    if (entry.name.startsWith(STAGING_PREFIX)) {
      const pid = Number(entry.name.split("-").at(-1));
      if (!isRunning(pid))
        await rm(path.join(cacheDir, entry.name), { recursive: true, force: true });
      continue;
    }
    builds.push({
      name: entry.name,
      mtimeMs: (await stat(path.join(cacheDir, entry.name))).mtimeMs,
    });
  }
  builds.sort((a, b) => b.mtimeMs - a.mtimeMs);
  for (const old of builds.slice(KEEP_BUILDS - 1)) {
    await rm(path.join(cacheDir, old.name), { recursive: true, force: true });
  }
}

function isRunning(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
