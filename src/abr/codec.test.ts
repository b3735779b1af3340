import { describe, expect, it } from "vitest";
import { chooseCodec } from "./codec.ts";
import { AV1, H264 } from "./test-support.ts";
import type { CapabilityResult } from "./types.ts";

const both = [...H264, ...AV1];
const av1 = (over: Partial<CapabilityResult>): CapabilityResult => ({
  codec: "av1",
  supported: true,
  smooth: true,
  powerEfficient: false,
  ...over,
});

describe("chooseCodec", () => {
  it("chooses AV1 when it is supported and smooth", () => {
    expect(chooseCodec(both, [av1({})])).toMatchObject({ codec: "av1" });
  });

  it("falls back to H.264 when AV1 is not smooth", () => {
    expect(chooseCodec(both, [av1({ smooth: false })])).toMatchObject({
      codec: "h264",
      reason: "AV1 at 1080p not smooth",
    });
  });

  it("falls back to H.264 when AV1 is unsupported", () => {
    expect(chooseCodec(both, [av1({ supported: false, smooth: false })]).codec).toBe("h264");
  });

  it("falls back to H.264 when AV1 was only checked below the top resolution", () => {
    expect(chooseCodec(both, [av1({ height: 720 })]).codec).toBe("h264");
    expect(chooseCodec(both, [av1({ height: 720 }), av1({ height: 1080 })]).codec).toBe("av1");
  });

  it("uses H.264 before any capability is known, and the only codec there is", () => {
    expect(chooseCodec(both, []).codec).toBe("h264");
    expect(chooseCodec(H264, [av1({})]).codec).toBe("h264");
    expect(chooseCodec(AV1, []).codec).toBe("av1");
  });
});
