import { describe, expect, it } from "vitest";
import type { SteeringAnswer } from "../../src/schemas/steering.ts";
import { pathwayPriority } from "./priority.ts";

const reasons = { health: "", load: "", content: "", proximity: "" };
const answer = (scores: [string, number][]): SteeringAnswer => ({
  titleId: "t",
  client: { region: null, address: null },
  ttlSec: 10,
  generatedAt: new Date(0).toISOString(),
  appliances: scores.map(([id, score], i) => ({
    id,
    baseUrl: `http://127.0.0.1:${9000 + i}/`,
    rank: i + 1,
    score,
    reasons,
  })),
  origin: { baseUrl: "http://127.0.0.1:8080/" },
});

describe("pathwayPriority", () => {
  it("follows the ranking, origin last", () => {
    expect(
      pathwayPriority(
        answer([
          ["a", 0.8],
          ["b", 0.5],
        ]),
        null,
      ),
    ).toEqual(["a", "b", "origin"]);
  });

  it("keeps the player's current pathway first when it is nearly as good", () => {
    expect(
      pathwayPriority(
        answer([
          ["a", 0.8],
          ["b", 0.75],
        ]),
        "b",
      ),
    ).toEqual(["b", "a", "origin"]);
  });

  it("moves the player when its pathway is clearly worse or out of rotation", () => {
    expect(
      pathwayPriority(
        answer([
          ["a", 0.8],
          ["b", 0.5],
        ]),
        "b",
      ),
    ).toEqual(["a", "b", "origin"]);
    expect(
      pathwayPriority(
        answer([
          ["a", 0.8],
          ["b", -1],
        ]),
        "b",
      ),
    ).toEqual(["a", "origin"]);
  });
});
