import { XMLParser } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { dashSteeringManifest, readDashSteeringQuery, steeredMpd } from "./dash.ts";

/** An MPD in the shape `encoder/package/dash.ts` writes (one video, one audio, one text set). */
const MPD = `<?xml version="1.0" encoding="UTF-8"?>
<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" profiles="urn:mpeg:dash:profile:isoff-live:2011" type="static" mediaPresentationDuration="PT18.000S" minBufferTime="PT2S">
  <Period id="0" start="PT0S">
    <AdaptationSet id="0" contentType="video" mimeType="video/mp4" segmentAlignment="true" startWithSAP="1" maxWidth="1920" maxHeight="1080" par="16:9">
      <Representation id="h264-234p-150k" codecs="avc1.64000d" bandwidth="259168" width="416" height="234" frameRate="24" sar="1:1">
        <SupplementalProperty schemeIdUri="urn:streamlab:quality-score:2026" value="6.0"/>
        <SegmentTemplate timescale="12288" initialization="video/h264-234p-150k/init.mp4" media="video/h264-234p-150k/seg_$Number%05d$.m4s" startNumber="0">
          <SegmentTimeline>
            <S t="0" d="24576" r="8"/>
          </SegmentTimeline>
        </SegmentTemplate>
      </Representation>
    </AdaptationSet>
    <AdaptationSet id="1" contentType="audio" mimeType="audio/mp4" lang="en" segmentAlignment="true" startWithSAP="1">
      <Role schemeIdUri="urn:mpeg:dash:role:2011" value="main"/>
      <Label>English</Label>
      <Representation id="audio-en" codecs="mp4a.40.2" bandwidth="131072" audioSamplingRate="48000">
        <AudioChannelConfiguration schemeIdUri="urn:mpeg:dash:23003:3:audio_channel_configuration:2011" value="2"/>
        <SegmentTemplate timescale="48000" initialization="audio/en/init.mp4" media="audio/en/seg_$Number%05d$.m4s" startNumber="0">
          <SegmentTimeline>
            <S t="0" d="96000" r="8"/>
          </SegmentTimeline>
        </SegmentTemplate>
      </Representation>
    </AdaptationSet>
    <AdaptationSet id="2" contentType="text" mimeType="text/vtt" lang="en">
      <Role schemeIdUri="urn:mpeg:dash:role:2011" value="subtitle"/>
      <Label>English</Label>
      <Representation id="text-en" bandwidth="256">
        <BaseURL>text/en.vtt</BaseURL>
      </Representation>
    </AdaptationSet>
  </Period>
</MPD>
`;

const LOCATIONS = [
  { id: "isp-a-1", baseUrl: "http://127.0.0.1:8101/titles/paper-lanterns--1c1d9e795521/" },
  { id: "exchange-1", baseUrl: "http://127.0.0.1:8102/titles/paper-lanterns--1c1d9e795521/" },
];
const STEERING_URI = "http://127.0.0.1:8000/steering/dash/paper-lanterns.json?session=s1&x=<1>";

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  preserveOrder: true,
  parseAttributeValue: false,
  parseTagValue: false,
});

type Node = Record<string, unknown> & { ":@"?: Record<string, string> };

/** The element children of <MPD>, in document order, as [name, attributes, text]. */
function mpdChildren(xml: string): [string, Record<string, string>, string][] {
  const doc = parser.parse(xml) as Node[];
  const mpd = doc.find((n) => "MPD" in n)!.MPD as Node[];
  return mpd.map((node) => {
    const name = Object.keys(node).find((k) => k !== ":@")!;
    const children = node[name] as Node[];
    const text = children.map((c) => (typeof c["#text"] === "string" ? c["#text"] : "")).join("");
    return [name, node[":@"] ?? {}, text];
  });
}

