/**
 * The encoder's progress as a document: written by the encoder (`encoder/status.ts`) into the
 * catalog folder, replaced by rename so a reader never sees half of it; served by the origin
 * (`/encode-status.json`) and read by the app's home page, which shows each pending title with
 * its stage and percent and looks at the catalog again while anything is pending.
 */
import { z } from "zod";

/** Where the encoder writes it, in the catalog folder, and where the origin serves it. */
export const ENCODE_STATUS_PATH = "encode-status.json";

/**
 * What happens to one title: `source` (its demo source is being made), then the pipeline's
 * steps (`encoder/pipeline.ts` STEPS), then `done`; `waiting` before its turn.
 */
export const EncodeStage = z.enum([
  "waiting",
  "source",
  "analyse",
  "encode",
  "measure",
  "artwork",
  "write",
  "done",
  "failed",
]);
export type EncodeStage = z.infer<typeof EncodeStage>;

export const EncodeStatusTitle = z.object({
  id: z.string().max(200),
  name: z.string().max(200),
  stage: EncodeStage,
  /** Of the stage, 0-100. */
  percent: z.number().min(0).max(100),
});
export type EncodeStatusTitle = z.infer<typeof EncodeStatusTitle>;

export const EncodeStatus = z.object({
  /**
   * `running` while the encoder works, `stopped` when it was cancelled or failed before the
   * end; `interrupted` is never written: the origin says it when
   * the document says running but no encoder holds the catalog any more (killed outright).
   */
  state: z.enum(["running", "finished", "stopped", "interrupted"]),
  /** The encoder's process id, so that a reader can tell a dead encoder's last word. */
  pid: z.number().int().positive(),
  updatedAt: z.iso.datetime(),
  titles: z.array(EncodeStatusTitle).max(10_000),
});
export type EncodeStatus = z.infer<typeof EncodeStatus>;

/** Parse and validate; the error names the first bad field. */
export function parseEncodeStatus(json: unknown): EncodeStatus {
  const result = EncodeStatus.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue ? issue.path.join(".") || "(root)" : "(root)";
    throw new Error(`invalid encode status at ${where}: ${issue?.message ?? "unknown error"}`);
  }
  return result.data;
}

/** Titles still to come: neither done nor failed. */
export function pendingTitles(status: EncodeStatus): EncodeStatusTitle[] {
  if (status.state !== "running") return [];
  return status.titles.filter((t) => t.stage !== "done" && t.stage !== "failed");
}
