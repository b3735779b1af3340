/**
 * A fault's schedule, pure: which kind of request a file is, whether a request falls in the
 * fault's window, and whether the Nth (or every Kth) counted request is this one. The fault
 * book counts; these only answer.
 */
import type { FaultRequest, FaultRequestKind } from "../../src/schemas/admin.ts";

/** Media segments are `.m4s` (init segments are `init.mp4`: not counted as segments). */
export function requestKindOf(file: string): Exclude<FaultRequestKind, "any"> | "other" {
  if (file.endsWith(".m4s")) return "segment";
  if (file.endsWith(".m3u8") || file.endsWith(".mpd")) return "manifest";
  return "other";
}

export function countsKind(kind: FaultRequestKind, file: string): boolean {
  return kind === "any" || requestKindOf(file) === kind;
}

/** Inside [fromSec, toSec) after the fault was set; no bound given, no limit on that side. */
export function inWindow(
  rule: Pick<FaultRequest, "fromSec" | "toSec">,
  elapsedSec: number,
): boolean {
  if (rule.fromSec !== undefined && elapsedSec < rule.fromSec) return false;
  if (rule.toSec !== undefined && elapsedSec >= rule.toSec) return false;
  return true;
}

/** Does the `count`th counted request (1-based) get the fault? */
export function scheduledFor(rule: Pick<FaultRequest, "nth" | "every">, count: number): boolean {
  if (rule.nth !== undefined) return count === rule.nth;
  if (rule.every !== undefined) return count % rule.every === 0;
  return true;
}
