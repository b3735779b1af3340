import { describe, expect, it } from "vitest";
import { type AdminClient, createAdminClient } from "../../lib/admin-client.ts";
import { NetworkDownError } from "../../lib/api.ts";
import type { NetworkState } from "../../schemas/admin.ts";
import { appendHistory, createLabStore } from "./lab-store.ts";

function network(throughputs: Record<string, number>): NetworkState {
  return {
    origin: { baseUrl: "http://o/" },
    steering: { baseUrl: "http://s/", up: true, garbage: false },
    faults: [],
    appliances: Object.entries(throughputs).map(([id, throughputBps]) => ({
      id,
      region: "isp-a",
      baseUrl: `http://${id}/`,
      up: true,
      capacityBytes: 1,
      usedBytes: 0,
      shaping: { description: "unlimited", latencyMs: 0, sessions: {} },
      activeSessionIds: [],
      counters: {
        bytesServed: 0,
        requests: 0,
        hits: 0,
        misses: 0,
        hitRatio: 0,
        fills: 0,
        fillBytes: 0,
        evictions: 0,
        activeSessions: 0,
        throughputBps,
        faultsInjected: 0,
      },
      titles: {},
    })),
  };
}

/** A client whose every method fails unless given; `state` answers the queued networks. */
function client(over: Partial<AdminClient>, states: NetworkState[] = []): AdminClient {
  const fail = () => Promise.reject(new Error("not scripted"));
  return {
    baseUrl: "http://admin",
    state: () => (states.length ? Promise.resolve(states.shift()!) : fail()),
    profiles: fail,
    shape: fail,
    unshape: fail,
    setUp: fail,
    fill: fail,
    addFault: fail,
    removeFault: fail,
    clearFaults: fail,
    setSteeringUp: fail,
    reset: fail,
    ...over,
  };
}

describe("appendHistory", () => {
  it("keeps one bounded series per appliance and drops appliances that left", () => {
    let history: Record<string, number[]> = { gone: [1] };
    for (let i = 1; i <= 5; i++) history = appendHistory(history, network({ a: i }), 3);
    expect(history).toEqual({ a: [3, 4, 5] });
  });
});

describe("lab store", () => {
  it("reports an action's outcome and re-reads the state after it", async () => {
    const calls: string[] = [];
    const store = createLabStore(
      client({ setUp: async (id, up) => void calls.push(`${id}:${up}`) }, [network({ a: 10 })]),
    );
    await store.getState().run("take a down", (c) => c.setUp("a", false));
    expect(calls).toEqual(["a:false"]);
    expect(store.getState().outcome).toEqual({ ok: true, message: "take a down: done" });
    expect(store.getState().network?.appliances[0]?.id).toBe("a");
    expect(store.getState().busy).toBeNull();
  });

  it("keeps the server's refusal as the outcome, and the last good state", async () => {
    const store = createLabStore(
      client({ shape: () => Promise.reject(new Error("PUT refused (400): bad rate")) }, [
        network({ a: 1 }),
      ]),
    );
    await store.getState().refresh();
    await store.getState().run("shape a", (c) => c.shape("a", { bitsPerSecond: 1 }));
    expect(store.getState().outcome).toEqual({ ok: false, message: "PUT refused (400): bad rate" });
    expect(store.getState().network?.appliances).toHaveLength(1);
    expect(store.getState().loadError).toMatch(/not scripted/);
  });
});

describe("lab store while the delivery network does not answer", () => {
  it("says so, keeps refreshing, and reads the state and the profiles once it answers", async () => {
    let up = false;
    const store = createLabStore(
      client({
        state: async () => {
          if (!up) throw new NetworkDownError("The admin API", "http://admin");
          return network({ a: 1 });
        },
        profiles: async () => {
          if (!up) throw new NetworkDownError("The admin API", "http://admin");
          return [{ name: "3g", description: "3G", latencyMs: 100 }];
        },
      }),
    );
    await store.getState().loadProfiles();
    await store.getState().refresh();
    expect(store.getState().networkDown).toMatch(
      /^The admin API at http:\/\/admin does not answer/,
    );
    expect(store.getState().loadError).toBeNull();
    up = true;
    await store.getState().refresh();
    expect(store.getState().networkDown).toBeNull();
    expect(store.getState().network?.appliances).toHaveLength(1);
    expect(store.getState().profiles).toEqual([{ name: "3g", description: "3G", latencyMs: 100 }]);
  });
});

describe("admin client", () => {
  const answering =
    (status: number, body: unknown): typeof fetch =>
    async () =>
      new Response(JSON.stringify(body), { status });

  it("names the server and the fix when the admin API does not answer", async () => {
    const down: typeof fetch = () => Promise.reject(new TypeError("Failed to fetch"));
    await expect(createAdminClient("http://127.0.0.1:9/", down).reset()).rejects.toThrow(
      /admin API at http:\/\/127.0.0.1:9 does not answer.*npm start/,
    );
  });

  it("passes the server's validation message and field on", async () => {
    const c = createAdminClient(
      "http://a",
      answering(400, { error: "too slow", field: "bitsPerSecond" }),
    );
    await expect(c.shape("x", { bitsPerSecond: 8_000 })).rejects.toThrow(
      "PUT /admin/appliances/x/shaping was refused (400): too slow (field: bitsPerSecond)",
    );
  });

  it("refuses a state it does not understand instead of showing garbage", async () => {
    const c = createAdminClient("http://a", answering(200, { appliances: "nope" }));
    await expect(c.state()).rejects.toThrow(/does not understand.*same version/);
  });
});
