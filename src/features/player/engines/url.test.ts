import { describe, expect, it } from "vitest";
import { withoutSession, withSession } from "./url.ts";

describe("withSession", () => {
  it("adds the session as a query parameter, escaped", () => {
    expect(withSession("http://a/x.m4s", "s 1")).toBe("http://a/x.m4s?session=s%201");
    expect(withSession("http://a/x.m4s?v=2", "s1")).toBe("http://a/x.m4s?v=2&session=s1");
  });
});

describe("withoutSession", () => {
  it("takes the session back off, wherever it sits, and nothing else", () => {
    for (const url of ["http://a/x.m4s", "http://a/x.m4s?v=2"]) {
      expect(withoutSession(withSession(url, "s 1"))).toBe(url);
    }
    expect(withoutSession("http://a/x?session=s1&v=2")).toBe("http://a/x?v=2");
    expect(withoutSession("http://a/x?v=2")).toBe("http://a/x?v=2");
  });
});
