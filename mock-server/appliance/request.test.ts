import { describe, expect, it } from "vitest";
import { parseRange, safeCatalogPath } from "./request.ts";

describe("safeCatalogPath", () => {
  it("accepts a title file", () => {
    expect(safeCatalogPath("/titles/a--1/video/h264/seg_00001.m4s")).toEqual({
      path: "titles/a--1/video/h264/seg_00001.m4s",
    });
  });

  it.each([
    ["/titles/../catalog.json", 403],
    ["/titles/a--1/../../etc/passwd", 403],
    ["/titles/%2e%2e/%2e%2e/etc/passwd", 403],
    ["/titles/a--1/..%2f..%2fcatalog.json", 403],
    ["/titles/a--1/%252e%252e/x", 400],
    ["/titles/a--1/x%00.m4s", 400],
    ["/titles/a--1\\..\\x", 400],
    ["/titles/a--1/%E0%A4%A", 400],
    ["/titles/.staging/x/y", 403],
    ["/catalog.json", 404],
    ["/etc/passwd", 404],
  ])("refuses %s with %i", (path, status) => {
    const check = safeCatalogPath(path);
    expect("status" in check && check.status).toBe(status);
  });
});

describe("parseRange", () => {
  it("reads the three forms", () => {
    expect(parseRange("bytes=0-99", 1000)).toEqual({ start: 0, end: 99 });
    expect(parseRange("bytes=900-", 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRange("bytes=-100", 1000)).toEqual({ start: 900, end: 999 });
    expect(parseRange("bytes=990-2000", 1000)).toEqual({ start: 990, end: 999 });
  });

  it("says unsatisfiable for ranges outside the body", () => {
    expect(parseRange("bytes=1000-", 1000)).toBe("unsatisfiable");
    expect(parseRange("bytes=500-400", 1000)).toBe("unsatisfiable");
    expect(parseRange("bytes=-0", 1000)).toBe("unsatisfiable");
    expect(parseRange("bytes=-", 1000)).toBe("unsatisfiable");
  });

  it("ignores forms it does not serve (the whole body goes)", () => {
    expect(parseRange(undefined, 1000)).toBeNull();
    expect(parseRange("bytes=0-1,5-6", 1000)).toBeNull();
    expect(parseRange("items=0-1", 1000)).toBeNull();
  });
});
