import { describe, expect, it } from "vitest";
import { FaultRequest } from "../../src/schemas/admin.ts";
import { FaultBook, targetOf } from "./faults.ts";
import { inWindow, requestKindOf, scheduledFor } from "./schedule.ts";

const SEGMENT = "titles/t--abc123/video/h264-720p/seg_00001.m4s";
const target = (path: string) => targetOf("isp-a-1", path);

describe("fault schedule", () => {
  it("tells segments from manifests and other files", () => {
    expect(requestKindOf("seg_00001.m4s")).toBe("segment");
    expect(requestKindOf("media.m3u8")).toBe("manifest");
    expect(requestKindOf("manifest.mpd")).toBe("manifest");
    expect(requestKindOf("init.mp4")).toBe("other");
  });

  it("answers the Nth, every Kth and a window", () => {
    expect([1, 2, 3, 4].map((n) => scheduledFor({ nth: 3 }, n))).toEqual([
      false,
      false,
      true,
      false,
    ]);
    expect([1, 2, 3, 4].map((n) => scheduledFor({ every: 2 }, n))).toEqual([
      false,
      true,
      false,
      true,
    ]);
    expect([0, 1, 1.99, 2].map((t) => inWindow({ fromSec: 1, toSec: 2 }, t))).toEqual([
      false,
      true,
      true,
      false,
    ]);
  });

  it("counts only the kind of request asked for: the 3rd segment, manifests and init between", () => {
    const book = new FaultBook(
      () => 0,
      () => 0,
    );
    book.add(FaultRequest.parse({ type: "error", requests: "segment", nth: 3 }));
    const paths = [
      "titles/t--abc123/master.m3u8",
      "titles/t--abc123/video/h264-720p/init.mp4",
      SEGMENT,
      SEGMENT,
      "titles/t--abc123/video/h264-720p/media.m3u8",
      SEGMENT,
      SEGMENT,
    ];
    const hits = paths.map((p) => book.draw(target(p)) !== null);
    expect(hits).toEqual([false, false, false, false, false, true, false]);
    expect(book.list()[0]).toMatchObject({ counted: 4, injected: 1 });
  });

  it("counts only inside the window, from when the fault was set", () => {
    let nowMs = 10_000;
    const book = new FaultBook(
      () => 0,
      () => nowMs,
    );
    book.add(FaultRequest.parse({ type: "error", fromSec: 2, toSec: 4, every: 2 }));
    const at = (sec: number) => {
      nowMs = 10_000 + sec * 1000;
      return book.draw(target(SEGMENT)) !== null;
    };
    expect([at(1), at(2), at(2.5), at(3), at(3.5), at(4), at(5)]).toEqual([
      false,
      false,
      true,
      false,
      true,
      false,
      false,
    ]);
  });
});

describe("FaultRequest's schedule fields", () => {
  const refused = (body: Record<string, unknown>) => {
    const parsed = FaultRequest.safeParse({ type: "error", ...body });
    if (parsed.success) throw new Error(`accepted ${JSON.stringify(body)}`);
    const issue = parsed.error.issues[0]!;
    return { field: issue.path.join("."), message: issue.message };
  };

  it("refuses bad values, naming the field", () => {
    expect(refused({ nth: 0 })).toEqual({
      field: "nth",
      message: "nth counts from 1 (the first matching request is 1)",
    });
    expect(refused({ every: -2 }).field).toBe("every");
    expect(refused({ nth: 1.5 }).message).toBe("nth is a whole number of requests");
    expect(refused({ nth: 1e12 }).message).toBe("nth is at most 1000000 requests");
    expect(refused({ fromSec: -1 }).field).toBe("fromSec");
    expect(refused({ toSec: 1e9 }).message).toBe("toSec is at most 86400 s (a day)");
    expect(refused({ fromSec: 5, toSec: 3 })).toEqual({
      field: "toSec",
      message: "the window ends before it starts: toSec (3) must be after fromSec (5)",
    });
    expect(refused({ nth: 2, every: 3 }).field).toBe("every");
    expect(refused({ requests: "thumbnails" }).field).toBe("requests");
  });

  it("accepts a schedule within its limits, with 'any' request counted by default", () => {
    expect(FaultRequest.parse({ type: "error", nth: 3 })).toMatchObject({
      nth: 3,
      requests: "any",
    });
  });
});
