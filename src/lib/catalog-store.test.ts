import { describe, expect, it } from "vitest";
import type { Catalog } from "../schemas/catalog.ts";
import { NETWORK_DOWN_HEADLINE, NetworkDownError } from "./api.ts";
import { createCatalogStore, type Schedule } from "./catalog-store.ts";

describe("catalog store", () => {
  it("loads once, keeps the error, and a retry loads again", async () => {
    let calls = 0;
    let fail = true;
    const store = createCatalogStore(async () => {
      calls++;
      if (fail) throw new Error("The origin does not answer.");
      return { titles: [] } as unknown as Catalog;
    });
    await store.getState().fetch();
    expect(store.getState().load).toEqual({
      state: "error",
      message: "The origin does not answer.",
    });
    await store.getState().fetch();
    expect(calls).toBe(1);
    fail = false;
    await store.getState().fetch(true);
    expect(store.getState().load.state).toBe("ready");
    await store.getState().fetch(true);
    expect(calls).toBe(3);
  });
});

describe("catalog store while the delivery network does not answer", () => {
  /** A schedule that runs nothing by itself: the test fires the pending retry. */
  function manualSchedule() {
    const pending: { run: () => void; ms: number; cancelled: boolean }[] = [];
    const schedule: Schedule = (run, ms) => {
      const entry = { run, ms, cancelled: false };
      pending.push(entry);
      return () => {
        entry.cancelled = true;
      };
    };
    return { schedule, pending };
  }

  it("says so, asks again by itself with growing waits, and loads when it is back", async () => {
    const { schedule, pending } = manualSchedule();
    let down = 3;
    const store = createCatalogStore(async () => {
      if (down-- > 0) throw new NetworkDownError("The origin", "http://127.0.0.1:8080");
      return { titles: [] } as unknown as Catalog;
    }, schedule);
    await store.getState().fetch();
    const load = store.getState().load;
    expect(load).toEqual({ state: "down", detail: expect.stringMatching(/^The origin at http/) });
    for (let i = 0; i < 2; i++) {
      const retry = pending.at(-1)!;
      retry.run();
      // The message stays up while it asks: no "Loading" in between.
      expect(store.getState().load.state).toBe("down");
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    pending.at(-1)!.run();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(store.getState().load.state).toBe("ready");
    expect(pending.map((p) => p.ms)).toEqual([1_000, 2_000, 4_000]);
  });

  it("tries at once on Retry now, dropping the scheduled try", async () => {
    const { schedule, pending } = manualSchedule();
    let up = false;
    const store = createCatalogStore(async () => {
      if (!up) throw new NetworkDownError("The origin", "http://127.0.0.1:8080");
      return { titles: [] } as unknown as Catalog;
    }, schedule);
    await store.getState().fetch();
    up = true;
    await store.getState().fetch(true);
    expect(store.getState().load.state).toBe("ready");
    expect(pending[0]!.cancelled).toBe(true);
  });

  it("does not retry an answer that was an error", async () => {
    const { schedule, pending } = manualSchedule();
    const store = createCatalogStore(async () => {
      throw new Error("The origin answered 500: broken");
    }, schedule);
    await store.getState().fetch();
    expect(store.getState().load).toEqual({
      state: "error",
      message: "The origin answered 500: broken",
    });
    expect(pending).toHaveLength(0);
  });
});

describe("NetworkDownError", () => {
  it("leads with the headline and names the server, its address and what to do", () => {
    const error = new NetworkDownError("The origin", "http://127.0.0.1:8080");
    expect(error.message.startsWith(NETWORK_DOWN_HEADLINE)).toBe(true);
    expect(error.detail).toBe(
      "The origin at http://127.0.0.1:8080 does not answer. npm start restarts the network when it stops; if this lasts, look at the terminal running it.",
    );
  });
});
