/**
 * The heartbeat protocol between appliances and the steering service (mock-server/README.md,
 * "Heartbeats"): an appliance POSTs its status (`ApplianceStatus`, src/schemas/steering.ts) as
 * JSON to `/internal/heartbeat` about once a second, with `Authorization: Bearer <secret>`.
 * The network makes the secret when it starts (or is given one) and hands it to its
 * appliances; a request without it gets 401, with another one 403. Without a secret anyone could
 * report a forged appliance and have players steered to it first.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { ApplianceStatus } from "../../src/schemas/steering.ts";

export const HEARTBEAT_PATH = "/internal/heartbeat";

/** Shortest secret accepted from configuration: 128 bits of base64url. */
const MIN_SECRET_CHARS = 22;

/** A fresh secret: 256 random bits. */
export function makeHeartbeatSecret(): string {
  return randomBytes(32).toString("base64url");
}

/** A configured secret, or an error naming the fix. */
export function checkConfiguredSecret(secret: string): string {
  if (secret.length < MIN_SECRET_CHARS || /\s/.test(secret)) {
    throw new Error(
      `the heartbeat secret must be at least ${MIN_SECRET_CHARS} characters without spaces: make one with \`openssl rand -base64 32\``,
    );
  }
  return secret;
}

export type HeartbeatRefusal = { status: 401 | 403; error: string };

/** Whether an `Authorization` header carries the secret (compared in constant time). */
export function checkHeartbeatAuth(
  authorization: string | undefined,
  secret: string,
): HeartbeatRefusal | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? "");
  if (!match) {
    return {
      status: 401,
      error:
        "a heartbeat needs `Authorization: Bearer <secret>`: the network gives its secret to its appliances (mock-server/README.md, Heartbeats)",
    };
  }
  // Hashed first, so the comparison takes as long whatever the length sent.
  const digest = (s: string) => createHash("sha256").update(s).digest();
  if (!timingSafeEqual(digest(match[1]!), digest(secret))) {
    return { status: 403, error: "wrong heartbeat secret: use the one the network was given" };
  }
  return null;
}

/** One heartbeat from an appliance in another process; resolves to the steering service's answer. */
export function postHeartbeat(
  steeringBaseUrl: string,
  secret: string,
  status: ApplianceStatus,
  signal?: AbortSignal,
): Promise<Response> {
  return fetch(new URL(HEARTBEAT_PATH, steeringBaseUrl), {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${secret}` },
    body: JSON.stringify(status),
    ...(signal ? { signal } : {}),
  });
}
