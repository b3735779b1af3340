import { describe, expect, it } from "vitest";
import { chooseCodec } from "./codec.ts";
import { AV1, H264, rendition, VP9 } from "./test-support.ts";
import type { CapabilityResult, Rendition, VideoCodec } from "./types.ts";

const all = [...H264, ...VP9, ...AV1];
const cap = (codec: VideoCodec, over: Partial<CapabilityResult> = {}): CapabilityResult => ({
  codec,
  supported: true,
  smooth: true,
  powerEfficient: false,
  ...over,
});
const smooth = [cap("av1"), cap("vp9"), cap("h264")];
/** The same ladder with every score shifted: better or worse for the same bits. */
const shifted = (ladder: readonly Rendition[], by: number) =>
  ladder.map((r) => ({ ...r, quality: { ...r.quality, score: r.quality.score + by } }));

describe("chooseCodec", () => {
  it("takes the codec that scores highest for the same bits when all play smoothly", () => {
    // Over budgets 0.9-5 Mbit/s: AV1 86.0, VP9 82.5, H.264 77.6.
    const choice = chooseCodec(all, smooth);
    expect(choice.codec).toBe("av1");
    expect(choice.reason).toBe(
      "AV1 scores highest for the same bits (AV1 86.0, VP9 82.5, H.264 77.6)",
    );
  });

  it("takes VP9 when it scores higher than AV1 for the same bits", () => {
    const choice = chooseCodec([...H264, ...VP9, ...shifted(AV1, -10)], smooth);
    expect(choice.codec).toBe("vp9");
  });

  it("keeps H.264 when it scores higher than both for the same bits", () => {
    const choice = chooseCodec([...H264, ...shifted(VP9, -20), ...shifted(AV1, -20)], smooth);
    expect(choice.codec).toBe("h264");
    expect(choice.reason).toMatch(/^H\.264 scores highest for the same bits \(H\.264 /);
  });

  it("leaves out a codec that is not supported, and says so", () => {
    const choice = chooseCodec(all, [cap("av1", { supported: false, smooth: false }), cap("vp9")]);
    expect(choice.codec).toBe("vp9");
    expect(choice.reason).toBe(
      "VP9 scores highest for the same bits (VP9 83.7, H.264 77.5); AV1 not supported",
    );
  });

  it("leaves out a codec that is not smooth at its top resolution", () => {
    expect(chooseCodec(all, [cap("av1"), cap("vp9", { smooth: false })]).codec).toBe("av1");
    const choice = chooseCodec(all, [cap("av1", { smooth: false }), cap("vp9", { smooth: false })]);
    expect(choice).toEqual({
      codec: "h264",
      reason: "H.264, the only one known to play; AV1 at 1080p not smooth; VP9 at 1080p not smooth",
    });
  });

  it("does not trust an answer for a smaller picture than the codec's top rendition", () => {
    expect(chooseCodec(all, [cap("av1", { height: 720 })]).codec).toBe("h264");
    expect(
      chooseCodec(all, [cap("vp9", { height: 720 }), cap("vp9", { height: 1080 })]).codec,
    ).toBe("vp9");
  });

  it("keeps H.264 when its ladder scores higher than a weak AV1 encode", () => {
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
    const choice = chooseCodec([...h264, ...weakAv1], [cap("av1", { height: 360 })]);
    expect(choice.codec).toBe("h264");
    expect(choice.reason).toMatch(/\(H\.264 66\.3, AV1 56\.8\)/);
  });

  it("prefers the newer codec when scores tie or cannot be compared", () => {
    const sameAsH264 = (codec: VideoCodec) =>
      H264.map((r) => ({ ...r, id: `${codec}-${r.height}`, codec }));
    expect(chooseCodec([...H264, ...sameAsH264("vp9")], smooth).codec).toBe("vp9");
    expect(chooseCodec([...sameAsH264("vp9"), ...sameAsH264("av1")], smooth).codec).toBe("av1");
    const psnr = (ladder: readonly Rendition[]) =>
      ladder.map((r) => ({ ...r, quality: { metric: "psnr" as const, value: 30, score: 10 } }));
    expect(chooseCodec([...H264, ...psnr(VP9)], smooth).codec).toBe("vp9");
  });

  it("uses H.264 before any capability is known, and the only codec there is", () => {
    expect(chooseCodec(all, []).codec).toBe("h264");
    for (const [ladder, codec] of [
      [H264, "h264"],
      [VP9, "vp9"],
      [AV1, "av1"],
    ] as const) {
      expect(chooseCodec(ladder, []).codec).toBe(codec);
      expect(chooseCodec(ladder, [cap(codec, { supported: false })]).reason).toMatch(/^only /);
    }
  });

  it("falls back to the most widely decoded codec when none is known to play", () => {
    const choice = chooseCodec([...VP9, ...AV1], []);
    expect(choice.codec).toBe("vp9");
    expect(choice.reason).toBe(
      "VP9, as none is known to play; AV1 at 1080p not queried; VP9 at 1080p not queried",
    );
    expect(chooseCodec([...VP9, ...AV1], [cap("av1")]).codec).toBe("av1");
  });

  it("takes a codec the viewer asked for, unless the title lacks it or it cannot play", () => {
    expect(chooseCodec(all, smooth, "vp9")).toEqual({ codec: "vp9", reason: "VP9 asked for" });
    expect(chooseCodec(all, [], "vp9").codec).toBe("vp9");
    expect(chooseCodec([...H264, ...AV1], smooth, "vp9").codec).toBe("av1");
    expect(chooseCodec(all, [cap("vp9", { supported: false })], "vp9").codec).toBe("h264");
  });
});
