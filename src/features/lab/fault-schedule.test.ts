import { describe, expect, it } from "vitest";
import { scheduleText } from "./fault-schedule.ts";

describe("scheduleText", () => {
  it("says when a fault hits", () => {
    expect(scheduleText({ requests: "any" })).toBe("on every request");
    expect(scheduleText({ requests: "segment", nth: 3 })).toBe("on the 3rd segment request");
    expect(scheduleText({ requests: "segment", nth: 11 })).toBe("on the 11th segment request");
    expect(scheduleText({ requests: "manifest", every: 2 })).toBe("on every 2nd manifest request");
    expect(scheduleText({ requests: "any", fromSec: 10, toSec: 20 })).toBe(
      "on every request, from 10 s to 20 s",
    );
    expect(scheduleText({ requests: "any", fromSec: 5 })).toBe("on every request, from 5 s on");
  });
});
