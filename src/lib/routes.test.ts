import { describe, expect, it } from "vitest";
import { DEFAULT_ABR_TUNABLES } from "../schemas/abr-tunables.ts";
import {
  codecFrom,
  paths,
  playerSettingsFrom,
  startTimeFrom,
  withPlayerSettings,
} from "./routes.ts";

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

describe("player settings in a link", () => {
  it("reads what a link sets and ignores what it cannot be", () => {
    expect(
      playerSettingsFrom(
        new URLSearchParams("engine=shaka&abr=engine&cap=0&profile=hsdpa/bus_1&t=42&direct=1"),
      ),
    ).toEqual({
      engine: "shaka",
      abr: "engine",
      capToPlayerSize: false,
      profile: "hsdpa/bus_1",
      startAtSec: 42,
      codec: null,
      direct: true,
      abrTunables: DEFAULT_ABR_TUNABLES,
    });
    expect(
      playerSettingsFrom(
        new URLSearchParams("engine=vlc&abr=mine&cap=yes&profile=../../etc&t=-1&direct=yes"),
      ),
    ).toEqual({
      engine: null,
      abr: null,
      capToPlayerSize: null,
      profile: null,
      startAtSec: null,
      codec: null,
      direct: false,
      abrTunables: DEFAULT_ABR_TUNABLES,
    });
  });

  it("writes a setup back, keeping the page's own parameters, and reads it the same", () => {
    const query = withPlayerSettings(new URLSearchParams("src=http://h/a.m3u8&lab=1&direct=1"), {
      engine: "hlsjs",
      abr: "ours",
      capToPlayerSize: true,
      profile: "3g",
      atSec: 61.7,
      abrTunables: { ...DEFAULT_ABR_TUNABLES, switchPenalty: 2.5 },
    });
    expect(query.get("abr.switch")).toBe("2.5");
    expect(query.get("src")).toBe("http://h/a.m3u8");
    expect(query.get("lab")).toBe("1");
    expect(playerSettingsFrom(query)).toEqual({
      engine: "hlsjs",
      abr: "ours",
      capToPlayerSize: true,
      profile: "3g",
      startAtSec: 61,
      codec: null,
      direct: true,
      abrTunables: { ...DEFAULT_ABR_TUNABLES, switchPenalty: 2.5 },
    });
  });
});

describe("codecFrom", () => {
  it("reads one of our codecs from ?codec=, else null", () => {
    expect(codecFrom(new URLSearchParams("codec=vp9"))).toBe("vp9");
    expect(codecFrom(new URLSearchParams("codec=av1&t=3"))).toBe("av1");
    expect(codecFrom(new URLSearchParams("codec=hevc"))).toBeNull();
    expect(codecFrom(new URLSearchParams(""))).toBeNull();
    expect(playerSettingsFrom(new URLSearchParams("codec=vp9")).codec).toBe("vp9");
  });
});
