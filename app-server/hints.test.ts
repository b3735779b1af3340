import type { Manifest } from "vite";
import { describe, expect, it } from "vitest";
import { chunksLoading, modulePreload, pageHints, parseManifest, preconnect } from "./hints.ts";

/** The shape of a real build's manifest (trimmed): the entry imports the two engine adapters,
 * each of which imports its engine's package. */
const manifest: Manifest = parseManifest({
  "../main/node_modules/hls.js/dist/hls.mjs": {
    file: "assets/hls-H-voav__.js",
    src: "../main/node_modules/hls.js/dist/hls.mjs",
    isDynamicEntry: true,
  },
  "../main/node_modules/shaka-player/dist/shaka-player.compiled.js": {
    file: "assets/shaka-player.compiled-C8R4TwkV.js",
    src: "../main/node_modules/shaka-player/dist/shaka-player.compiled.js",
    isDynamicEntry: true,
    imports: ["index.html"],
  },
  "_url-Bh_YT60L.js": { file: "assets/url-Bh_YT60L.js", name: "url" },
  "index.html": {
    file: "assets/index-CtXj4dKL.js",
    src: "index.html",
    isEntry: true,
    dynamicImports: [
      "src/features/player/engines/hlsjs.ts",
      "src/features/player/engines/shaka.ts",
    ],
  },
  "src/features/player/engines/hlsjs.ts": {
    file: "assets/hlsjs-BgDRNZVU.js",
    src: "src/features/player/engines/hlsjs.ts",
    isDynamicEntry: true,
    imports: ["index.html", "_url-Bh_YT60L.js"],
    dynamicImports: ["../main/node_modules/hls.js/dist/hls.mjs"],
  },
  "src/features/player/engines/shaka.ts": {
    file: "assets/shaka-DmX0XPm7.js",
    src: "src/features/player/engines/shaka.ts",
    isDynamicEntry: true,
    imports: ["index.html", "_url-Bh_YT60L.js"],
    dynamicImports: ["../main/node_modules/shaka-player/dist/shaka-player.compiled.js"],
  },
});

const config = {
  originUrl: "http://127.0.0.1:18080",
  steeringUrl: "http://127.0.0.1:18081",
  adminUrl: "http://127.0.0.1:18082",
};

describe("chunksLoading", () => {
  it("is the adapter, its shared chunk and the package, without the entry", () => {
    expect(chunksLoading(manifest, "hls.js")).toEqual([
      "assets/hlsjs-BgDRNZVU.js",
      "assets/url-Bh_YT60L.js",
      "assets/hls-H-voav__.js",
    ]);
  });

  it("is empty for a package the build does not have", () => {
    expect(chunksLoading(manifest, "dashjs")).toEqual([]);
  });

  it("does not take a package whose name only starts the same", () => {
    expect(chunksLoading(manifest, "hls")).toEqual([]);
  });
});

describe("parseManifest", () => {
  it("refuses something that is not Vite's manifest", () => {
    expect(() => parseManifest({ "index.html": { src: "index.html" } })).toThrow(/manifest/);
  });
});

describe("pageHints", () => {
  const catalogUrl = "http://127.0.0.1:18080/catalog.json";
  const hls = chunksLoading(manifest, "hls.js");

  it("has a catalog page preload the catalog", () => {
    expect(pageHints("catalog", config, catalogUrl, hls)).toEqual([
      '<link rel="preload" href="http://127.0.0.1:18080/catalog.json" as="fetch" crossorigin>',
    ]);
  });

  it("has a watch page also connect to steering and load hls.js", () => {
    const hints = pageHints("watch", config, catalogUrl, hls);
    expect(hints).toContain(preconnect(config.steeringUrl));
    expect(hints).toContain(
      '<link rel="modulepreload" href="/assets/hls-H-voav__.js" crossorigin>',
    );
    expect(hints).toHaveLength(5);
  });

  it("gives other pages none", () => {
    expect(pageHints("other", config, catalogUrl, hls)).toEqual([]);
  });

  it("connects to a server's origin and escapes attributes", () => {
    expect(preconnect("http://127.0.0.1:18081/steering")).toBe(
      '<link rel="preconnect" href="http://127.0.0.1:18081" crossorigin>',
    );
    expect(modulePreload('assets/a"b.js')).toContain('href="/assets/a&quot;b.js"');
  });
});
