import { runInNewContext } from "node:vm";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_RUNTIME_CONFIG,
  parseRuntimeConfig,
  RUNTIME_CONFIG_GLOBAL,
  resolveRuntimeConfig,
  runtimeConfigScript,
} from "./runtime-config.ts";

const e2e = {
  originUrl: "http://127.0.0.1:18080",
  steeringUrl: "http://127.0.0.1:18081",
  adminUrl: "http://127.0.0.1:18082",
};

describe("parseRuntimeConfig", () => {
  it("accepts absolute http(s) URLs and drops a trailing slash", () => {
    expect(
      parseRuntimeConfig(
        { ...e2e, originUrl: "http://127.0.0.1:18080/", adminUrl: "https://admin.example/x//" },
        "test",
      ),
    ).toEqual({ ...e2e, adminUrl: "https://admin.example/x" });
  });

  it("names the source and every bad field", () => {
    expect(() =>
      parseRuntimeConfig({ originUrl: "127.0.0.1:8080", steeringUrl: "ftp://x" }, "the page"),
    ).toThrow(
      /invalid server addresses from the page: originUrl must be an absolute http\(s\) URL; steeringUrl must be an absolute http\(s\) URL; adminUrl/,
    );
  });

  it("refuses unknown keys, so a misspelt one is not silently ignored", () => {
    expect(() => parseRuntimeConfig({ ...e2e, orignUrl: "http://x" }, "test")).toThrow(/orignUrl/);
  });
});

describe("resolveRuntimeConfig", () => {
  it("takes the injected config over the env vars", () => {
    const env = { VITE_ORIGIN_URL: "http://127.0.0.1:9999" };
    expect(resolveRuntimeConfig(e2e, env)).toEqual(e2e);
  });

  it("takes each env var, else the demo's default", () => {
    expect(
      resolveRuntimeConfig(undefined, { VITE_STEERING_URL: "http://127.0.0.1:18081/" }),
    ).toEqual({
      ...DEFAULT_RUNTIME_CONFIG,
      steeringUrl: "http://127.0.0.1:18081",
    });
    expect(resolveRuntimeConfig(undefined, {})).toEqual(DEFAULT_RUNTIME_CONFIG);
  });

  it("fails on an injected config that is wrong instead of falling back", () => {
    expect(() => resolveRuntimeConfig({ originUrl: "x" }, {})).toThrow(
      `window.${RUNTIME_CONFIG_GLOBAL}`,
    );
  });

  it("names the env vars when one is wrong", () => {
    expect(() => resolveRuntimeConfig(undefined, { VITE_ADMIN_URL: "nope" })).toThrow(
      /VITE_ADMIN_URL.*adminUrl must be/,
    );
  });
});

describe("runtimeConfigScript", () => {
  it("sets the global that resolveRuntimeConfig reads", () => {
    const window: Record<string, unknown> = {};
    const script = runtimeConfigScript(e2e);
    runInNewContext(script.replace(/^<script>|<\/script>$/g, ""), { window });
    expect(resolveRuntimeConfig(window[RUNTIME_CONFIG_GLOBAL], {})).toEqual(e2e);
  });

  it("cannot be closed early by a value", () => {
    const hostile = { ...e2e, originUrl: "http://x/</script><script>alert(1)</script>" };
    const script = runtimeConfigScript(hostile);
    expect(script.match(/<\/script>/gi)).toHaveLength(1);
    const window: Record<string, unknown> = {};
    runInNewContext(script.replace(/^<script>|<\/script>$/g, ""), { window });
    expect(window[RUNTIME_CONFIG_GLOBAL]).toEqual(hostile);
  });
});