describe("steeredMpd", () => {
  const steered = steeredMpd(MPD, { locations: LOCATIONS, steeringUri: STEERING_URI });
  const children = mpdChildren(steered);

  it("adds a BaseURL per service location, then ContentSteering, before the Period", () => {
    expect(children.map(([name]) => name)).toEqual([
      "BaseURL",
      "BaseURL",
      "ContentSteering",
      "Period",
    ]);
    expect(
      children.slice(0, 2).map(([, attrs, text]) => [attrs["@serviceLocation"], text]),
    ).toEqual(LOCATIONS.map((l) => [l.id, l.baseUrl]));
    const [, steering, uri] = children[2]!;
    expect(steering).toEqual({
      "@defaultServiceLocation": "isp-a-1",
      "@queryBeforeStart": "true",
    });
    // The "&" and "<" in the URL were escaped and read back intact.
    expect(uri).toBe(STEERING_URI);
    expect(steered).toContain("session=s1&amp;x=&lt;1&gt;");
  });

  it("leaves the Period untouched, so relative segment URLs resolve on each BaseURL", () => {
    expect(steered.slice(steered.indexOf("  <Period"))).toBe(MPD.slice(MPD.indexOf("  <Period")));
    const media = "video/h264-234p-150k/seg_00000.m4s";
    expect(new URL(media, LOCATIONS[1]!.baseUrl).href).toBe(
      "http://127.0.0.1:8102/titles/paper-lanterns--1c1d9e795521/video/h264-234p-150k/seg_00000.m4s",
    );
  });

  it("can let playback start before the first steering answer", () => {
    const lazy = steeredMpd(MPD, {
      locations: LOCATIONS,
      steeringUri: "/s",
      queryBeforeStart: false,
    });
    expect(mpdChildren(lazy)[2]![1]["@queryBeforeStart"]).toBe("false");
  });

  it("refuses bad locations and an MPD that is already steered", () => {
    const bad = (locations: typeof LOCATIONS) => () =>
      steeredMpd(MPD, { locations, steeringUri: "/s" });
    expect(bad([])).toThrow(/at least one/);
    expect(bad([{ id: "a b", baseUrl: "http://x.test/" }])).toThrow(/invalid service location/);
    expect(bad([{ id: "a", baseUrl: "http://x.test/no-slash" }])).toThrow(/must end in/);
    expect(() => steeredMpd(steered, { locations: LOCATIONS, steeringUri: "/s" })).toThrow(
      /already has/,
    );
  });
});

describe("dashSteeringManifest", () => {
  it("writes the version 1 DCSM", () => {
    expect(
      dashSteeringManifest({
        serviceLocationPriority: ["exchange-1", "isp-a-1"],
        ttlSec: 30,
        reloadUri: "/steering/dash/paper-lanterns.json?session=s1",
      }),
    ).toEqual({
      VERSION: 1,
      TTL: 30,
      "RELOAD-URI": "/steering/dash/paper-lanterns.json?session=s1",
      "SERVICE-LOCATION-PRIORITY": ["exchange-1", "isp-a-1"],
    });
    expect(() =>
      dashSteeringManifest({ serviceLocationPriority: ["a", "a"], ttlSec: 30, reloadUri: "/s" }),
    ).toThrow(/duplicate/);
  });
});

describe("readDashSteeringQuery", () => {
  const read = (query: string) => readDashSteeringQuery(new URL(`http://s.test/steer?${query}`));

  it("reads one location and its throughput (dash.js 4)", () => {
    expect(read("_DASH_pathway=isp-a-1&_DASH_throughput=2500000")).toEqual({
      pathway: "isp-a-1",
      throughputBps: 2_500_000,
      reported: [{ pathway: "isp-a-1", throughputBps: 2_500_000 }],
    });
  });

  it("reads a quoted list with a parallel throughput list (dash.js 5)", () => {
    const query = `_DASH_pathway=${encodeURIComponent('"isp-a-1,exchange-1"')}&_DASH_throughput=${encodeURIComponent("3100000,")}`;
    expect(read(query)).toEqual({
      pathway: "isp-a-1",
      throughputBps: 3_100_000,
      reported: [
        { pathway: "isp-a-1", throughputBps: 3_100_000 },
        { pathway: "exchange-1", throughputBps: null },
      ],
    });
  });

  it("gives null for missing or bad values", () => {
    const none = { pathway: null, throughputBps: null, reported: [] };
    expect(read("")).toEqual(none);
    expect(read("_DASH_pathway=a%20b&_DASH_throughput=100")).toEqual(none);
    expect(read("_DASH_pathway=a,&_DASH_throughput=100")).toEqual(none);
    expect(read("_DASH_pathway=a&_DASH_throughput=fast")).toEqual({
      pathway: "a",
      throughputBps: null,
      reported: [{ pathway: "a", throughputBps: null }],
    });
    expect(read("_DASH_pathway=a&_DASH_throughput=-1").throughputBps).toBeNull();
  });
});
