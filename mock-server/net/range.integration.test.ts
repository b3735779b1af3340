/**
 * The origin and an appliance answer every Range case of `range-cases.ts` alike, over real
 * loopback sockets: the status, Content-Range and the bytes themselves.
 */
import { randomBytes } from "node:crypto";
import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Network, startNetwork } from "../network.ts";
import { RANGE_BODY_BYTES, RANGE_CASES } from "./range-cases.ts";

const FILE = "titles/t--1/video/v/seg_00001.m4s";
const body = randomBytes(RANGE_BODY_BYTES);
let network: Network;

beforeAll(async () => {
  const catalogDir = await mkdtemp(path.join(os.tmpdir(), "range-it-"));
  await mkdir(path.dirname(path.join(catalogDir, FILE)), { recursive: true });
  await writeFile(path.join(catalogDir, FILE), body);
  network = await startNetwork({ catalogDir, fillWindow: null });
});

afterAll(async () => {
  await network?.close();
});

describe.each(["origin", "appliance"])("the %s answers Range as RFC 9110 says", (server) => {
  const url = () =>
    `${server === "origin" ? network.urls.origin : network.urls.appliances["isp-a-1"]}${FILE}`;

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
      expect(got.equals(body.subarray(first, last + 1))).toBe(true);
    } else if (c.status === 416) {
      expect(response.headers.get("content-range")).toBe(`bytes */${RANGE_BODY_BYTES}`);
    } else {
      expect(response.headers.get("content-range")).toBeNull();
      expect(got.equals(c.method === "HEAD" ? Buffer.alloc(0) : body)).toBe(true);
    }
  });
});
