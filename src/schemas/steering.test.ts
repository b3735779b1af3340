import { describe, expect, it } from "vitest";
import { parseApplianceStatus, parseSteeringAnswer, type SteeringAnswer } from "./steering.ts";

const answer: SteeringAnswer = {
  titleId: "paper-lanterns",
  client: { region: "isp-a", address: "10.0.0.7" },
  ttlSec: 30,
  generatedAt: "2026-01-01T12:00:00.000Z",
  appliances: [
    {
      id: "isp-a-1",
      baseUrl: "http://127.0.0.1:8101/",
      rank: 1,
      score: 0.93,
      reasons: {
        health: "up, heartbeat 0.8 s ago",
        load: "12/500 sessions, 31% of link",
        content: "holds 100% of the title",
        proximity: "same region (isp-a)",
      },
    },
  ],
  origin: { baseUrl: "http://127.0.0.1:8000/" },
};

describe("parseSteeringAnswer", () => {
  it("accepts a valid answer", () => {
    expect(parseSteeringAnswer(JSON.parse(JSON.stringify(answer)))).toEqual(answer);
  });

  it("names the first bad field", () => {
    const withAppliance = (patch: object) => ({
      ...answer,
      appliances: [{ ...answer.appliances[0], ...patch }],
    });
    expect(() => parseSteeringAnswer(withAppliance({ baseUrl: "http://x.test" }))).toThrow(
      /at appliances\.0\.baseUrl: .*ending in "\/"/,
    );
    expect(() => parseSteeringAnswer(withAppliance({ baseUrl: "ftp://x.test/" }))).toThrow(
      /at appliances\.0\.baseUrl/,
    );
    expect(() => parseSteeringAnswer(withAppliance({ rank: 2 }))).toThrow(/at appliances\.0\.rank/);
    expect(() => parseSteeringAnswer({ ...answer, ttlSec: 0 })).toThrow(/at ttlSec/);
    expect(() => parseSteeringAnswer({ ...answer, generatedAt: "yesterday" })).toThrow(
      /at generatedAt/,
    );
    expect(() => parseSteeringAnswer(null)).toThrow(/at \(root\)/);
  });
});

describe("parseApplianceStatus", () => {
  const status = {
    id: "isp-a-1",
    baseUrl: "http://127.0.0.1:8101/",
    region: "isp-a",
    healthy: true,
    lastHeartbeatMs: 1_767_268_800_000,
    activeSessions: 12,
    capacitySessions: 500,
    throughputBps: 310_000_000,
    capacityBps: 1_000_000_000,
    titles: { "paper-lanterns": 1, "the-quiet-interview": 0.4 },
  };

  it("accepts a heartbeat and refuses a fill share above 1 or an id unfit for a pathway", () => {
    expect(parseApplianceStatus(status)).toEqual(status);
    expect(() => parseApplianceStatus({ ...status, titles: { "paper-lanterns": 1.5 } })).toThrow(
      /at titles\.paper-lanterns/,
    );
    // The id becomes an HLS PATHWAY-ID, which may not hold a space.
    expect(() => parseApplianceStatus({ ...status, id: "isp a" })).toThrow(/at id/);
  });
});
