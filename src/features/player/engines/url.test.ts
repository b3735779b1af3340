import { describe, expect, it } from "vitest";
import { withSession } from "./url.ts";

describe("withSession", () => {
  it("adds the session as a query parameter, escaped", () => {
    expect(withSession("http://a/x.m4s", "s 1")).toBe("http://a/x.m4s?session=s%201");
    expect(withSession("http://a/x.m4s?v=2", "s1")).toBe("http://a/x.m4s?v=2&session=s1");
  });
});
