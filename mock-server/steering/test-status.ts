/** For tests: an appliance's heartbeat, healthy and idle, with whatever a test changes. */
import type { ApplianceStatus } from "../../src/schemas/steering.ts";

export function testStatus(id: string, overrides: Partial<ApplianceStatus> = {}): ApplianceStatus {
  return {
    id,
    baseUrl: `http://127.0.0.9:9/${id}/`,
    region: "isp-a",
    healthy: true,
    lastHeartbeatMs: 0,
    activeSessions: 0,
    capacitySessions: 100,
    throughputBps: 0,
    capacityBps: 1e9,
    titles: {},
    ...overrides,
  };
}
