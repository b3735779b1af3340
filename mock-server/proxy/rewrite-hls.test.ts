import { describe, expect, it } from "vitest";
import { proxiedPath } from "./allow-list.ts";
import { parseAttributeList, rewriteHls } from "./rewrite-hls.ts";
import { isLiveManifest } from "./upstream.ts";

const map = (u: URL) => proxiedPath(u);
const P = "/proxy/https/media.example.com";

/** Apple's advanced example's shape: audio and subtitle groups, I-frame streams, session key. */
const MULTIVARIANT = `#EXTM3U
#EXT-X-VERSION:6
#EXT-X-INDEPENDENT-SEGMENTS
#EXT-X-SESSION-KEY:METHOD=SAMPLE-AES,URI="skd://key-id",KEYFORMAT="com.apple.streamingkeydelivery"
#EXT-X-SESSION-KEY:METHOD=AES-128,URI="/keys/session.key"
#EXT-X-SESSION-DATA:DATA-ID="com.example.lyrics",URI="lyrics.json"
#EXT-X-CONTENT-STEERING:SERVER-URI="https://steer.example.com/s.json",PATHWAY-ID="CDN-A"
#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="aud1",LANGUAGE="en",NAME="English, stereo",AUTOSELECT=YES,DEFAULT=YES,CHANNELS="2",URI="a1/prog_index.m3u8"
#EXT-X-MEDIA:TYPE=CLOSED-CAPTIONS,GROUP-ID="cc1",LANGUAGE="en",NAME="English",DEFAULT=YES,AUTOSELECT=YES,INSTREAM-ID="CC1"
#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="sub1",NAME="English",LANGUAGE="en",DEFAULT=YES,AUTOSELECT=YES,FORCED=NO,URI="https://subs.example.org/en/prog_index.m3u8"

#EXT-X-STREAM-INF:AVERAGE-BANDWIDTH=2168183,BANDWIDTH=2177116,CODECS="avc1.640020,mp4a.40.2",RESOLUTION=960x540,FRAME-RATE=60.000,CLOSED-CAPTIONS="cc1",AUDIO="aud1",SUBTITLES="sub1"
v5/prog_index.m3u8
#EXT-X-STREAM-INF:AVERAGE-BANDWIDTH=7968416,BANDWIDTH=8001098,CODECS="avc1.64002a,mp4a.40.2",RESOLUTION=1920x1080,FRAME-RATE=60.000,CLOSED-CAPTIONS="cc1",AUDIO="aud1",SUBTITLES="sub1"
https://media.example.com/adv/v9/prog_index.m3u8?token=a,b
#EXT-X-I-FRAME-STREAM-INF:AVERAGE-BANDWIDTH=186522,BANDWIDTH=252458,CODECS="avc1.640020",RESOLUTION=960x540,URI="v5/iframe_index.m3u8"
`;

describe("rewriteHls on a multivariant playlist", () => {
  const base = new URL("https://media.example.com/adv/master.m3u8");
  const out = rewriteHls(MULTIVARIANT, base, map);
  const lines = out.split("\n");

  it("sends variant URIs, relative and absolute, through the proxy (query kept)", () => {
    expect(lines).toContain(`${P}/adv/v5/prog_index.m3u8`);
    expect(lines).toContain(`${P}/adv/v9/prog_index.m3u8?token=a,b`);
  });

  it("rewrites URI attributes of EXT-X-MEDIA, I-frame streams, session keys and data", () => {
    expect(out).toContain(
      `NAME="English, stereo",AUTOSELECT=YES,DEFAULT=YES,CHANNELS="2",URI="${P}/adv/a1/prog_index.m3u8"`,
    );
    expect(out).toContain('URI="/proxy/https/subs.example.org/en/prog_index.m3u8"');
    expect(out).toContain(`RESOLUTION=960x540,URI="${P}/adv/v5/iframe_index.m3u8"`);
    expect(out).toContain(`#EXT-X-SESSION-KEY:METHOD=AES-128,URI="${P}/keys/session.key"`);
    expect(out).toContain(`URI="${P}/adv/lyrics.json"`);
  });

  it("leaves non-http key URIs, tags without URIs and attribute order alone", () => {
    expect(out).toContain('URI="skd://key-id",KEYFORMAT="com.apple.streamingkeydelivery"');
    expect(out).toContain(
      '#EXT-X-MEDIA:TYPE=CLOSED-CAPTIONS,GROUP-ID="cc1",LANGUAGE="en",NAME="English",DEFAULT=YES,AUTOSELECT=YES,INSTREAM-ID="CC1"',
    );
    expect(out).toContain(
      '#EXT-X-STREAM-INF:AVERAGE-BANDWIDTH=2168183,BANDWIDTH=2177116,CODECS="avc1.640020,mp4a.40.2",RESOLUTION=960x540',
    );
  });

  it("drops the upstream's content steering, which would lead around the proxy", () => {
    expect(out).not.toContain("EXT-X-CONTENT-STEERING");
    expect(out).not.toContain("steer.example.com");
  });

  it("leaves no URI that does not go through the proxy, but the key system's", () => {
    const uris = [
      ...lines.filter((l) => l !== "" && !l.startsWith("#")),
      ...[...out.matchAll(/URI="([^"]*)"/g)].map((m) => m[1]!),
    ];
    expect(uris.filter((u) => !u.startsWith("/proxy/"))).toEqual(["skd://key-id"]);
  });
});

