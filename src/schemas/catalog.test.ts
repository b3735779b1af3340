import { describe, expect, it } from "vitest";
import { CatalogPath, emptyCatalog, parseCatalog } from "./catalog.ts";

describe("parseCatalog", () => {
  it("accepts an empty catalog", () => {
    expect(parseCatalog(JSON.parse(JSON.stringify(emptyCatalog()))).titles).toEqual([]);
  });

  it("names the field that is wrong", () => {
    expect(() => parseCatalog({ ...emptyCatalog(), schemaVersion: 2 })).toThrow(/at schemaVersion/);
    expect(() => parseCatalog({ ...emptyCatalog(), titles: [{ id: "Bad Id" }] })).toThrow(
      /at titles\.0\./,
    );
  });
});

describe("CatalogPath", () => {
  it("refuses paths that leave the catalog", () => {
    for (const bad of ["/etc/passwd", "../x", "a/../../x", "a\\b", "./a", ""]) {
      expect(CatalogPath.safeParse(bad).success, bad).toBe(false);
    }
    expect(CatalogPath.safeParse("titles/a--1/master.m3u8").success).toBe(true);
  });
});
