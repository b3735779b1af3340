import { describe, expect, it } from "vitest";
import type { EncodeStatus, EncodeStatusTitle } from "../schemas/encode-status.ts";
import type { Schedule } from "./catalog-store.ts";
import { createEncodeStatusStore, POLL_MS } from "./encode-status-store.ts";

function status(state: EncodeStatus["state"], titles: [string, EncodeStatusTitle["stage"]][]) {
  return {
    state,
    pid: 42,
    updatedAt: "2026-01-01T00:00:00.000Z",
    titles: titles.map(([id, stage]) => ({ id, name: id, stage, percent: 45 })),
  } satisfies EncodeStatus;
}

/** Scripted answers, a schedule the test runs by hand, and a count of catalog re-reads. */
function harness(answers: (EncodeStatus | null)[], catalogEmpty = () => false) {
  const scheduled: { run: () => void; ms: number }[] = [];
  const schedule: Schedule = (run, ms) => {
    scheduled.push({ run, ms });
    return () => {};
  };
  let published = 0;
  const store = createEncodeStatusStore({
    fetcher: async () => answers.shift() ?? null,
    onPublished: () => published++,
    catalogEmpty,
    schedule,
  });
  const tick = async () => {
    const next = scheduled.shift();
    next?.run();
    await new Promise((resolve) => setTimeout(resolve, 0));
    return next !== undefined;
  };
  return { store, scheduled, tick, published: () => published };
}

describe("encode status store", () => {
  it("shows pending titles, re-reads the catalog as each is published, and stops when done", async () => {
    const h = harness([
      status("running", [
        ["a", "encode"],
        ["b", "waiting"],
      ]),
      status("running", [
        ["a", "done"],
        ["b", "measure"],
      ]),
      status("finished", [
        ["a", "done"],
        ["b", "done"],
      ]),
    ]);
    h.store.getState().start();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(h.store.getState().pending.map((t) => [t.id, t.stage])).toEqual([
      ["a", "encode"],
      ["b", "waiting"],
    ]);
    expect(h.scheduled.map((s) => s.ms)).toEqual([POLL_MS]);
    expect(h.published()).toBe(0);

    await h.tick();
    expect(h.store.getState().pending.map((t) => t.id)).toEqual(["b"]);
    expect(h.published()).toBe(1);

    await h.tick();
    expect(h.store.getState().pending).toEqual([]);
    expect(h.published()).toBe(2);
    expect(h.scheduled).toEqual([]); // nothing left to wait for
  });

  it("waits for an encoder that has not spoken yet while the catalog is empty", async () => {
    let empty = true;
    const h = harness([null, null, status("running", [["a", "source"]])], () => empty);
    h.store.getState().start();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(h.scheduled).toHaveLength(1);
    await h.tick();
    await h.tick();
    expect(h.store.getState().pending.map((t) => t.stage)).toEqual(["source"]);
    empty = false;
    expect(h.scheduled).toHaveLength(1);
  });

  it("does not look again when no encoder ran and the catalog has titles", async () => {
    const h = harness([null]);
    h.store.getState().start();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(h.scheduled).toEqual([]);
  });

  it("shows nothing pending from an encoder that was killed (the origin says interrupted)", async () => {
    const h = harness([status("interrupted", [["a", "encode"]])]);
    h.store.getState().start();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(h.store.getState().pending).toEqual([]);
    expect(h.scheduled).toEqual([]);
  });
});
