import { describe, expect, it } from "vitest";
import type { ApplianceState, NetworkState } from "../../schemas/admin.ts";
import { sessionsOf, shapingText } from "./sessions.ts";

const appliance = (
  id: string,
  activeSessionIds: string[],
  sessions: Record<string, string>,
): ApplianceState =>
  ({
    id,
    activeSessionIds,
    shaping: { description: "unlimited", latencyMs: 0, sessions },
  }) as unknown as ApplianceState; // only the fields sessionsOf reads

describe("sessionsOf", () => {
  it("joins active and shaped sessions across appliances, active first", () => {
    const network = {
      appliances: [
        appliance("isp-a-1", ["s2", "s1"], { s1: "3g", s9: "cable" }),
        appliance("isp-b-1", ["s1"], { s1: "3g" }),
      ],
    } as unknown as NetworkState;
    const rows = sessionsOf(network);
    expect(rows.map((r) => r.id)).toEqual(["s1", "s2", "s9"]);
    expect(rows[0]).toEqual({
      id: "s1",
      activeOn: ["isp-a-1", "isp-b-1"],
      shaping: { "isp-a-1": "3g", "isp-b-1": "3g" },
    });
    expect(shapingText(rows[0]!)).toBe("3g");
    expect(shapingText(rows[1]!)).toBe("as its appliance");
    expect(shapingText({ id: "x", activeOn: [], shaping: { a: "3g", b: "cable" } })).toBe(
      "a: 3g; b: cable",
    );
  });
});
