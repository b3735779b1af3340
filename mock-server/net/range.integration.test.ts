/**
 * The origin and an appliance answer every Range case of `range-cases.ts` alike, over real
 * loopback sockets: the status, Content-Range and the bytes themselves.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Network, startNetwork } from "../network.ts";
import { type TinyCatalog, writeTinyCatalog } from "../tiny-catalog.ts";
import { RANGE_BODY_BYTES, RANGE_CASES } from "./range-cases.ts";

let network: Network;
let catalog: TinyCatalog;

beforeAll(async () => {
  catalog = await writeTinyCatalog(RANGE_BODY_BYTES);
  network = await startNetwork({ catalogDir: catalog.dir, fillWindow: null });
});

afterAll(async () => {
  await network?.close();
});

describe.each(["origin", "appliance"])("the %s answers Range as RFC 9110 says", (server) => {
  const url = () =>
    `${server === "origin" ? network.urls.origin : network.urls.appliances["isp-a-1"]}${catalog.segmentPath}`;

  it.each(RANGE_CASES)("$what: $header -> $status", async (c) => {
    const response = await fetch(url(), {
      method: c.method ?? "GET",
      headers: c.header === undefined ? {} : { range: c.header },
    });
    const got = Buffer.from(await response.arrayBuffer());
    expect(response.status).toBe(c.status);
    if (c.status === 206) {
      const [first, last] = c.bytes!;
      expect(response.headers.get("content-range")).toBe(
        `bytes ${first}-${last}/${RANGE_BODY_BYTES}`,
      );
      expect(got.equals(catalog.segment.subarray(first, last + 1))).toBe(true);
    } else if (c.status === 416) {
      expect(response.headers.get("content-range")).toBe(`bytes */${RANGE_BODY_BYTES}`);
    } else {
      expect(response.headers.get("content-range")).toBeNull();
      expect(got.equals(c.method === "HEAD" ? Buffer.alloc(0) : catalog.segment)).toBe(true);
    }
  });
});
