/// <reference types="vite/client" />

/** The servers' addresses the dev server passes (src/schemas/runtime-config.ts). */
interface ImportMetaEnv {
  readonly VITE_ORIGIN_URL?: string;
  readonly VITE_STEERING_URL?: string;
  readonly VITE_ADMIN_URL?: string;
}
