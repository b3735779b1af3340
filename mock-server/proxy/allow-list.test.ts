import { describe, expect, it } from "vitest";
import { AllowList, checkUpstreamUrl, proxiedPath, upstreamOf } from "./allow-list.ts";

const url = (text: string) => new URL(text);

describe("checkUpstreamUrl", () => {
  it.each([
    ["ftp://example.com/a.m3u8", /only http:\/\/ and https:\/\//],
    ["file:///etc/passwd", /only http:\/\/ and https:\/\//],
    ["data:application/vnd.apple.mpegurl,#EXTM3U", /only http:\/\/ and https:\/\//],
    ["http://user@example.com/a.m3u8", /user name or password/],
    ["http://:secret@example.com/a.m3u8", /user name or password/],
    ["/relative/a.m3u8", /not an absolute URL/],
    [`http://example.com/${"a".repeat(1800)}`, /past the proxy's 1800/],
  ])("refuses %s", (text, message) => {
    const checked = checkUpstreamUrl(text);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.error).toMatch(message);
  });

  it("takes http and https", () => {
    expect(checkUpstreamUrl("https://cdn.example.com/a.m3u8").ok).toBe(true);
    expect(checkUpstreamUrl("http://127.0.0.1:8090/a.mpd").ok).toBe(true);
  });
});

describe("AllowList", () => {
  const list = new AllowList();
  list.allow(url("http://127.0.0.1:8090/hls/master.m3u8"));
  list.allow(url("https://cdn.example.com/stream.mpd"));

  it("allows the hosts opened, any path on them", () => {
    expect(list.refusal(url("http://127.0.0.1:8090/other/seg.ts"))).toBeNull();
    expect(list.refusal(url("https://cdn.example.com/x/y.m4s?token=1"))).toBeNull();
    // Host names are case-insensitive in URLs; the parser lower-cases them.
    expect(list.refusal(url("https://CDN.example.com/x"))).toBeNull();
    // The scheme's default port is the same host.
    expect(list.refusal(url("https://cdn.example.com:443/x"))).toBeNull();
  });

  it.each([
    ["another host", "http://example.org/seg.ts"],
    ["another port of the same IP", "http://127.0.0.1:8091/seg.ts"],
    ["the same IP under a name", "http://localhost:8090/seg.ts"],
    ["another IP literal", "http://127.0.0.2:8090/seg.ts"],
    ["the other scheme", "https://127.0.0.1:8090/seg.ts"],
    ["a subdomain", "https://evil.cdn.example.com/x"],
    ["a look-alike suffix", "https://cdn.example.com.evil.test/x"],
  ])("refuses %s, naming it and the fix", (_what, text) => {
    const refusal = list.refusal(url(text));
    expect(refusal).toContain(`host ${url(text).host} `);
    expect(refusal).toContain(
      "is not in the allow-list for this session; open the stream's own URL to allow its host",
    );
  });

  it("keeps IPv6 literals exact", () => {
    const v6 = new AllowList();
    v6.allow(url("http://[::1]:8090/a.m3u8"));
    expect(v6.allows(url("http://[::1]:8090/b.ts"))).toBe(true);
    expect(v6.allows(url("http://[::2]:8090/b.ts"))).toBe(false);
  });

  it("forgets the oldest host past its limit", () => {
    const small = new AllowList([], 2);
    small.allow(url("http://a.test/"));
    small.allow(url("http://b.test/"));
    small.allow(url("http://a.test/again")); // a again: now the newest
    small.allow(url("http://c.test/"));
    expect(small.list()).toEqual(["http://a.test", "http://c.test"]);
  });
});

describe("configured hosts (--allow-upstream)", () => {
  it("are allowed from the start and never forgotten", () => {
    const list = new AllowList([url("https://cdn.example.net/")], 1);
    expect(list.allows(url("https://cdn.example.net/seg.ts"))).toBe(true);
    list.allow(url("http://a.test/"));
    list.allow(url("http://b.test/"));
    expect(list.list()).toEqual(["https://cdn.example.net", "http://b.test"]);
    expect(list.allows(url("http://cdn.example.net/seg.ts"))).toBe(false);
  });
});

describe("proxied paths", () => {
  it("round-trip an upstream URL, query kept, fragment dropped", () => {
    const upstream = url("https://cdn.example.com:8443/a/b%20c.m3u8?token=x#frag");
    const path = proxiedPath(upstream);
    expect(path).toBe("/proxy/https/cdn.example.com:8443/a/b%20c.m3u8?token=x");
    const back = upstreamOf(path);
    expect(back.ok && back.upstream.href).toBe("https://cdn.example.com:8443/a/b%20c.m3u8?token=x");
  });

  it.each([
    ["/proxy/ftp/example.com/x", /\/proxy\/<http\|https>/],
    ["/proxy/http/", /\/proxy\/<http\|https>/],
    ["/proxy/http/user@example.com/x", /user name or password/],
    ["/proxy/http/EXAMPLE.com/x", /not a host as the proxy writes it/],
    ["/proxy/http/example.com:80/x", /not a host as the proxy writes it/],
  ])("refuse %s", (path, message) => {
    const back = upstreamOf(path);
    expect(back.ok).toBe(false);
    if (!back.ok) expect(back.error).toMatch(message);
  });
});
