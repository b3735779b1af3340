/**
 * The steering service's closed door, over real loopback HTTP: a heartbeat needs the network's
 * secret, JSON and no foreign origin; appliance ids are checked (not "origin", no clash, at most
 * 64); what players report is bounded and forgotten on reset; what players read stays open.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ORIGIN_PATHWAY, parseSteeringAnswer } from "../../src/schemas/steering.ts";
import { type Network, startNetwork } from "../network.ts";
import { type TinyCatalog, writeTinyCatalog } from "../tiny-catalog.ts";
import { HEARTBEAT_PATH, postHeartbeat } from "./heartbeat.ts";
import { MAX_PLAYER_REPORTS } from "./player-reports.ts";
import { MAX_APPLIANCES } from "./registry.ts";
import { testStatus } from "./test-status.ts";

const APP = "http://127.0.0.1:5173";
let network: Network;
let catalog: TinyCatalog;

beforeAll(async () => {
  catalog = await writeTinyCatalog();
  network = await startNetwork({ catalogDir: catalog.dir, fillWindow: null, appOrigins: [APP] });
});

afterAll(async () => {
  await network?.close();
});

const status = (id: string, baseUrl?: string) =>
  testStatus(id, {
    titles: { [catalog.titleId]: 1 },
    ...(baseUrl === undefined ? {} : { baseUrl }),
  });

const heartbeat = (body: unknown, headers: Record<string, string>) =>
  fetch(new URL(HEARTBEAT_PATH, network.urls.steering), {
    method: "POST",
    headers,
    body: JSON.stringify(body),
  });

const answer = async () =>
  parseSteeringAnswer(
    await (await fetch(`${network.urls.steering}steering/${catalog.titleId}?region=isp-a`)).json(),
  );

describe("the heartbeat is closed", () => {
  const json = { "content-type": "application/json" };

  it("refuses a heartbeat without the secret (401) or with another (403)", async () => {
    const none = await heartbeat(status("forged"), json);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toBe("Bearer");
    expect(((await none.json()) as { error: string }).error).toContain("Authorization: Bearer");
    const wrong = await heartbeat(status("forged"), { ...json, authorization: "Bearer nope" });
    expect(wrong.status).toBe(403);
    expect((await answer()).appliances.map((a) => a.id)).not.toContain("forged");
  });

  it("refuses a foreign page (403) and a body that is not JSON (415), secret or not", async () => {
    const auth = { authorization: `Bearer ${network.heartbeatSecret}` };
    const foreign = await heartbeat(status("forged"), {
      ...json,
      ...auth,
      origin: "http://evil.example",
    });
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get("access-control-allow-origin")).toBeNull();
    const text = await heartbeat(status("forged"), { "content-type": "text/plain", ...auth });
    expect(text.status).toBe(415);
  });

  it("takes a heartbeat with the secret: the appliance is ranked", async () => {
    const sent = await postHeartbeat(
      network.urls.steering,
      network.heartbeatSecret,
      status("edge-1"),
    );
    expect(sent.status).toBe(204);
    expect((await answer()).appliances.map((a) => a.id)).toContain("edge-1");
  });

  it(`refuses the id "${ORIGIN_PATHWAY}": every steering manifest stays whole`, async () => {
    const sent = await postHeartbeat(
      network.urls.steering,
      network.heartbeatSecret,
      status(ORIGIN_PATHWAY),
    );
    expect(sent.status).toBe(400);
    expect(((await sent.json()) as { error: string }).error).toContain("origin's pathway");
    for (const route of ["hls.json", "master.m3u8", "dash.json", "manifest.mpd"]) {
      const response = await fetch(`${network.urls.steering}steering/${catalog.titleId}/${route}`);
      expect(response.status, route).toBe(200);
    }
  });

  it("refuses an id another appliance reports from elsewhere (409)", async () => {
    const own = network.appliances[0]!;
    const sent = await postHeartbeat(
      network.urls.steering,
      network.heartbeatSecret,
      status(own.id, "http://127.0.0.9:9/impostor/"),
    );
    expect(sent.status).toBe(409);
    expect(((await sent.json()) as { error: string }).error).toContain("its own id");
    const ranked = (await answer()).appliances.find((a) => a.id === own.id);
    expect(ranked?.baseUrl).toBe(own.baseUrl);
  });

  it(`ranks at most ${MAX_APPLIANCES} appliances, then refuses more (409)`, async () => {
    const known = (await answer()).appliances.length;
    for (let i = known; i < MAX_APPLIANCES; i++) {
      const sent = await postHeartbeat(
        network.urls.steering,
        network.heartbeatSecret,
        status(`e-${i}`),
      );
      expect(sent.status).toBe(204);
    }
    const over = await postHeartbeat(
      network.urls.steering,
      network.heartbeatSecret,
      status("one-more"),
    );
    expect(over.status).toBe(409);
    // The answer stays bounded: 500 forged appliances once made it 141 KB.
    const response = await fetch(`${network.urls.steering}steering/${catalog.titleId}`);
    expect((await response.text()).length).toBeLessThan(40_000);
  });
});

describe("what players read and report", () => {
  it("is open to every origin", async () => {
    const response = await fetch(`${network.urls.steering}steering/${catalog.titleId}`, {
      headers: { origin: "http://any-player.example" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe("http://any-player.example");
  });

  it(`keeps the latest ${MAX_PLAYER_REPORTS} reports, believes only known pathways, and forgets on reset`, async () => {
    const forged = "x".repeat(5_000);
    const reload = (i: number, pathway: string) =>
      fetch(
        `${network.urls.steering}steering/${catalog.titleId}/hls.json?address=127.0.${i >> 8}.${i & 255}&_HLS_pathway=${pathway}&_HLS_throughput=5000000`,
      );
    for (let i = 0; i < MAX_PLAYER_REPORTS + 200; i += 50) {
      await Promise.all(Array.from({ length: 50 }, (_, k) => reload(i + k, forged)));
    }
    await reload(1, network.appliances[0]!.id);
    const reports = (await (
      await fetch(`${network.urls.steering}steering/reports`)
    ).json()) as Record<string, { pathway: string | null }>;
    const entries = Object.values(reports);
    expect(entries).toHaveLength(MAX_PLAYER_REPORTS);
    expect(entries.filter((r) => r.pathway !== null).map((r) => r.pathway)).toEqual([
      network.appliances[0]!.id,
    ]);
    expect(JSON.stringify(reports).length).toBeLessThan(150_000);

    const reset = await fetch(`${network.urls.admin}admin/reset`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{}",
    });
    expect(reset.status).toBe(200);
    expect(await (await fetch(`${network.urls.steering}steering/reports`)).json()).toEqual({});
  });
});
