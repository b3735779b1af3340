import { describe, expect, it } from "vitest";
import { codecFrom, paths, startTimeFrom } from "./routes.ts";

describe("routes", () => {
  it("builds deep links that survive odd ids and queries", () => {
    expect(paths.title("a b")).toBe("/title/a%20b");
    expect(paths.watch("grain", 90.7)).toBe("/watch/grain?t=90");
    expect(paths.watch("grain", 0)).toBe("/watch/grain");
    expect(paths.search({ text: "café noir", genres: ["Drama"], tags: ["warm", "slow"] })).toBe(
      "/search?q=caf%C3%A9+noir&genre=Drama&tag=warm&tag=slow",
    );
    expect(paths.search()).toBe("/search");
  });

  it("reads a start time only when it is one", () => {
    expect(startTimeFrom(new URLSearchParams("t=42"))).toBe(42);
    expect(startTimeFrom(new URLSearchParams("t=-3"))).toBeNull();
    expect(startTimeFrom(new URLSearchParams("t=1e9x"))).toBeNull();
    expect(startTimeFrom(new URLSearchParams(""))).toBeNull();
  });
});

describe("codecFrom", () => {
  it("reads one of our codecs from ?codec=, else null", () => {
    expect(codecFrom(new URLSearchParams("codec=vp9"))).toBe("vp9");
    expect(codecFrom(new URLSearchParams("codec=av1&t=3"))).toBe("av1");
    expect(codecFrom(new URLSearchParams("codec=hevc"))).toBeNull();
    expect(codecFrom(new URLSearchParams(""))).toBeNull();
  });
});
