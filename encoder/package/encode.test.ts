import { describe, expect, it } from "vitest";
import { processGroups, type RenditionPlan } from "./encode.ts";

const plan = (codec: RenditionPlan["codec"], height: number): RenditionPlan => ({
  id: `${codec}-${height}p`,
  codec,
  width: Math.round((height * 16) / 9),
  height,
  crf: 30,
  targetBitrateBps: height * 1000,
});

describe("processGroups", () => {
  it("keeps H.264 and AV1 in the first process and gives each VP9 rendition its own", () => {
    const renditions = [
      plan("h264", 234),
      plan("h264", 540),
      plan("vp9", 234),
      plan("vp9", 540),
      plan("av1", 234),
    ];
    expect(processGroups(renditions).map((g) => g.map((r) => r.id))).toEqual([
      ["h264-234p", "h264-540p", "av1-234p"],
      ["vp9-234p"],
      ["vp9-540p"],
    ]);
  });

  it("without VP9 everything is one process, and every rendition is encoded exactly once", () => {
    const renditions = [plan("h264", 234), plan("av1", 234)];
    expect(processGroups(renditions)).toEqual([renditions]);
    const mixed = [plan("vp9", 360), plan("h264", 360)];
    expect(
      processGroups(mixed)
        .flat()
        .sort((a, b) => a.id.localeCompare(b.id)),
    ).toEqual([...mixed].sort((a, b) => a.id.localeCompare(b.id)));
  });
});
