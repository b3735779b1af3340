/**
 * Topology files: the demo's default is what it always ran, a file with an error is refused as
 * a whole with the field named, and a bad file given to `npm run network` starts nothing.
 */
import { execFile } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { TOPOLOGY_LIMITS, type TopologyInput } from "../src/schemas/topology.ts";
import { startNetwork } from "./network.ts";
import { writeTinyCatalog } from "./tiny-catalog.ts";
import {
  DEFAULT_TOPOLOGY,
  DEFAULT_TOPOLOGY_INPUT,
  loadTopology,
  localApplianceSpecs,
  parseTopology,
  regionMap,
  TopologyError,
  topologyPorts,
} from "./topology.ts";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "topology-"));
});

const clone = (): TopologyInput => structuredClone(DEFAULT_TOPOLOGY_INPUT);
async function fileWith(name: string, text: string): Promise<string> {
  const file = path.join(dir, name);
  await writeFile(file, text);
  return file;
}
async function refusal(file: string): Promise<string> {
  const error = await loadTopology(file).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TopologyError);
  return (error as Error).message;
}

describe("the default topology", () => {
  it("is the demo's three appliances, ports and regions", () => {
    expect(localApplianceSpecs(DEFAULT_TOPOLOGY).map((a) => [a.id, a.region, a.kind])).toEqual([
      ["isp-a-1", "isp-a", "node"],
      ["isp-b-1", "isp-b", "node"],
      ["exchange-1", "exchange", "node"],
    ]);
    expect(topologyPorts(DEFAULT_TOPOLOGY, 10000)).toEqual({
      origin: 18080,
      steering: 18081,
      admin: 18082,
      appliances: [18101, 18102, 18103],
    });
    const regions = regionMap(DEFAULT_TOPOLOGY);
    expect(regions.hops("isp-a", "exchange")).toBe(1);
    expect(regions.hops("isp-a", "isp-b")).toBe(2);
    expect(regions.hops("isp-a", "mars")).toBeNull();
  });

  it("puts every appliance in nginx with --appliances nginx", () => {
    expect(localApplianceSpecs(DEFAULT_TOPOLOGY, "nginx").every((a) => a.kind === "nginx")).toBe(
      true,
    );
  });
});

describe("a topology file with an error", () => {
  const cases: [string, (t: TopologyInput) => void, string][] = [
    [
      "an unknown kind",
      (t) => {
        (t.appliances[1] as { kind: string }).kind = "varnish";
      },
      "appliances.1.kind",
    ],
    [
      "an appliance id given twice",
      (t) => {
        t.appliances[2]!.id = "isp-a-1";
      },
      'appliances.2.id: appliance id "isp-a-1" is given twice',
    ],
    [
      "two servers on one port",
      (t) => {
        t.appliances[0]!.port = 8082;
      },
      "appliances.0.port: port 8082 is already ports.admin's",
    ],
    [
      "a region without client prefixes",
      (t) => {
        t.regions[1]!.clientPrefixes = [];
      },
      "regions.1.clientPrefixes: a region needs at least one client prefix",
    ],
    [
      "fill window hours out of range",
      (t) => {
        t.fillWindow!.offPeak.toHour = 25;
      },
      "fillWindow.offPeak.toHour",
    ],
    [
      "a site in no region",
      (t) => {
        t.sites[0]!.region = "isp-z";
      },
      'sites.0.region: no region "isp-z"',
    ],
    [
      "an external appliance without its url",
      (t) => {
        t.appliances[0]!.kind = "external";
        delete t.appliances[0]!.port;
      },
      "appliances.0.url: an external appliance needs its url",
    ],
  ];
  for (const [what, spoil, named] of cases) {
    it(`is refused for ${what}, naming the field`, async () => {
      const topology = clone();
      spoil(topology);
      const message = await refusal(
        await fileWith(`${what.replace(/\W+/g, "-")}.json`, JSON.stringify(topology)),
      );
      expect(message).toContain(named);
      expect(message).toContain('mock-server/README.md, "Topology"');
    });
  }

  it("is refused when it is not JSON", async () => {
    expect(await refusal(await fileWith("broken.json", '{"regions": ['))).toMatch(
      /broken\.json is not JSON .*: write it as one JSON object/,
    );
  });

  it("is refused unread when it is too large", async () => {
    const big = await fileWith("big.json", " ".repeat(TOPOLOGY_LIMITS.maxFileBytes + 1));
    expect(await refusal(big)).toContain(`over the ${TOPOLOGY_LIMITS.maxFileBytes}-byte limit`);
  });

  it("is refused when missing, with the path", async () => {
    expect(await refusal(path.join(dir, "nowhere.json"))).toContain("cannot be read");
  });

  it("starts nothing under npm run network", async () => {
    const topology = clone();
    (topology.appliances[0] as { kind: string }).kind = "squid";
    const file = await fileWith("network.json", JSON.stringify(topology));
    // Ports no other test uses: 8080 + 35000 + 900.
    const offset = 35_900;
    const result = await promisify(execFile)(
      process.execPath,
      ["--import", "tsx", "mock-server/main.ts", "--topology", file, "--port-offset", `${offset}`],
      { cwd: path.resolve(import.meta.dirname, "..") },
    ).then(
      () => null,
      (error: { code: number; stderr: string }) => error,
    );
    expect(result?.code).toBe(2);
    expect(result?.stderr).toContain("appliances.0.kind");
    const listening = await new Promise<boolean>((resolve) => {
      const socket = net.connect(8082 + offset, "127.0.0.1");
      socket.once("connect", () => resolve(socket.destroy() !== undefined));
      socket.once("error", () => resolve(false));
    });
    expect(listening).toBe(false);
  });
});

describe("shipped topologies", () => {
  it("reads mock-server/topologies/twenty-sites.json: 20 sites, 20+ appliances, some nginx", async () => {
    const topology = await loadTopology(
      path.join(import.meta.dirname, "topologies/twenty-sites.json"),
    );
    expect(topology.sites.length).toBeGreaterThanOrEqual(20);
    expect(topology.appliances.length).toBeGreaterThanOrEqual(20);
    expect(topology.appliances.some((a) => a.kind === "nginx")).toBe(true);
  });
});

describe("a network started from a topology", () => {
  it("places clients by the topology's prefixes and runs its appliances", async () => {
    const topology = parseTopology(
      {
        regions: [
          { id: "metro", clientPrefixes: ["127.0.5."], neighbours: ["rural"] },
          { id: "rural", clientPrefixes: ["127.0.6."] },
        ],
        sites: [
          { id: "metro-pop", region: "metro" },
          { id: "rural-pop", region: "rural" },
        ],
        appliances: ["metro-pop", "rural-pop"].map((site) => ({
          id: `${site}-1`,
          site,
          capacityBytes: 10e6,
          capacitySessions: 10,
          capacityBps: 1e8,
          fill: { delayMs: 0, bitsPerSecond: 1e9 },
        })),
      },
      "inline",
    );
    const catalog = await writeTinyCatalog();
    const network = await startNetwork({ catalogDir: catalog.dir, topology, fillWindow: null });
    try {
      expect(Object.keys(network.urls.appliances)).toEqual(["metro-pop-1", "rural-pop-1"]);
      const answer = (await (
        await fetch(`${network.urls.steering}steering/${catalog.titleId}?address=127.0.6.20`)
      ).json()) as { client: { region: string }; appliances: { id: string }[] };
      expect(answer.client.region).toBe("rural");
      expect(answer.appliances[0]?.id).toBe("rural-pop-1");
    } finally {
      await network.close();
    }
  });
});
