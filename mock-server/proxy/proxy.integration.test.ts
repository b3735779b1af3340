/**
 * Foreign streams through the network, over real loopback sockets: a real upstream server
 * (someone else's host) and another host it points to; the registration on the steering
 * service, the appliances' and the origin's `/proxy/...` route, and every refusal, each with
 * a status and a message naming the cause, the servers answering on afterwards.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseForeignStreamAnswer } from "../../src/schemas/steering.ts";
import { type Network, startNetwork } from "../network.ts";
import { writeTinyCatalog } from "../tiny-catalog.ts";

const MANIFEST_LIMIT = 10_000;
const SEGMENT = Buffer.alloc(5_000, 7);

interface Host {
  url: string;
  host: string;
  close(): Promise<void>;
}

/** A plain HTTP server answering from a table of routes. */
async function startHost(
  routes: Record<string, (res: http.ServerResponse, self: string) => void>,
): Promise<Host> {
  let self = "";
  const server = http.createServer((req, res) => {
    const route = routes[(req.url ?? "").split("?")[0]!];
    if (!route) {
      res.writeHead(404).end("no");
      return;
    }
    route(res, self);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  self = `http://127.0.0.1:${port}`;
  return {
    url: self,
    host: `127.0.0.1:${port}`,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const text = (type: string, body: string) => (res: http.ServerResponse) =>
  res.writeHead(200, { "content-type": type }).end(body);
const redirect = (to: (self: string) => string) => (res: http.ServerResponse, self: string) =>
  res.writeHead(302, { location: to(self) }).end();

let network: Network;
let upstream: Host;
let other: Host;

beforeAll(async () => {
  other = await startHost({ "/x.m3u8": text("application/vnd.apple.mpegurl", "#EXTM3U\n") });
  upstream = await startHost({
    "/hls/master.m3u8": text(
      "application/vnd.apple.mpegurl",
      `#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=300000\nv/index.m3u8\n#EXT-X-STREAM-INF:BANDWIDTH=600000\n${other.url}/x.m3u8\n`,
    ),
    "/hls/v/index.m3u8": text(
      "application/vnd.apple.mpegurl",
      "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2,\nseg0.ts\n#EXT-X-ENDLIST\n",
    ),
    "/hls/v/seg0.ts": (res) => res.writeHead(200, { "content-type": "video/mp2t" }).end(SEGMENT),
    "/dash/manifest.mpd": text(
      "application/dash+xml",
      `<?xml version="1.0"?><MPD xmlns="urn:mpeg:dash:schema:mpd:2011"><BaseURL>${other.url}/media/</BaseURL><Period/></MPD>`,
    ),
    "/moved.m3u8": redirect(() => "/hls/master.m3u8"),
    "/away.m3u8": redirect(() => `${other.url}/x.m3u8`),
    "/ftp.m3u8": redirect(() => "ftp://127.0.0.1/x.m3u8"),
    "/loop.m3u8": redirect(() => "/loop.m3u8"),
    "/big.m3u8": text("application/vnd.apple.mpegurl", `#EXTM3U\n${"#c\n".repeat(MANIFEST_LIMIT)}`),
    "/not-xml.mpd": text("application/dash+xml", "<MPD><Period></MPD>"),
    "/error.ts": (res) => res.writeHead(500).end(),
    "/silent.ts": () => {},
  });
  const catalog = await writeTinyCatalog();
  network = await startNetwork({
    catalogDir: catalog.dir,
    fillWindow: null,
    appOrigins: ["http://127.0.0.1:5173"],
    upstreamLimits: {
      maxManifestBytes: MANIFEST_LIMIT,
      timeoutMs: 1_000,
      maxConcurrent: 2,
      maxQueued: 1,
    },
  });
});

afterAll(async () => {
  await network?.close();
  await upstream?.close();
  await other?.close();
});

const register = (url: unknown, headers: Record<string, string> = {}) =>
  fetch(`${network.urls.steering}steering/foreign`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ url }),
  });
const appliance = (path: string, init?: RequestInit) =>
  fetch(`${network.urls.appliances["isp-a-1"]}${path.replace(/^\//, "")}`, init);
const errorOf = async (response: Response) => ((await response.json()) as { error: string }).error;

describe("registering a foreign stream", () => {
  it("allows its host and answers the proxied path and a ranking of the appliances", async () => {
    const response = await register(`${upstream.url}/hls/master.m3u8`);
    expect(response.status).toBe(200);
    const answer = parseForeignStreamAnswer(await response.json());
    expect(answer.upstream).toBe(upstream.url);
    expect(answer.proxyPath).toBe(`/proxy/http/${upstream.host}/hls/master.m3u8`);
    expect(answer.steering.appliances.map((a) => a.id).sort()).toEqual([
      "exchange-1",
      "isp-a-1",
      "isp-b-1",
    ]);
    expect(network.allowList.list()).toContain(upstream.url);
    // The lab reads the allowed hosts from the admin API.
    const state = (await (await fetch(`${network.urls.admin}admin/state`)).json()) as {
      proxy: { allowedHosts: string[] };
    };
    expect(state.proxy.allowedHosts).toEqual([upstream.url]);
  });

  it.each([
    ["ftp", "ftp://127.0.0.1/x.m3u8", /only http:\/\/ and https:\/\//],
    ["a password", "http://user:secret@127.0.0.1/x.m3u8", /user name or password/],
    ["no URL", "not a url", /not an absolute URL/],
    ["a number", 42, /give the stream as/],
    [
      "a long URL",
      `http://127.0.0.1/${"a".repeat(2000)}`,
      /2017 characters long, past the proxy's 1800/,
    ],
  ])("refuses %s with a 400 naming the cause", async (_what, url, message) => {
    const response = await register(url);
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatch(message);
  });

  it("is closed to other web origins and to bodies that are not JSON", async () => {
    const page = await register(`${upstream.url}/hls/master.m3u8`, { origin: "http://evil.test" });
    expect(page.status).toBe(403);
    const form = await fetch(`${network.urls.steering}steering/foreign`, {
      method: "POST",
      headers: { "content-type": "text/plain" },
      body: `{"url":"${upstream.url}/"}`,
    });
    expect(form.status).toBe(415);
  });
});

describe("the appliances' proxy route", () => {
  const proxied = (path: string) => `/proxy/http/${upstream.host}${path}`;

  it("serves the playlist rewritten through the proxy, cached, counted", async () => {
    const before = network.appliances[0]!.state(new Map()).counters;
    const first = await appliance(`${proxied("/hls/master.m3u8")}?session=s1`);
    expect(first.status).toBe(200);
    expect(first.headers.get("x-cache")).toBe("MISS");
    const body = await first.text();
    expect(body).toContain(`${proxied("/hls/v/index.m3u8")}\n`);
    // Another host is written through the proxy too, where it will be refused.
    expect(body).toContain(`/proxy/http/${other.host}/x.m3u8\n`);
    const again = await appliance(proxied("/hls/master.m3u8"));
    expect(again.headers.get("x-cache")).toBe("HIT");
    const after = network.appliances[0]!.state(new Map()).counters;
    expect(after.requests - before.requests).toBe(2);
    expect(after.hits - before.hits).toBe(1);
  });

  it("serves a segment, byte ranges included, and the origin serves it as the last resort", async () => {
    const whole = await appliance(proxied("/hls/v/seg0.ts"));
    expect(Buffer.from(await whole.arrayBuffer())).toEqual(SEGMENT);
    const part = await appliance(proxied("/hls/v/seg0.ts"), { headers: { range: "bytes=10-19" } });
    expect(part.status).toBe(206);
    expect((await part.arrayBuffer()).byteLength).toBe(10);
    const origin = await fetch(`${network.urls.origin}${proxied("/hls/v/seg0.ts").slice(1)}`);
    expect(origin.status).toBe(200);
    expect((await origin.arrayBuffer()).byteLength).toBe(SEGMENT.length);
  });

  it("follows a redirect within the allowed host", async () => {
    const response = await appliance(proxied("/moved.m3u8"));
    expect(response.status).toBe(200);
    // Resolved against where the playlist really is.
    expect(await response.text()).toContain(proxied("/hls/v/index.m3u8"));
  });

  it.each([
    [
      "another host, named in a manifest",
      () => `/proxy/http/${other.host}/x.m3u8`,
      403,
      /host 127\.0\.0\.1:\d+ \(http\) is not in the allow-list for this session; open the stream's own URL to allow its host/,
    ],
    [
      "a redirect to another host",
      () => proxied("/away.m3u8"),
      403,
      /redirected to http:\/\/127\.0\.0\.1:\d+\/x\.m3u8: host .* is not in the allow-list/,
    ],
    ["a redirect to ftp", () => proxied("/ftp.m3u8"), 403, /redirected to ftp:.*only http/],
    ["a redirect loop", () => proxied("/loop.m3u8"), 502, /redirected more than 5 times/],
    ["an oversize manifest", () => proxied("/big.m3u8"), 502, /larger than the proxy's limit/],
    ["an MPD that is not XML", () => proxied("/not-xml.mpd"), 502, /not well-formed XML/],
    ["an upstream error", () => proxied("/error.ts"), 502, /answered HTTP 500/],
    ["a missing file", () => proxied("/nothing.ts"), 404, /answered HTTP 404/],
    [
      "an upstream that never answers",
      () => proxied("/silent.ts"),
      504,
      /did not answer within 1 s/,
    ],
    ["another scheme", () => `/proxy/ftp/${upstream.host}/x`, 400, /\/proxy\/<http\|https>/],
    [
      "a user name in the host",
      () => `/proxy/http/me@${upstream.host}/x`,
      400,
      /user name or password/,
    ],
    [
      "a host written otherwise",
      () => `/proxy/http/LOCALHOST:1/x`,
      400,
      /not a host as the proxy writes it/,
    ],
  ])("refuses %s with a clear error", async (_what, path, status, message) => {
    const response = await appliance(path());
    expect(response.status).toBe(status);
    expect(await errorOf(response)).toMatch(message);
  });

  it("answers 503 past its concurrent fetches, and the servers stay up", async () => {
    // Two slots and one place in the queue: the fourth silent fetch is refused at once.
    const hung = [1, 2, 3].map((n) => appliance(proxied(`/silent.ts?n=${n}`)));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const refused = await appliance(proxied("/silent.ts?n=4"));
    expect(refused.status).toBe(503);
    expect(await errorOf(refused)).toMatch(/already fetching 2 files/);
    await Promise.all(hung.map((p) => p.then((r) => r.arrayBuffer())));
    expect((await appliance("/health")).status).toBe(200);
    expect((await fetch(`${network.urls.origin}catalog.json`)).status).toBe(200);
  });

  it("rewrites an MPD's absolute BaseURL through the proxy", async () => {
    const response = await appliance(proxied("/dash/manifest.mpd"));
    expect(response.status).toBe(200);
    expect(await response.text()).toContain(`<BaseURL>/proxy/http/${other.host}/media/</BaseURL>`);
  });
});

describe("configured upstream hosts", () => {
  it("refuses an --allow-upstream that is not an http(s) URL before any port is taken", async () => {
    const catalog = await writeTinyCatalog();
    await expect(
      startNetwork({
        catalogDir: catalog.dir,
        fillWindow: null,
        allowedUpstreams: ["ftp://cdn.test/"],
      }),
    ).rejects.toThrow(/--allow-upstream "ftp:\/\/cdn.test\/": only http:\/\/ and https:\/\//);
  });
});

describe("arbitrary proxied paths", () => {
  /** A GET with the path sent exactly as given (fetch would normalise it). */
  const rawGet = (base: string, path: string) =>
    new Promise<number>((resolve, reject) => {
      const { hostname, port } = new URL(base);
      const req = http.get({ hostname, port, path, agent: false }, (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      });
      req.on("error", reject);
    });

  it("get a 4xx naming the cause, never a 5xx, from the appliances and the origin", async () => {
    // Printable ASCII without spaces: what a client can put on a request line. The host is
    // never an allowed one (it would be fetched, and an upstream's failure is a 502 by design).
    const suffix = fc.stringMatching(/^[!-~]{0,80}$/).filter((p) => !p.includes(upstream.host));
    const prefix = fc.constantFrom(
      "",
      "http/",
      "https/",
      "http/127.0.0.1:1/",
      "ftp/",
      "http/%2e%2e/",
    );
    await fc.assert(
      fc.asyncProperty(prefix, suffix, async (head, tail) => {
        for (const base of [network.urls.appliances["isp-a-1"]!, network.urls.origin]) {
          const status = await rawGet(base, `/proxy/${head}${tail}`);
          expect(status, `/proxy/${head}${tail}`).toBeGreaterThanOrEqual(400);
          expect(status, `/proxy/${head}${tail}`).toBeLessThan(500);
        }
      }),
      { numRuns: 150 },
    );
    expect((await appliance("/health")).status).toBe(200);
  });
});
