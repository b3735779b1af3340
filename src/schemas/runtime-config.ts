/**
 * Where the app finds the servers, decided at run time rather than baked into the build: one
 * build runs against the demo's ports, the e2e suite's (+10000) and a benchmark's (any offset).
 * The app server (app-server/) writes it into index.html as it serves it, as one inline script
 * (no extra request before the app starts); the app (src/lib/api.ts) reads it first, then the
 * Vite dev server's env vars, then the demo's defaults. Both sides use this one schema.
 */
import { z } from "zod";

/** An absolute http(s) URL; a trailing "/" is dropped, since the app appends "/path". */
const ServerUrl = z
  .string()
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === "http:" || url.protocol === "https:";
    } catch {
      return false;
    }
  }, "must be an absolute http(s) URL")
  .transform((value) => value.replace(/\/+$/, ""));

export const RuntimeConfig = z
  .object({ originUrl: ServerUrl, steeringUrl: ServerUrl, adminUrl: ServerUrl })
  .strict();
export type RuntimeConfig = z.output<typeof RuntimeConfig>;

/** The global the inline script sets (`window.__STREAMLAB_CONFIG__`). */
export const RUNTIME_CONFIG_GLOBAL = "__STREAMLAB_CONFIG__";

/** The demo's ports (mock-server/main.ts's DEMO_PORTS): a bare `vite` with no env vars. */
export const DEFAULT_RUNTIME_CONFIG: RuntimeConfig = {
  originUrl: "http://127.0.0.1:8080",
  steeringUrl: "http://127.0.0.1:8081",
  adminUrl: "http://127.0.0.1:8082",
};

/** Validates a config; `source` names where it came from, for the error. */
export function parseRuntimeConfig(value: unknown, source: string): RuntimeConfig {
  const result = RuntimeConfig.safeParse(value);
  if (!result.success) {
    const problems = result.error.issues.map(
      (issue) => `${issue.path.join(".") || "(root)"} ${issue.message}`,
    );
    throw new Error(`invalid server addresses from ${source}: ${problems.join("; ")}`);
  }
  return result.data;
}

/** The Vite env vars the dev server passes (`scripts/demo.ts --dev` sets them). */
export interface ServerUrlEnv {
  VITE_ORIGIN_URL?: string | undefined;
  VITE_STEERING_URL?: string | undefined;
  VITE_ADMIN_URL?: string | undefined;
}

/**
 * The page's injected config when it has one (the built app behind the app server), else each
 * URL from its Vite env var (the dev server), else the demo's default. A config that is there
 * but wrong is an error, not a fallback: silently using other ports would fail later and
 * further from the cause.
 */
export function resolveRuntimeConfig(injected: unknown, env: ServerUrlEnv): RuntimeConfig {
  if (injected !== undefined) {
    return parseRuntimeConfig(injected, `window.${RUNTIME_CONFIG_GLOBAL} (set by the app server)`);
  }
  return parseRuntimeConfig(
    {
      originUrl: env.VITE_ORIGIN_URL ?? DEFAULT_RUNTIME_CONFIG.originUrl,
      steeringUrl: env.VITE_STEERING_URL ?? DEFAULT_RUNTIME_CONFIG.steeringUrl,
      adminUrl: env.VITE_ADMIN_URL ?? DEFAULT_RUNTIME_CONFIG.adminUrl,
    },
    "VITE_ORIGIN_URL, VITE_STEERING_URL and VITE_ADMIN_URL",
  );
}

/**
 * The inline script that sets the global, for the head of index.html. JSON is valid JavaScript;
 * "<" is escaped so that no value can close the script element early.
 */
export function runtimeConfigScript(config: RuntimeConfig): string {
  const json = JSON.stringify(RuntimeConfig.parse(config)).replace(/</g, "\\u003c");
  return `<script>window.${RUNTIME_CONFIG_GLOBAL}=${json};</script>`;
}
