import { describe, expect, it } from "vitest";
import { DEFAULT_ABR_CONFIG } from "../config.ts";
import { H264, rendition } from "../test-support.ts";
import { efficientLadder } from "./ladder.ts";

const config = DEFAULT_ABR_CONFIG.rules;

describe("efficientLadder", () => {
  it("sorts by bitrate and keeps a ladder where every step is worth its bits", () => {
    const shuffled = [H264[3]!, H264[0]!, H264[4]!, H264[2]!, H264[1]!];
    expect(efficientLadder(shuffled, config).map((r) => r.id)).toEqual(H264.map((r) => r.id));
  });

  it("skips a rendition that costs much more for a tiny score gain", () => {
    const ladder = [
      rendition("a", "h264", 360, 1_000_000, 70),
      rendition("b", "h264", 480, 2_000_000, 85),
      rendition("c", "h264", 720, 3_000_000, 86), // +1 point for +50% bits
      rendition("d", "h264", 1080, 6_000_000, 95),
    ];
    expect(efficientLadder(ladder, config).map((r) => r.id)).toEqual(["a", "b", "d"]);
  });

  it("drops a rendition that scores no better than a cheaper one, keeps the lowest", () => {
    const ladder = [
      rendition("a", "h264", 360, 1_000_000, 70),
      rendition("b", "h264", 480, 1_100_000, 69),
    ];
    expect(efficientLadder(ladder, config).map((r) => r.id)).toEqual(["a"]);
  });
});
