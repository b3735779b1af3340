/**
 * Byte ranges as RFC 9110 (section 14) has them, one reading for the origin and the appliances,
 * so a player gets the same answer from either:
 *
 * - `bytes=a-b`, `bytes=a-`, `bytes=-n` (the unit in any case): 206 with that part, `b` past
 *   the end taken as the end, and a suffix longer than the body as the whole body (14.1.3);
 * - a syntactically invalid range (`bytes=abc`, `bytes=5-2`, `bytes=-`), another unit, or a
 *   Range on any method but GET: ignored, the whole body with 200 (14.2);
 * - more than one range: ignored too, the whole body with 200 (a server MAY ignore Range; a
 *   player asks for one range at a time, and multipart answers are not worth their code here);
 * - a valid range that starts at or past the end, or `bytes=-0`: 416 with
 *   `Content-Range: bytes *\/<size>` (15.5.17).
 */

export interface ByteRange {
  /** First and last byte, both included. */
  start: number;
  end: number;
}

/** The part to send: a range, the whole body (null), or none (416). */
export type RangeAnswer = ByteRange | null | "unsatisfiable";

const RANGE_SPEC = /^(\d*)-(\d*)$/;

/** One `Range` header read against a body of `size` bytes, for a request of `method`. */
export function rangeFor(
  method: string | undefined,
  header: string | undefined,
  size: number,
): RangeAnswer {
  return method === "GET" ? parseRange(header, size) : null;
}

export function parseRange(header: string | undefined, size: number): RangeAnswer {
  if (!header) return null;
  const equals = header.indexOf("=");
  if (equals === -1 || header.slice(0, equals).toLowerCase() !== "bytes") return null;
  // A list may hold empty elements, which a recipient must skip (RFC 9110 5.6.1).
  const specs = header
    .slice(equals + 1)
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  if (specs.length !== 1) return null;
  const match = RANGE_SPEC.exec(specs[0]!);
  if (!match) return null;
  const first = match[1] ?? "";
  const last = match[2] ?? "";
  if (first === "") {
    if (last === "") return null;
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== "" && Number(last) < start) return null;
  if (start >= size) return "unsatisfiable";
  return { start, end: last === "" ? size - 1 : Math.min(Number(last), size - 1) };
}

/** The Content-Range of a 206 or a 416. */
export function contentRange(range: ByteRange | "unsatisfiable", size: number): string {
  return range === "unsatisfiable"
    ? `bytes */${size}`
    : `bytes ${range.start}-${range.end}/${size}`;
}
