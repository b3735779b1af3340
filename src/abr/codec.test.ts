import { describe, expect, it } from "vitest";
import { chooseCodec } from "./codec.ts";
import { AV1, H264, rendition } from "./test-support.ts";
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

  it("keeps H.264 when its ladder scores higher for the same bits", () => {
    // A weak AV1 encode (as a fast preset can give): its top rung costs more than H.264's
    // and scores less.
    const weakAv1 = [
      rendition("av1-234", "av1", 234, 157_000, 42.7),
      rendition("av1-360a", "av1", 360, 193_000, 55.3),
      rendition("av1-360b", "av1", 360, 819_000, 76.8),
    ];
    const h264 = [
      rendition("h264-234", "h264", 234, 157_000, 43.1),
      rendition("h264-360a", "h264", 360, 246_000, 56.8),
      rendition("h264-360b", "h264", 360, 451_000, 73.6),
      rendition("h264-360c", "h264", 360, 744_000, 90.6),
    ];
    const choice = chooseCodec([...h264, ...weakAv1], [av1({ height: 360 })]);
    expect(choice.codec).toBe("h264");
    expect(choice.reason).toMatch(/H\.264 scores higher for the same bits \(66\.3 vs 56\.8\)/);
  });

  it("does not compare scores of different metrics", () => {
    const psnrAv1 = AV1.map((r) => ({
      ...r,
      quality: { metric: "psnr" as const, value: 30, score: 10 },
    }));
    expect(chooseCodec([...H264, ...psnrAv1], [av1({})]).codec).toBe("av1");
  });

  it("uses H.264 before any capability is known, and the only codec there is", () => {
    expect(chooseCodec(both, []).codec).toBe("h264");
    expect(chooseCodec(H264, [av1({})]).codec).toBe("h264");
    expect(chooseCodec(AV1, []).codec).toBe("av1");
  });
});
