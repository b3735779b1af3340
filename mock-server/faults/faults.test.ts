import { describe, expect, it } from "vitest";
import { FaultRequest } from "../../src/schemas/admin.ts";
import { corrupt, FaultBook, targetOf } from "./faults.ts";

const rule = (body: Record<string, unknown>) => FaultRequest.parse(body);
const segment = "titles/film--abc123/video/h264-720p-1000k/seg_00003.m4s";

describe("targetOf", () => {
  it("splits a catalog path into title, rendition and file", () => {
    expect(targetOf("isp-a-1", segment)).toEqual({
      appliance: "isp-a-1",
      title: "film",
      rendition: "h264-720p-1000k",
      file: "seg_00003.m4s",
    });
    expect(targetOf("isp-a-1", "titles/film--abc123/master.m3u8")).toMatchObject({
      title: "film",
      rendition: null,
    });
  });

  it("gives a foreign stream's file its host for a title", () => {
    expect(targetOf("isp-a-1", "proxy/http/127.0.0.1:8090/hls/360p/seg_002.ts")).toEqual({
      appliance: "isp-a-1",
      title: "127.0.0.1:8090",
      rendition: null,
      file: "seg_002.ts",
    });
  });
});

describe("FaultBook", () => {
  it("matches by appliance, title, rendition and segment", () => {
    const book = new FaultBook(() => 0);
    book.add(rule({ type: "error", appliance: "isp-b-1" }));
    book.add(rule({ type: "corrupt", title: "other" }));
    book.add(rule({ type: "stall", rendition: "h264-720p-1000k", segment: "seg_00003.m4s" }));
    expect(book.draw(targetOf("isp-a-1", segment))?.type).toBe("stall");
    expect(book.draw(targetOf("isp-b-1", segment))?.type).toBe("error");
    expect(book.draw(targetOf("isp-a-1", segment.replace("00003", "00004")))).toBeNull();
  });

  it("rolls the dice with the rule's probability and counts what it injects", () => {
    const rolls = [0.1, 0.6, 0.2, 0.9];
    const book = new FaultBook(() => rolls.shift() ?? 1);
    const fault = book.add(rule({ type: "error", probability: 0.5 }));
    const hits = [1, 2, 3, 4].map(() => book.draw(targetOf("a", segment)) !== null);
    expect(hits).toEqual([true, false, true, false]);
    expect(book.list().find((f) => f.id === fault.id)!.injected).toBe(2);
    expect(book.injectedBy("a")).toBe(2);
  });

  it("treats down as a state, not a dice roll, and can be cleared", () => {
    const book = new FaultBook(() => 0);
    const down = book.add(rule({ type: "down", appliance: "isp-a-1" }));
    expect(book.isDown("isp-a-1")).toBe(true);
    expect(book.isDown("isp-b-1")).toBe(false);
    expect(book.draw(targetOf("isp-a-1", segment))).toBeNull();
    expect(book.remove(down.id)).toBe(true);
    expect(book.remove(down.id)).toBe(false);
    book.add(rule({ type: "down" }));
    book.clear();
    expect(book.isDown("isp-a-1")).toBe(false);
  });
});

describe("corrupt", () => {
  it("changes bytes but not the length, the same way each time", () => {
    const body = Buffer.alloc(1000, 7);
    const bad = corrupt(body);
    expect(bad.length).toBe(1000);
    expect(bad.equals(body)).toBe(false);
    expect(corrupt(body).equals(bad)).toBe(true);
  });
});
