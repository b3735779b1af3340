import { describe, expect, it } from "vitest";
import { ApplianceRegistry } from "./registry.ts";
import { testStatus } from "./test-status.ts";

const status = (id: string, baseUrl?: string) =>
  testStatus(id, baseUrl === undefined ? {} : { baseUrl });

describe("ApplianceRegistry", () => {
  it("stamps heartbeats with its own clock", () => {
    const registry = new ApplianceRegistry(3_000);
    expect(registry.report(status("a"), 5_000)).toEqual({ ok: true });
    expect(registry.list()[0]?.lastHeartbeatMs).toBe(5_000);
  });

  it("refuses a fresh id from another address, and lets it go once stale", () => {
    const registry = new ApplianceRegistry(3_000);
    registry.report(status("a", "http://127.0.0.1:1/"), 0);
    expect(registry.report(status("a", "http://127.0.0.1:2/"), 3_000)).toMatchObject({
      ok: false,
      status: 409,
    });
    expect(registry.report(status("a", "http://127.0.0.1:2/"), 3_001)).toEqual({ ok: true });
    expect(registry.list()[0]?.baseUrl).toBe("http://127.0.0.1:2/");
  });

  it("keeps at most its limit, stale ones making room", () => {
    const registry = new ApplianceRegistry(3_000, 2);
    registry.report(status("a"), 0);
    registry.report(status("b"), 2_000);
    expect(registry.report(status("c"), 2_500)).toMatchObject({ ok: false, status: 409 });
    // At 3,001 ms "a" is stale: it goes, "c" comes in; "b" is still fresh and stays.
    expect(registry.report(status("c"), 3_001)).toEqual({ ok: true });
    expect(registry.list().map((s) => s.id)).toEqual(["b", "c"]);
  });
});
