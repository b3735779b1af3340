import { describe, expect, it } from "vitest";
import { DEFAULT_ABR_CONFIG } from "../abr/config.ts";
import { AbrController } from "../abr/controller.ts";
import { FakeClock, H264, indexOf, play, steering } from "../abr/test-support.ts";
import {
  AbrTunables,
  DEFAULT_ABR_TUNABLES,
  tunableError,
  tunablesFromQuery,
  tunablesToConfig,
  withTunables,
} from "./abr-tunables.ts";

describe("AbrTunables", () => {
  it("accepts the controller's defaults", () => {
    expect(AbrTunables.parse(DEFAULT_ABR_TUNABLES)).toEqual(DEFAULT_ABR_TUNABLES);
    expect(tunablesToConfig(DEFAULT_ABR_TUNABLES)).toEqual(DEFAULT_ABR_CONFIG);
  });

  it("names what is wrong with a value out of range", () => {
    expect(tunableError("horizonSegments", 0)).toBe("horizon is at least 1 segment");
    expect(tunableError("horizonSegments", 2.5)).toBe("horizon is a whole number of segments");
    expect(tunableError("bufferTargetSec", 1000)).toBe("buffer target is at most 60 s");
    expect(tunableError("maxPredictionDiscount", 0.5)).toBe("safety is at least 1 (no discount)");
    expect(tunableError("switchPenalty", Number.NaN)).toMatch(/switch cost/);
    expect(tunableError("safetyMarginSec", 2)).toBeNull();
  });

  it("round-trips through a link, keeping only what differs from the defaults", () => {
    const tunables = { ...DEFAULT_ABR_TUNABLES, horizonSegments: 3, bufferTargetSec: 20 };
    const query = withTunables(new URLSearchParams("engine=shaka"), tunables);
    expect(query.toString()).toBe("engine=shaka&abr.horizon=3&abr.buffer=20");
    expect(tunablesFromQuery(query)).toEqual(tunables);
    // Back to a default: the parameter goes.
    expect(withTunables(query, DEFAULT_ABR_TUNABLES).toString()).toBe("engine=shaka");
  });

  it("ignores a link's malformed or out-of-range values, keeping the defaults", () => {
    const query = new URLSearchParams("abr.horizon=0&abr.buffer=abc&abr.switch=&abr.safety=2");
    expect(tunablesFromQuery(query)).toEqual({ ...DEFAULT_ABR_TUNABLES, maxPredictionDiscount: 2 });
  });

  it("raises the low-link buffer ceiling with a target above it", () => {
    const config = tunablesToConfig({ ...DEFAULT_ABR_TUNABLES, bufferTargetSec: 30 });
    expect(config.rules.maxBufferTargetSec).toBe(30);
  });
});

describe("AbrController.reconfigure", () => {
  const link = () => ({ bufferSec: 0, linkBitsPerSecond: 3_000_000, maxBufferSec: 12, ttfbMs: 50 });
  function started() {
    const clock = new FakeClock();
    const abr = new AbrController(DEFAULT_ABR_CONFIG, clock.now);
    abr.setRenditions(H264);
    abr.setSteering(steering(["a"]));
    const player = link();
    // Six segments at the defaults: up from the bottom, not yet at the top it reaches.
    const first = play(abr, clock, H264, player, 6).at(-1)!;
    return { abr, clock, player, first };
  }

  it("changes the decisions of a running session from the next one on", () => {
    const kept = started();
    const changed = started();
    expect(changed.first.renditionId).toBe(kept.first.renditionId);
    // Switches priced twenty times higher: the session stays where it is.
    changed.abr.reconfigure(tunablesToConfig({ ...DEFAULT_ABR_TUNABLES, switchPenalty: 20 }));
    expect(changed.abr.activeConfig().rules.switchPenalty).toBe(20);
    const keptNext = play(kept.abr, kept.clock, H264, kept.player, 10).map((d) => d.renditionId);
    const changedNext = play(changed.abr, changed.clock, H264, changed.player, 10).map(
      (d) => d.renditionId,
    );
    expect(new Set(changedNext)).toEqual(new Set([changed.first.renditionId]));
    expect(indexOf(H264, keptNext.at(-1)!)).toBeGreaterThan(indexOf(H264, kept.first.renditionId));
  });
});
