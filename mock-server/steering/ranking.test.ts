import { describe, expect, it } from "vitest";
import { type ApplianceStatus, parseSteeringAnswer } from "../../src/schemas/steering.ts";
import {
  inRotation,
  OUT_OF_ROTATION_SCORE,
  RANKING_WEIGHTS,
  type RankingInput,
  rankAppliances,
  regionHops,
} from "./ranking.ts";

const NOW_MS = Date.UTC(2026, 0, 1, 12);
const TITLE = "paper-lanterns";

function appliance(id: string, overrides: Partial<ApplianceStatus> = {}): ApplianceStatus {
  return {
    id,
    baseUrl: `http://127.0.0.1:${8100 + id.length}/`,
    region: "isp-a",
    healthy: true,
    lastHeartbeatMs: NOW_MS - 800,
    activeSessions: 10,
    capacitySessions: 500,
    throughputBps: 50_000_000,
    capacityBps: 1_000_000_000,
    titles: { [TITLE]: 1 },
    ...overrides,
  };
}

function rank(appliances: ApplianceStatus[], overrides: Partial<RankingInput> = {}) {
  return rankAppliances({
    titleId: TITLE,
    clientRegion: "isp-a",
    appliances,
    nowMs: NOW_MS,
    heartbeatTimeoutMs: 5_000,
    ttlSec: 30,
    originBaseUrl: "http://127.0.0.1:8000/",
    clientAddress: "10.0.0.7",
    ...overrides,
  });
}

const order = (answer: ReturnType<typeof rank>) => answer.appliances.map((a) => a.id);

describe("rankAppliances", () => {
  it("puts a healthy holder before a healthy non-holder", () => {
    const answer = rank([appliance("empty", { titles: {} }), appliance("holder")]);
    expect(order(answer)).toEqual(["holder", "empty"]);
    expect(answer.appliances[0]!.reasons.content).toBe("holds 100% of the title");
    expect(answer.appliances[1]!.reasons.content).toMatch(/does not hold/);
  });

  it("takes an appliance out of rotation once its heartbeat is older than the timeout", () => {
    const fresh = [appliance("a"), appliance("b", { lastHeartbeatMs: NOW_MS - 4_900 })];
    expect(order(rank(fresh))).toEqual(["a", "b"]);
    expect(rank(fresh).appliances[1]!.score).toBeGreaterThan(0);

    const stale = [appliance("a", { lastHeartbeatMs: NOW_MS - 5_100 }), appliance("b")];
    const answer = rank(stale);
    expect(order(answer)).toEqual(["b", "a"]);
    expect(answer.appliances[1]!.score).toBe(OUT_OF_ROTATION_SCORE);
    expect(answer.appliances[1]!.reasons.health).toBe(
      "out of rotation: no heartbeat for 5.1 s (timeout 5.0 s)",
    );
    expect(inRotation(answer).map((a) => a.id)).toEqual(["b"]);
  });

  it("takes out an appliance that reports itself unhealthy, however good it looks", () => {
    const answer = rank([appliance("a", { healthy: false }), appliance("z", { titles: {} })]);
    expect(order(answer)).toEqual(["z", "a"]);
    expect(answer.appliances[1]!.reasons.health).toMatch(/out of rotation: .*unhealthy/);
  });

  it("demotes an appliance above 90% of sessions or of its link, below one with headroom", () => {
    // The busy ones hold the title in the client's region; the spare one has neither.
    const busySessions = appliance("busy-sessions", { activeSessions: 460 });
    const busyLink = appliance("busy-link", { throughputBps: 950_000_000 });
    const spare = appliance("spare", { region: "isp-b", titles: {} });
    const answer = rank([busySessions, busyLink, spare]);
    // Among the demoted, the less loaded (92% of sessions) goes before the busier (95% of link).
    expect(order(answer)).toEqual(["spare", "busy-sessions", "busy-link"]);
    expect(answer.appliances[2]!.reasons.load).toBe(
      "10/500 sessions, 95% of link, over 90%: demoted",
    );
    expect(answer.appliances[1]!.reasons.load).toBe(
      "460/500 sessions, 5% of link, over 90%: demoted",
    );

    // At 89% there is no penalty: content and proximity win again.
    const nearlyBusy = appliance("busy-sessions", { activeSessions: 445 });
    expect(order(rank([nearlyBusy, spare]))).toEqual(["busy-sessions", "spare"]);
  });

  it("orders otherwise equal appliances by proximity: same region, then exchange, then other ISP", () => {
    const answer = rank([
      appliance("c", { region: "isp-b" }),
      appliance("b", { region: "exchange" }),
      appliance("a", { region: "isp-a" }),
    ]);
    expect(order(answer)).toEqual(["a", "b", "c"]);
    expect(answer.appliances.map((a) => a.reasons.proximity)).toEqual([
      "same region (isp-a)",
      "neighbouring region (exchange, 1 hop from isp-a)",
      "other region (isp-b, 2 hops from isp-a)",
    ]);
    // A client on the other ISP gets the mirror order.
    const mirrored = rank(
      [appliance("c", { region: "isp-b" }), appliance("b", { region: "exchange" }), appliance("a")],
      { clientRegion: "isp-b" },
    );
    expect(order(mirrored)).toEqual(["c", "b", "a"]);
  });

  it("lets a fill change the order", () => {
    const near = appliance("near", { titles: { [TITLE]: 0 } });
    const far = appliance("far", { region: "isp-b" });
    expect(order(rank([near, far]))).toEqual(["far", "near"]);
    const partly = appliance("near", { titles: { [TITLE]: 0.5 } });
    expect(order(rank([partly, far]))).toEqual(["far", "near"]);
    const filled = appliance("near", { titles: { [TITLE]: 1 } });
    expect(order(rank([filled, far]))).toEqual(["near", "far"]);
    // A partial fill sits between empty and full.
    const score = (a: ApplianceStatus) => rank([a]).appliances[0]!.score;
    expect(score(partly)).toBeGreaterThan(score(near));
    expect(score(partly)).toBeLessThan(score(filled));
  });

  it("breaks exact ties by id, whatever the input order", () => {
    const input = [appliance("b"), appliance("c"), appliance("a")];
    expect(order(rank(input))).toEqual(["a", "b", "c"]);
    expect(order(rank([...input].reverse()))).toEqual(["a", "b", "c"]);
  });

  it("returns an answer the shared schema accepts, ranked from 1", () => {
    const answer = rank([appliance("a"), appliance("b", { healthy: false })], {
      clientRegion: null,
    });
    expect(parseSteeringAnswer(JSON.parse(JSON.stringify(answer)))).toEqual(answer);
    expect(answer.appliances.map((a) => a.rank)).toEqual([1, 2]);
    expect(answer.generatedAt).toBe("2026-01-01T12:00:00.000Z");
    expect(answer.appliances[0]!.reasons.health).toBe("up, heartbeat 0.8 s ago");
    expect(answer.appliances[0]!.reasons.proximity).toMatch(/client region unknown/);
  });

  it("has weights that add up to 1 and regions that are symmetric", () => {
    const total = Object.values(RANKING_WEIGHTS).reduce((sum, w) => sum + w, 0);
    expect(total).toBeCloseTo(1, 10);
    for (const [a, b] of [
      ["isp-a", "exchange"],
      ["isp-b", "exchange"],
      ["isp-a", "isp-b"],
    ] as const) {
      expect(regionHops(a, b)).toBe(regionHops(b, a));
    }
    expect(regionHops("isp-a", "mars")).toBeNull();
  });
});
