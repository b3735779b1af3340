/**
 * The app build's cache key: a hash of everything `vite build` reads that we write (the app's
 * source, its page, its static files, the build config and the locked dependency versions).
 * Same key, same build: `npm start` serves the cached one instead of building again.
 */
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";

/** Folders read whole, and single files, relative to the project root. */
export const BUILD_INPUTS = {
  folders: ["src", "public"],
  files: ["index.html", "vite.config.ts", "package-lock.json"],
} as const;

export interface InputFile {
  /** Relative to the root, "/"-separated, so the key is the same on every machine. */
  path: string;
  bytes: Uint8Array;
}

/**
 * The key of a set of input files: their paths and contents, in path order (the order they were
 * read in does not matter). A path and its bytes are length-prefixed, so moving bytes between
 * one file and the next changes the key. Hex, 16 characters: a folder name.
 */
export function buildKey(files: readonly InputFile[]): string {
  const hash = createHash("sha256");
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    hash.update(`${file.path.length}:${file.path}:${file.bytes.length}:`);
    hash.update(file.bytes);
  }
  return hash.digest("hex").slice(0, 16);
}

/** Every input file under `root` that exists (a project without `public/` has none there). */
export async function readBuildInputs(root: string): Promise<InputFile[]> {
  const relative: string[] = [...BUILD_INPUTS.files];
  for (const folder of BUILD_INPUTS.folders) {
    const entries = await ifPresent(
      readdir(path.join(root, folder), { recursive: true, withFileTypes: true }),
    );
    for (const entry of entries ?? []) {
      if (entry.isFile()) {
        relative.push(path.relative(root, path.join(entry.parentPath, entry.name)));
      }
    }
  }
  const files: InputFile[] = [];
  for (const file of relative) {
    const bytes = await ifPresent(readFile(path.join(root, file)));
    if (bytes) files.push({ path: file.split(path.sep).join("/"), bytes });
  }
  return files;
}

/** The value, or null when the file or folder does not exist; other errors go on up. */
async function ifPresent<T>(pending: Promise<T>): Promise<T | null> {
  try {
    return await pending;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}
