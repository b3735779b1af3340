import { describe, expect, it } from "vitest";
import { safeCatalogPath } from "./request.ts";

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
