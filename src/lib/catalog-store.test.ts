import { describe, expect, it } from "vitest";
import type { Catalog } from "../schemas/catalog.ts";
import { createCatalogStore } from "./catalog-store.ts";

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
