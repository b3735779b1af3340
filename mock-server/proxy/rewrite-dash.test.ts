import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { proxiedPath } from "./allow-list.ts";
import { rewriteDash } from "./rewrite-dash.ts";

const map = (u: URL) => proxiedPath(u);
const MPD_URL = new URL("https://media.example.com/vod/title/manifest.mpd");
const P = "/proxy/https/media.example.com";

function rewrite(text: string, url = MPD_URL, moved = false): string {
  const result = rewriteDash(text, url, map, { moved });
  if (!result.ok) throw new Error(result.error);
  return result.text;
}

/** Multi-period, BaseURL at four levels, SegmentTemplate with a timeline, SegmentList. */
const MPD = `<?xml version="1.0" encoding="UTF-8"?>
<!-- packager output -->
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" xmlns:xlink="http://www.w3.org/1999/xlink" type="static" mediaPresentationDuration="PT30S" minBufferTime="PT2S" profiles="urn:mpeg:dash:profile:isoff-live:2011">
  <Location>https://media.example.com/vod/title/manifest.mpd</Location>
  <BaseURL>https://cdn1.example.com/vod/title/</BaseURL>
  <ContentSteering defaultServiceLocation="alpha">https://steer.example.com/dash.json</ContentSteering>
  <Period id="p0" duration="PT10S">
    <BaseURL>period0/</BaseURL>
    <AdaptationSet mimeType="video/mp4" segmentAlignment="true">
      <BaseURL>video/</BaseURL>
      <SegmentTemplate timescale="90000" media="$RepresentationID$/seg-$Time$.m4s" initialization="$RepresentationID$/init.mp4">
        <SegmentTimeline><S t="0" d="180000" r="4"/></SegmentTimeline>
      </SegmentTemplate>
      <Representation id="v1" bandwidth="500000" width="640" height="360" codecs="avc1.4d401e">
        <BaseURL>https://cdn2.example.com/alt/</BaseURL>
      </Representation>
      <Representation id="v2" bandwidth="1500000" width="1280" height="720" codecs="avc1.4d401f"/>
    </AdaptationSet>
  </Period>
  <Period id="p1" duration="PT20S" xlink:href="/remote/period1.xml" xlink:actuate="onLoad"/>
  <Period id="p2" duration="PT20S">
    <AdaptationSet mimeType="audio/mp4" lang="en">
      <Representation id="a1" bandwidth="64000" codecs="mp4a.40.2">
        <SegmentList timescale="1000" duration="2000">
          <Initialization sourceURL="/audio/init.mp4" range="0-700"/>
          <SegmentURL media="audio/seg1.m4s" mediaRange="0-999"/>
          <SegmentURL media="https://cdn3.example.com/a/seg2.m4s?x=1&amp;y=2"/>
          <SegmentURL media="../../escape.m4s"/>
        </SegmentList>
      </Representation>
    </AdaptationSet>
    <AdaptationSet mimeType="video/mp4">
      <SegmentTemplate media="https://cdn1.example.com/abs/$RepresentationID$-$Number%05d$.m4s" initialization="https://cdn1.example.com/abs/$RepresentationID$-init.mp4" startNumber="1" duration="2" bitstreamSwitching="bss.mp4"/>
      <Representation id="v3" bandwidth="800000"/>
    </AdaptationSet>
  </Period>
</MPD>
`;

describe("rewriteDash", () => {
  const out = rewrite(MPD);
  const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: "" }).parse(out);
  const [p0, p1, p2] = parsed.MPD.Period;

  it("writes absolute BaseURLs through the proxy and leaves relative ones to resolve through them", () => {
    expect(parsed.MPD.BaseURL).toBe("/proxy/https/cdn1.example.com/vod/title/");
    expect(p0.BaseURL).toBe("period0/");
    expect(p0.AdaptationSet.BaseURL).toBe("video/");
    expect(p0.AdaptationSet.Representation[0].BaseURL).toBe("/proxy/https/cdn2.example.com/alt/");
  });

  it("leaves a relative SegmentTemplate to each Representation's own BaseURL, templates intact", () => {
    const template = p0.AdaptationSet.SegmentTemplate;
    expect(template.media).toBe("$RepresentationID$/seg-$Time$.m4s");
    expect(template.initialization).toBe("$RepresentationID$/init.mp4");
    expect(template.SegmentTimeline.S).toEqual({ t: "0", d: "180000", r: "4" });
  });

  it("writes absolute SegmentTemplate attributes through the proxy, $Number%05d$ kept", () => {
    const template = p2.AdaptationSet[1].SegmentTemplate;
    expect(template.media).toBe(
      "/proxy/https/cdn1.example.com/abs/$RepresentationID$-$Number%05d$.m4s",
    );
    expect(template.initialization).toBe(
      "/proxy/https/cdn1.example.com/abs/$RepresentationID$-init.mp4",
    );
    expect(template.bitstreamSwitching).toBe("bss.mp4");
  });

  it("rewrites SegmentList URLs: root-relative, absolute (entities kept) and climbing ones", () => {
    const list = p2.AdaptationSet[0].Representation.SegmentList;
    expect(list.Initialization.sourceURL).toBe("/proxy/https/cdn1.example.com/audio/init.mp4");
    expect(list.Initialization.range).toBe("0-700");
    expect(list.SegmentURL[0].media).toBe("audio/seg1.m4s");
    expect(list.SegmentURL[1].media).toBe("/proxy/https/cdn3.example.com/a/seg2.m4s?x=1&y=2");
    expect(out).toContain("seg2.m4s?x=1&amp;y=2");
    // Against the MPD-level BaseURL (the Period has none): https://cdn1.example.com/escape.m4s.
    expect(list.SegmentURL[2].media).toBe("/proxy/https/cdn1.example.com/escape.m4s");
  });

  it("rewrites Location and xlink:href, and drops ContentSteering", () => {
    expect(parsed.MPD.Location).toBe(`${P}/vod/title/manifest.mpd`);
    expect(p1["xlink:href"]).toBe("/proxy/https/cdn1.example.com/remote/period1.xml");
    expect(out).not.toContain("ContentSteering");
    expect(out).not.toContain("steer.example.com");
  });

  it("keeps the rest as it was: declaration, comment, namespaces, attributes", () => {
    expect(out.startsWith('<?xml version="1.0" encoding="UTF-8"?>')).toBe(true);
    expect(out).toContain("<!-- packager output -->");
    expect(out).toContain('xmlns:xlink="http://www.w3.org/1999/xlink"');
    expect(out).toContain(
      '<Representation id="v2" bandwidth="1500000" width="1280" height="720" codecs="avc1.4d401f"/>',
    );
  });

  it("pins relative URLs to where a redirected MPD really is", () => {
    const moved = rewrite(
      '<MPD><Period><AdaptationSet><SegmentTemplate media="s-$Number$.m4s"/></AdaptationSet></Period></MPD>',
      new URL("https://media.example.com/real/place/manifest.mpd"),
      true,
    );
    expect(moved).toContain(`<MPD><BaseURL>${P}/real/place/</BaseURL><Period>`);
    expect(moved).toContain('media="s-$Number$.m4s"');
  });

  it.each([
    ["not XML", "<MPD><Period></MPD>", /not well-formed XML/],
    ["no MPD", "<?xml version='1.0'?><html/>", /no <MPD> root element/],
  ])("refuses %s", (_what, text, message) => {
    const result = rewriteDash(text, MPD_URL, map);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(message);
  });
});
