/** A fault's schedule (src/schemas/admin.ts) in words, for the lab's list of faults. */
import type { Fault, FaultRequestKind } from "../../schemas/admin.ts";

const KIND_NAMES: Record<FaultRequestKind, string> = {
  any: "request",
  segment: "segment request",
  manifest: "manifest request",
};

const ordinal = (n: number) => {
  const tens = n % 100;
  const suffix =
    tens >= 11 && tens <= 13 ? "th" : (({ 1: "st", 2: "nd", 3: "rd" } as const)[n % 10] ?? "th");
  return `${n}${suffix}`;
};

/** A fault's schedule in words: "on the 3rd segment request, from 10 s to 20 s". */
export function scheduleText(
  f: Pick<Fault, "requests" | "nth" | "every" | "fromSec" | "toSec">,
): string {
  const kind = KIND_NAMES[f.requests];
  const which =
    f.nth !== undefined
      ? `on the ${ordinal(f.nth)} ${kind}`
      : f.every !== undefined
        ? `on every ${f.every === 1 ? "" : `${ordinal(f.every)} `}${kind}`
        : `on every ${kind}`;
  if (f.fromSec === undefined && f.toSec === undefined) return which;
  const from = `${f.fromSec ?? 0} s`;
  return f.toSec === undefined
    ? `${which}, from ${from} on`
    : `${which}, from ${from} to ${f.toSec} s`;
}
