/**
 * Reading what a client asks for, defensively: the path must stay inside the catalog's title
 * folders whatever encoding tricks it uses, and a Range header must name bytes that exist.
 */

export type PathCheck = { path: string } | { status: 400 | 403 | 404; error: string };

/**
 * `/titles/<folder>/...` as a catalog path, or why not. Decodes once, then refuses NUL bytes,
 * backslashes, empty, `.` and `..` segments (so `%2e%2e` and `..%2f` are caught after decoding),
 * double-encoded escapes, and anything outside `titles/`.
 */
export function safeCatalogPath(pathname: string): PathCheck {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return { status: 400, error: "malformed percent-encoding in the path" };
  }
  if (decoded.includes("\0")) return { status: 400, error: "NUL byte in the path" };
  if (decoded.includes("\\")) return { status: 400, error: "backslash in the path" };
  if (/%[0-9a-f]{2}/i.test(decoded)) return { status: 400, error: "double-encoded path" };
  if (!decoded.startsWith("/titles/"))
    return { status: 404, error: "only /titles/... is served here" };
  const segments = decoded.slice(1).split("/");
  if (segments.some((s) => s === "" || s === "." || s === ".." || s.startsWith("."))) {
    return { status: 403, error: "path leaves the catalog or names a hidden file" };
  }
  if (segments.length < 3) return { status: 404, error: "not a file of a title" };
  return { path: segments.join("/") };
}

export interface ByteRange {
  start: number;
  end: number;
}

/**
 * One `bytes=` range (RFC 9110 14.2): `a-b`, `a-` or `-n`. Returns null for no header or a form
 * we do not serve (multiple ranges, other units: the whole body is then sent, as the RFC
 * allows), "unsatisfiable" for a range outside the body (416).
 */
export function parseRange(
  header: string | undefined,
  size: number,
): ByteRange | null | "unsatisfiable" {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return null;
  const [, from, to] = match;
  if (from === "" && to === "") return "unsatisfiable";
  let start: number;
  let end: number;
  if (from === "") {
    const suffix = Number(to);
    if (suffix === 0) return "unsatisfiable";
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(from);
    end = to === "" ? size - 1 : Math.min(Number(to), size - 1);
  }
  if (start >= size || start > end) return "unsatisfiable";
  return { start, end };
}
