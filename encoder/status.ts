/**
 * The encoder's progress, written for the app as well as the terminal: `encode-status.json` in
 * the catalog folder (schema: src/schemas/encode-status.ts), which the origin serves. Replaced
 * by rename like catalog.json, so a reader never sees half a document; written at most every
 * half second, and at once when a title changes stage, one write at a time.
 */
import { rename, writeFile } from "node:fs/promises";
import path from "node:path";
import {
  ENCODE_STATUS_PATH,
  type EncodeStage,
  type EncodeStatus,
  type EncodeStatusTitle,
  parseEncodeStatus,
} from "../src/schemas/encode-status.ts";

/** Often enough for a page that polls every few seconds, rarely enough to cost nothing. */
const MIN_INTERVAL_MS = 500;

export class StatusWriter {
  private readonly titles = new Map<string, EncodeStatusTitle>();
  private state: EncodeStatus["state"] = "running";
  private lastWriteMs = 0;
  private timer: NodeJS.Timeout | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(readonly root: string) {}

  get file(): string {
    return path.join(this.root, ENCODE_STATUS_PATH);
  }

  /** A title the run will get to, or news of one it has; written at once when the stage moved. */
  set(id: string, update: { name?: string; stage: EncodeStage; fraction?: number }): void {
    const before = this.titles.get(id);
    const percent = Math.round(Math.min(1, Math.max(0, update.fraction ?? 0)) * 100);
    this.titles.set(id, {
      id,
      name: update.name ?? before?.name ?? id,
      stage: update.stage,
      percent,
    });
    if (before?.stage !== update.stage) this.flush();
    else this.soon();
  }

  /** The run is over; resolves once the last document is written. */
  async finish(state: "finished" | "stopped"): Promise<void> {
    this.state = state;
    this.flush();
    await this.chain;
  }

  private soon(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.lastWriteMs + MIN_INTERVAL_MS - Date.now());
    this.timer = setTimeout(() => this.flush(), wait);
    this.timer.unref();
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.lastWriteMs = Date.now();
    const document = parseEncodeStatus({
      state: this.state,
      pid: process.pid,
      updatedAt: new Date().toISOString(),
      titles: [...this.titles.values()],
    });
    // One write at a time, in order: the last document written is the newest.
    this.chain = this.chain.then(() => this.write(document)).catch(() => undefined);
  }

  private async write(document: EncodeStatus): Promise<void> {
    const tmp = `${this.file}.tmp-${process.pid}`;
    await writeFile(tmp, `${JSON.stringify(document)}\n`);
    await rename(tmp, this.file);
  }
}
