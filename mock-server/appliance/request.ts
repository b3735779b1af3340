/**
 * Reading what a client asks for, defensively: the path must stay inside the catalog's title
 * folders whatever encoding tricks it uses (ranges: ../net/range.ts).
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
