import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { mpd, QUALITY_SCHEME, segmentTimeline } from "./dash.ts";
import { packagedFixture, segments } from "./fixture.test-helper.ts";

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "",
  isArray: (name) => ["AdaptationSet", "Representation", "S"].includes(name),
});

interface Node {
  [key: string]: unknown;
}

describe("mpd", () => {
  const doc = parser.parse(mpd(packagedFixture())) as {
    MPD: Node & { Period: { AdaptationSet: Node[] } };
  };
  const sets = doc.MPD.Period.AdaptationSet;
  const reps = (set: Node) => set.Representation as Node[];

  it("is a static MPD as long as the title", () => {
    expect(doc.MPD.type).toBe("static");
    expect(doc.MPD.mediaPresentationDuration).toBe("PT6.000S");
  });

  it("puts each video codec in its own AdaptationSet with bandwidth from the peak segment", () => {
    const video = sets.filter((s) => s.contentType === "video");
    expect(video).toHaveLength(2);
    const h264 = video.find((s) => reps(s).some((r) => String(r.codecs).startsWith("avc1")))!;
    expect(reps(h264).map((r) => r.id)).toEqual(["h264-360p-300k", "h264-720p-1000k"]);
    const top = reps(h264)[1]!;
    expect(top.bandwidth).toBe("2000000");
    expect(top.width).toBe("1280");
    expect(top.frameRate).toBe("24");
    expect((top.SupplementalProperty as Node).schemeIdUri).toBe(QUALITY_SCHEME);
    expect((top.SupplementalProperty as Node).value).toBe("81.2");
  });

  it("addresses the same segments as HLS, with an exact timeline", () => {
    const rep = reps(sets[0]!)[0]!;
    const template = rep.SegmentTemplate as Node & { SegmentTimeline: { S: Node[] } };
    expect(template.media).toBe("video/h264-360p-300k/seg_$Number%05d$.m4s");
    expect(template.initialization).toBe("video/h264-360p-300k/init.mp4");
    expect(template.startNumber).toBe("0");
    expect(template.SegmentTimeline.S).toEqual([{ t: "0", d: "24576", r: "2" }]);
  });

  it("has one audio set per language, tagged, and a sidecar WebVTT text set", () => {
    const audio = sets.filter((s) => s.contentType === "audio");
    expect(audio.map((s) => s.lang)).toEqual(["en", "es"]);
    expect(audio.map((s) => (s.Role as Node).value)).toEqual(["main", "dub"]);
    const text = sets.find((s) => s.contentType === "text")!;
    expect(text.mimeType).toBe("text/vtt");
    expect(text.lang).toBe("en");
    expect(reps(text)[0]!.BaseURL).toBe("text/en.vtt");
  });

  it("offers the trick-play sprites as a thumbnail tile set", () => {
    const image = sets.find((s) => s.contentType === "image")!;
    expect((reps(image)[0]!.EssentialProperty as Node).value).toBe("5x5");
    expect((image.SegmentTemplate as Node).duration).toBe("50");
  });
});

describe("segmentTimeline", () => {
  it("folds equal back-to-back segments and states t only where a gap breaks the run", () => {
    const list = [
      ...segments([1, 1, 1], 100),
      ...segments([1], 40, 300),
      ...segments([1], 100, 1000),
    ];
    expect(segmentTimeline(list)).toEqual([
      '<S t="0" d="100" r="2"/>',
      '<S d="40"/>',
      '<S t="1000" d="100"/>',
    ]);
  });
});