describe("rewriteHls on media playlists", () => {
  it("rewrites byte-range segments, EXT-X-MAP and EXT-X-KEY, keeping CRLF line ends", () => {
    const playlist = [
      "#EXTM3U",
      "#EXT-X-VERSION:7",
      "#EXT-X-TARGETDURATION:6",
      '#EXT-X-MAP:URI="main.mp4",BYTERANGE="720@0"',
      '#EXT-X-KEY:METHOD=AES-128,URI="../keys/k1.bin",IV=0x0123456789abcdef0123456789abcdef',
      "#EXTINF:6.0,",
      "#EXT-X-BYTERANGE:100000@720",
      "main.mp4",
      "#EXTINF:6.0,title, with comma",
      "#EXT-X-BYTERANGE:98000",
      "main.mp4",
      "#EXT-X-KEY:METHOD=NONE",
      "#EXTINF:6.0,",
      "http://other-cdn.example.net/seg3.ts",
      "#EXT-X-ENDLIST",
      "",
    ].join("\r\n");
    const out = rewriteHls(playlist, new URL("https://media.example.com/v/1/index.m3u8"), map);
    expect(out.split("\r\n")).toEqual([
      "#EXTM3U",
      "#EXT-X-VERSION:7",
      "#EXT-X-TARGETDURATION:6",
      `#EXT-X-MAP:URI="${P}/v/1/main.mp4",BYTERANGE="720@0"`,
      `#EXT-X-KEY:METHOD=AES-128,URI="${P}/v/keys/k1.bin",IV=0x0123456789abcdef0123456789abcdef`,
      "#EXTINF:6.0,",
      "#EXT-X-BYTERANGE:100000@720",
      `${P}/v/1/main.mp4`,
      "#EXTINF:6.0,title, with comma",
      "#EXT-X-BYTERANGE:98000",
      `${P}/v/1/main.mp4`,
      "#EXT-X-KEY:METHOD=NONE",
      "#EXTINF:6.0,",
      "/proxy/http/other-cdn.example.net/seg3.ts",
      "#EXT-X-ENDLIST",
      "",
    ]);
  });

  it("resolves root-relative and climbing URIs against the playlist, never leaving the proxy", () => {
    const out = rewriteHls(
      "#EXTM3U\n#EXTINF:2,\n/root/seg.ts\n#EXTINF:2,\n../../../../up.ts\n",
      new URL("http://127.0.0.1:8090/a/b/index.m3u8"),
      map,
    );
    expect(out).toBe(
      "#EXTM3U\n#EXTINF:2,\n/proxy/http/127.0.0.1:8090/root/seg.ts\n#EXTINF:2,\n/proxy/http/127.0.0.1:8090/up.ts\n",
    );
  });

  it("rewrites LL-HLS parts, preload hints and rendition reports", () => {
    const out = rewriteHls(
      '#EXTM3U\n#EXT-X-PART:DURATION=0.5,URI="p1.mp4"\n#EXT-X-PRELOAD-HINT:TYPE=PART,URI="p2.mp4"\n#EXT-X-RENDITION-REPORT:URI="../v2/index.m3u8",LAST-MSN=10\n',
      new URL("https://media.example.com/v1/index.m3u8"),
      map,
    );
    expect(out).toContain(`URI="${P}/v1/p1.mp4"`);
    expect(out).toContain(`URI="${P}/v1/p2.mp4"`);
    expect(out).toContain(`URI="${P}/v2/index.m3u8",LAST-MSN=10`);
  });

  it("leaves EXT-X-DEFINE variables for the player to substitute", () => {
    const out = rewriteHls(
      "#EXTM3U\n{$base}/seg.ts\n",
      new URL("https://media.example.com/x.m3u8"),
      map,
    );
    expect(out).toBe("#EXTM3U\n{$base}/seg.ts\n");
  });
});

describe("parseAttributeList", () => {
  it("reads quoted strings with commas and unquoted values", () => {
    expect(parseAttributeList('A=1,B="x,y",C=0x1F')).toEqual([
      { name: "A", raw: "1" },
      { name: "B", raw: '"x,y"' },
      { name: "C", raw: "0x1F" },
    ]);
  });
  it.each(['A="unclosed', "lowercase=1", "NOEQUALS", 'A="x"B=1'])("refuses %s", (text) => {
    expect(parseAttributeList(text)).toBeNull();
  });
});

describe("isLiveManifest", () => {
  it("tells a live playlist or a dynamic MPD from a VOD one", () => {
    expect(isLiveManifest("hls", "#EXTM3U\n#EXTINF:2,\na.ts\n")).toBe(true);
    expect(isLiveManifest("hls", "#EXTM3U\n#EXTINF:2,\na.ts\n#EXT-X-ENDLIST\n")).toBe(false);
    expect(isLiveManifest("hls", "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nv.m3u8\n")).toBe(false);
    expect(
      isLiveManifest("dash", '<MPD xmlns="urn:mpeg:dash:schema:mpd:2011" type="dynamic">'),
    ).toBe(true);
    expect(isLiveManifest("dash", '<MPD type="static">')).toBe(false);
  });
});
