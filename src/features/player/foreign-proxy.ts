/**
 * A stream from outside the catalog played through the network: the steering service allows
 * its host and answers the manifest's proxied path (the same on every appliance and on the
 * origin) with the appliances ranked, so requests are routed and fail over as a title's are.
 */
import {
  FOREIGN_STREAM_PATH,
  type ForeignStreamAnswer,
  parseForeignStreamAnswer,
} from "../../schemas/steering.ts";
import type { PlaybackSource } from "./engines/engine.ts";

export type Registration =
  | { ok: true; answer: ForeignStreamAnswer }
  /** `unreachable`: no usable answer from the steering service (the player may go direct). */
  | { ok: false; unreachable: boolean; message: string; aborted?: boolean };

/** Asks the steering service to take the stream at `url` through the network. */
export async function registerForeignStream(
  steeringUrl: string,
  url: string,
  signal: AbortSignal,
): Promise<Registration> {
  let response: Response;
  try {
    response = await fetch(`${steeringUrl}${FOREIGN_STREAM_PATH}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ url }),
      signal,
    });
  } catch {
    if (signal.aborted) return { ok: false, unreachable: true, message: "aborted", aborted: true };
    return { ok: false, unreachable: true, message: "the steering service is unreachable" };
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    return {
      ok: false,
      unreachable: true,
      message: `the steering service answered HTTP ${response.status}, not JSON`,
    };
  }
  if (response.status >= 400 && response.status < 500) {
    const error = (body as { error?: unknown }).error;
    return {
      ok: false,
      unreachable: false,
      message: `The network will not take ${url}: ${typeof error === "string" ? error : `HTTP ${response.status}`}.`,
    };
  }
  try {
    return { ok: true, answer: parseForeignStreamAnswer(body) };
  } catch (error) {
    return { ok: false, unreachable: true, message: (error as Error).message };
  }
}

/**
 * The source the engines play: the manifest from the origin's proxy route, and every request
 * under `/proxy/` routed to the chosen appliance, as a title's requests under its folder are.
 */
export function proxiedSource(answer: ForeignStreamAnswer, originUrl: string): PlaybackSource {
  const origin = originUrl.replace(/\/+$/, "");
  return {
    manifestUrl: `${origin}${answer.proxyPath}`,
    renditions: null,
    originTitleBase: `${origin}/proxy/`,
    titlePath: "proxy/",
  };
}
