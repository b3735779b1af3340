import { describe, expect, it } from "vitest";
import { ApplianceCache } from "./cache.ts";

function origin(sizes: Record<string, number>) {
  const calls: string[] = [];
  const fetcher = async (path: string) => {
    calls.push(path);
    const size = sizes[path];
    return size === undefined
      ? null
      : { body: Buffer.alloc(size), contentType: "video/iso.segment", etag: `"${path}"` };
  };
  return { calls, fetcher };
}

const titleOf = (path: string) => path.split("/")[1] ?? null;
const fast = { delayMs: 0, bitsPerSecond: 1e12 };

describe("ApplianceCache", () => {
  it("fills on a miss and serves the same object after", async () => {
    const { calls, fetcher } = origin({ "titles/a/1": 100 });
    const cache = new ApplianceCache(1000, fetcher, fast, titleOf);
    expect(cache.lookup("titles/a/1")).toBeUndefined();
    expect((await cache.fill("titles/a/1"))?.body.length).toBe(100);
    expect(cache.lookup("titles/a/1")?.title).toBe("a");
    expect(calls).toEqual(["titles/a/1"]);
    expect(cache.snapshot()).toMatchObject({ usedBytes: 100, fills: 1, fillBytes: 100 });
  });

  it("fills an object with a maximum age again once it is that old", async () => {
    let nowMs = 0;
    let fills = 0;
    const fetcher = async () => {
      fills++;
      return { body: Buffer.alloc(10), contentType: "x", etag: `"${fills}"`, maxAgeMs: 1000 };
    };
    const cache = new ApplianceCache(
      1000,
      fetcher,
      fast,
      () => null,
      () => nowMs,
    );
    await cache.fill("live.m3u8");
    nowMs = 999;
    expect(cache.lookup("live.m3u8")?.etag).toBe('"1"');
    nowMs = 1000;
    expect(cache.lookup("live.m3u8")).toBeUndefined();
    expect(cache.snapshot().usedBytes).toBe(0);
    expect((await cache.fill("live.m3u8"))?.etag).toBe('"2"');
  });

  it("shares one origin fetch between concurrent misses", async () => {
    const { calls, fetcher } = origin({ "titles/a/1": 100 });
    const cache = new ApplianceCache(1000, fetcher, fast, titleOf);
    await Promise.all([
      cache.fill("titles/a/1"),
      cache.fill("titles/a/1"),
      cache.fill("titles/a/1"),
    ]);
    expect(calls).toHaveLength(1);
  });

  it("evicts the least recently used objects to make room", async () => {
    const { fetcher } = origin({ "titles/a/1": 400, "titles/a/2": 400, "titles/b/3": 400 });
    const cache = new ApplianceCache(1000, fetcher, fast, titleOf);
    await cache.fill("titles/a/1");
    await cache.fill("titles/a/2");
    cache.lookup("titles/a/1"); // now most recently used
    await cache.fill("titles/b/3");
    expect(cache.has("titles/a/1")).toBe(true);
    expect(cache.has("titles/a/2")).toBe(false);
    expect(cache.snapshot()).toMatchObject({ usedBytes: 800, evictions: 1 });
    expect(Object.fromEntries(cache.titleBytes())).toEqual({ a: 400, b: 400 });
  });

  it("takes the fill link's delay and rate", async () => {
    const { fetcher } = origin({ "titles/a/1": 12_500 }); // 100 kbit
    const cache = new ApplianceCache(1e6, fetcher, { delayMs: 50, bitsPerSecond: 1e6 }, titleOf);
    const t0 = Date.now();
    await cache.fill("titles/a/1");
    expect(Date.now() - t0).toBeGreaterThanOrEqual(145); // 50 ms + 100 ms
  });

  it("serves but never keeps an object larger than the whole cache, and reports misses at the origin", async () => {
    const { fetcher } = origin({ "titles/a/big": 2000 });
    const cache = new ApplianceCache(1000, fetcher, fast, titleOf);
    expect((await cache.fill("titles/a/big"))?.body.length).toBe(2000);
    expect(cache.has("titles/a/big")).toBe(false);
    expect(await cache.fill("titles/a/none")).toBeNull();
  });
});
