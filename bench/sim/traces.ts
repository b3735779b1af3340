/**
 * Trace folders: every file is one trace (Pensieve `<seconds> <Mbit/s>` or mahimahi `<ms>`,
 * parsed by mock-server/shaping/trace.ts). A folder whose files are traces is one trace set; a
 * folder of such folders gives one set per subfolder (../shared/traces: fcc, hsdpa, oboe).
 * Everything is read and parsed before any simulation starts, so bad input stops the run early.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parseTrace, type ThroughputTrace } from "../../mock-server/shaping/trace.ts";

export interface NamedTrace {
  name: string;
  /** Where it was read from (the browser benchmark uploads the file's own text). */
  file: string;
  trace: ThroughputTrace;
}

export interface TraceSet {
  name: string;
  traces: NamedTrace[];
}

export class TraceError extends Error {}

/** Files that are documentation, not traces. */
const SKIP = /^(readme|license|notice)(\.|$)|\.(md|txt\.md|json|html|svg)$/i;

/** Entries of `dir` of one kind, following symbolic links. */
function entries(dir: string, kind: "file" | "dir"): string[] {
  return readdirSync(dir)
    .filter((name) => !name.startsWith("."))
    .filter((name) => {
      try {
        const st = statSync(path.join(dir, name));
        return kind === "file" ? st.isFile() : st.isDirectory();
      } catch {
        return false;
      }
    })
    .sort();
}

function traceFiles(dir: string): string[] {
  return entries(dir, "file").filter((name) => !SKIP.test(name));
}

function readSet(name: string, dir: string, files: string[]): TraceSet {
  const traces = files.map((file) => {
    const full = path.join(dir, file);
    try {
      return { name: file, file: full, trace: parseTrace(readFileSync(full, "utf8")) };
    } catch (error) {
      throw new TraceError(
        `--traces: ${full} is not a trace: ${(error as Error).message}; fix it (Pensieve "<seconds> <Mbit/s>" or mahimahi "<ms>" per line) or move it out of the folder`,
      );
    }
  });
  return { name, traces };
}

export function loadTraceSets(dir: string): TraceSet[] {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    throw new TraceError(
      `--traces: no folder ${dir}: give a folder of trace files, e.g. --traces ../shared/traces/fcc`,
    );
  }
  if (!isDir) {
    throw new TraceError(
      `--traces: ${dir} is a file, not a folder: put it in a folder and pass the folder`,
    );
  }
  const files = traceFiles(dir);
  if (files.length > 0) return [readSet(path.basename(path.resolve(dir)), dir, files)];
  const sets = entries(dir, "dir")
    .map((sub) => ({ sub, files: traceFiles(path.join(dir, sub)) }))
    .filter((s) => s.files.length > 0)
    .map((s) => readSet(s.sub, path.join(dir, s.sub), s.files));
  if (sets.length === 0) {
    throw new TraceError(
      `--traces: ${dir} has no trace files (nor subfolders with any): add Pensieve or mahimahi trace files, or point at ../shared/traces`,
    );
  }
  return sets;
}
