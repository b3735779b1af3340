/**
 * The app's client for the admin API (the network lab's levers, a link's session shaping): one method per action, bodies typed by the
 * shared schemas (`src/schemas/admin.ts`) so the lab sends exactly what the server validates,
 * answers validated on the way in, and failures turned into sentences a person can act on; an
 * admin API that does not answer at all is a `NetworkDownError`.
 */
import { z } from "zod";
import {
  AdminError,
  type FaultRequest,
  type FillRequest,
  NetworkState,
  ProfileInfo,
  type ShapingRequest,
} from "../schemas/admin.ts";
import { NetworkDownError } from "./api.ts";

export interface AdminClient {
  readonly baseUrl: string;
  state(signal?: AbortSignal): Promise<NetworkState>;
  profiles(): Promise<ProfileInfo[]>;
  shape(applianceId: string, request: ShapingRequest): Promise<void>;
  /** Back to unlimited: the whole appliance, or (with `session`) that session's own shaping. */
  unshape(applianceId: string, session?: string): Promise<void>;
  setUp(applianceId: string, up: boolean): Promise<void>;
  fill(applianceId: string, request: FillRequest): Promise<void>;
  addFault(request: Partial<FaultRequest> & Pick<FaultRequest, "type">): Promise<void>;
  removeFault(id: string): Promise<void>;
  clearFaults(): Promise<void>;
  setSteeringUp(up: boolean): Promise<void>;
  reset(): Promise<void>;
}

export function createAdminClient(baseUrl: string, fetcher: typeof fetch = fetch): AdminClient {
  const root = baseUrl.replace(/\/+$/, "");

  async function call(method: string, path: string, body?: unknown, signal?: AbortSignal) {
    let response: Response;
    try {
      response = await fetcher(`${root}${path}`, {
        method,
        // Every change is JSON, {} when there is nothing to say: the admin API refuses
        // anything else (415), so no form on another site can change the network.
        ...(method === "GET"
          ? {}
          : {
              body: JSON.stringify(body ?? {}),
              headers: { "content-type": "application/json" },
            }),
        ...(signal ? { signal } : {}),
      });
    } catch (error) {
      if ((error as Error).name === "AbortError") throw error;
      throw new NetworkDownError("The admin API", root);
    }
    const json: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const parsed = AdminError.safeParse(json);
      const detail = parsed.success
        ? `${parsed.data.error}${parsed.data.field ? ` (field: ${parsed.data.field})` : ""}`
        : response.statusText;
      throw new Error(`${method} ${path} was refused (${response.status}): ${detail}`);
    }
    return json;
  }

  const appliance = (id: string) => `/admin/appliances/${encodeURIComponent(id)}`;

  return {
    baseUrl: root,
    async state(signal) {
      const parsed = NetworkState.safeParse(await call("GET", "/admin/state", undefined, signal));
      if (!parsed.success) {
        throw new Error(
          `The admin API at ${root} answered a state this app does not understand: ${parsed.error.issues[0]?.message}. Are the app and the servers from the same version?`,
        );
      }
      return parsed.data;
    },
    async profiles() {
      return z.array(ProfileInfo).parse(await call("GET", "/admin/profiles"));
    },
    async shape(id, request) {
      await call("PUT", `${appliance(id)}/shaping`, request);
    },
    async unshape(id, session) {
      await call("DELETE", `${appliance(id)}/shaping`, session ? { session } : undefined);
    },
    async setUp(id, up) {
      await call("POST", `${appliance(id)}/${up ? "up" : "down"}`);
    },
    async fill(id, request) {
      await call("POST", `${appliance(id)}/fill`, request);
    },
    async addFault(request) {
      await call("POST", "/admin/faults", request);
    },
    async removeFault(id) {
      await call("DELETE", `/admin/faults/${encodeURIComponent(id)}`);
    },
    async clearFaults() {
      await call("DELETE", "/admin/faults");
    },
    async setSteeringUp(up) {
      await call("POST", `/admin/steering/${up ? "up" : "down"}`);
    },
    async reset() {
      await call("POST", "/admin/reset");
    },
  };
}
