import { describe, expect, it } from "vitest";
import { ApplianceSelector, ORIGIN_ID } from "./appliances.ts";
import { DEFAULT_ABR_CONFIG } from "./config.ts";
import { steering } from "./test-support.ts";

const config = DEFAULT_ABR_CONFIG.appliances;
const T0 = 1_000_000;

function selector(ids = ["a", "b", "c"], outOfRotation: string[] = []) {
  const s = new ApplianceSelector(config);
  s.setSteering(steering(ids, 30, outOfRotation), T0);
  return s;
}

describe("ApplianceSelector", () => {
  it("says there is nothing to choose before a steering answer", () => {
    const s = new ApplianceSelector(config);
    expect(s.select(T0)).toMatchObject({ applianceId: null, baseUrl: null });
    expect(s.needsSteeringRefresh(T0)).toBe(true);
  });

  it("starts with the best-ranked appliance in rotation", () => {
    expect(selector().select(T0)).toMatchObject({
      applianceId: "a",
      baseUrl: "http://a.test/",
      probe: false,
      reason: "rank 1",
    });
  });

  it("fails over to the next in rank on an error, and says why", () => {
    const s = selector();
    expect(s.onFailure("a", "HTTP 503", T0)).toBe(5_000);
    const choice = s.select(T0 + 1);
    expect(choice.applianceId).toBe("b");
    expect(choice.reason).toMatch(/a boxed \(HTTP 503\)/);
  });

  it("doubles the penalty on each further failure, up to the cap", () => {
    const s = selector();
    const penalties = [1, 2, 3, 4, 5, 6].map(() => s.onFailure("a", "timeout", T0));
    expect(penalties).toEqual([5_000, 10_000, 20_000, 40_000, 60_000, 60_000]);
  });

  it("probes an appliance when its penalty expires, and trusts it after a success", () => {
    const s = selector();
    s.onFailure("a", "timeout", T0);
    expect(s.select(T0 + 4_999).applianceId).toBe("b");
    const probe = s.select(T0 + 5_000);
    expect(probe).toMatchObject({ applianceId: "a", probe: true });
    expect(probe.reason).toMatch(/probe/);
    s.onSuccess("a");
    expect(s.select(T0 + 5_100)).toMatchObject({ applianceId: "a", probe: false });
    // Trusted again: the failure count starts over.
    expect(s.onFailure("a", "timeout", T0 + 6_000)).toBe(5_000);
  });

  it("sends a failed probe back with a doubled penalty", () => {
    const s = selector();
    s.onFailure("a", "timeout", T0);
    expect(s.select(T0 + 5_000).probe).toBe(true);
    expect(s.onFailure("a", "timeout", T0 + 5_000)).toBe(10_000);
    expect(s.select(T0 + 14_999).applianceId).toBe("b");
    expect(s.select(T0 + 15_000)).toMatchObject({ applianceId: "a", probe: true });
  });

  it("uses the origin only when every appliance in rotation is boxed", () => {
    const s = selector(["a", "b"], ["c"]);
    s.onFailure("a", "network", T0);
    expect(s.select(T0).applianceId).toBe("b");
    s.onFailure("b", "network", T0);
    // c is out of rotation (score -1): never used, the origin is.
    expect(s.select(T0)).toMatchObject({
      applianceId: ORIGIN_ID,
      baseUrl: "http://origin.test/",
      reason: "every appliance in the penalty box",
    });
    expect(s.onFailure(ORIGIN_ID, "network", T0)).toBe(0);
  });

  it("needs a steering refresh once the TTL has run out", () => {
    const s = selector();
    expect(s.needsSteeringRefresh(T0 + 29_999)).toBe(false);
    expect(s.needsSteeringRefresh(T0 + 30_000)).toBe(true);
    s.setSteering(steering(["a", "b"], 10), T0 + 30_000);
    expect(s.needsSteeringRefresh(T0 + 39_999)).toBe(false);
    expect(s.needsSteeringRefresh(T0 + 40_000)).toBe(true);
  });

  it("keeps the penalty box across a new steering answer", () => {
    const s = selector();
    s.onFailure("a", "timeout", T0);
    s.setSteering(steering(["a", "c"]), T0 + 1_000);
    expect(s.select(T0 + 1_000).applianceId).toBe("c");
    expect(s.penaltyUntilMs("a")).toBe(T0 + 5_000);
  });

  it("follows a new ranking", () => {
    const s = selector();
    s.setSteering(steering(["c", "a"]), T0 + 1_000);
    expect(s.select(T0 + 1_000).applianceId).toBe("c");
  });

  it("moves away from an appliance measurably slower than another for N segments", () => {
    const s = selector();
    const estimates = new Map([
      ["a", 1_000_000],
      ["b", 5_000_000],
    ]);
    const measured = (id: string) => estimates.get(id) ?? null;
    for (let i = 1; i < config.slowSegments; i++) {
      expect(s.onMeasured("a", measured, T0)).toBe(false);
      expect(s.select(T0).applianceId).toBe("a");
    }
    expect(s.onMeasured("a", measured, T0)).toBe(true);
    expect(s.select(T0)).toMatchObject({ applianceId: "b" });
    expect(s.penaltyUntilMs("a")).toBe(T0 + config.slowPenaltyMs);
  });

  it("does not count a slow streak broken by a normal segment", () => {
    const s = selector();
    const estimates = new Map([
      ["a", 1_000_000],
      ["b", 5_000_000],
    ]);
    const measured = (id: string) => estimates.get(id) ?? null;
    s.onMeasured("a", measured, T0);
    s.onMeasured("a", measured, T0);
    estimates.set("a", 4_000_000);
    s.onMeasured("a", measured, T0);
    estimates.set("a", 1_000_000);
    expect(s.onMeasured("a", measured, T0)).toBe(false);
    expect(s.select(T0).applianceId).toBe("a");
  });
});
