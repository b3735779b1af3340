import { describe, expect, it } from "vitest";
import { packagedFixture, segments } from "./fixture.test-helper.ts";
import { mediaPlaylist, multivariantPlaylist, subtitlePlaylist } from "./hls.ts";

/** Attributes of each EXT-X-STREAM-INF line, with the URI line that follows it. */
function variants(text: string): Record<string, string>[] {
  const lines = text.split("\n");
  return lines.flatMap((line, i) => {
    if (!line.startsWith("#EXT-X-STREAM-INF:")) return [];
    const attrs = Object.fromEntries(
      [...line.slice(18).matchAll(/([A-Z-]+)=("[^"]*"|[^,]*)/g)].map((m) => [
        m[1]!,
        m[2]!.replace(/^"|"$/g, ""),
      ]),
    );
    return [{ ...attrs, uri: lines[i + 1] ?? "" } as Record<string, string>];
  });
}

describe("multivariantPlaylist", () => {
  const text = multivariantPlaylist(packagedFixture());
  const list = variants(text);

  it("lists every video rendition, lowest BANDWIDTH first", () => {
    expect(list.map((v) => v.uri)).toEqual([
      "video/h264-360p-300k/media.m3u8",
      "video/av1-720p-700k/media.m3u8",
      "video/h264-720p-1000k/media.m3u8",
    ]);
  });

  it("computes BANDWIDTH from the peak segment and AVERAGE-BANDWIDTH from the mean, audio included", () => {
    const top = list.find((v) => v.uri!.includes("720p-1000k"))!;
    // video peak 2 Mbit/s + audio peak 128 kbit/s; video mean 1166667 + audio mean 128000.
    expect(top.BANDWIDTH).toBe("2128000");
    expect(top["AVERAGE-BANDWIDTH"]).toBe(String(1_166_667 + 128_000));
  });

  it("carries CODECS, RESOLUTION, FRAME-RATE and the quality SCORE", () => {
    const top = list.find((v) => v.uri!.includes("720p-1000k"))!;
    expect(top.CODECS).toBe("avc1.64001f,mp4a.40.2");
    expect(top.RESOLUTION).toBe("1280x720");
    expect(top["FRAME-RATE"]).toBe("24.000");
    expect(top.SCORE).toBe("81.2");
    expect(list.find((v) => v.uri!.includes("av1"))!.CODECS).toBe("av01.0.05M.08,mp4a.40.2");
  });

  it("declares both audio languages and the subtitles, with language tags", () => {
    expect(text).toContain(
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",LANGUAGE="en",NAME="English",DEFAULT=YES',
    );
    expect(text).toContain('LANGUAGE="es",NAME="Español",DEFAULT=NO');
    expect(text).toContain('#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="subs",LANGUAGE="en"');
    expect(text).toContain('URI="text/en.m3u8"');
    for (const v of list) {
      expect(v.AUDIO).toBe("audio");
      expect(v.SUBTITLES).toBe("subs");
    }
  });
});

describe("mediaPlaylist", () => {
  it("gives each segment its exact duration and a target duration no EXTINF exceeds when rounded", () => {
    const text = mediaPlaylist(
      segments([1, 1, 1], 98304).concat(segments([1], 30000, 3 * 98304)),
      48000,
    );
    expect(text).toContain("#EXT-X-TARGETDURATION:2\n");
    expect(text).toContain("#EXTINF:2.04800,\nseg_00000.m4s");
    expect(text).toContain("#EXTINF:0.62500,\nseg_00000.m4s".replace("seg_00000", "seg_00000"));
    expect(text).toContain('#EXT-X-MAP:URI="init.mp4"');
    expect(text.trimEnd().endsWith("#EXT-X-ENDLIST")).toBe(true);
  });
});

describe("subtitlePlaylist", () => {
  it("is one segment as long as the title", () => {
    const text = subtitlePlaylist("en.vtt", 20.5);
    expect(text).toContain("#EXT-X-TARGETDURATION:21");
    expect(text).toContain("#EXTINF:20.50000,\nen.vtt");
  });
});
