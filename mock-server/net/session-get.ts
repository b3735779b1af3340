/**
 * One GET as a client session (its `X-Session-Id`) over a given agent, each read's bytes passed
 * to `onBytes` as they arrive: how the load test and the load benchmark download through a
 * shaped appliance. Resolves when the response closes, whole or cut (`complete` tells).
 */
import http from "node:http";

export function sessionGet(
  url: URL,
  session: string,
  agent: http.Agent,
  onBytes: (bytes: number) => void = () => {},
): Promise<{ status: number; complete: boolean }> {
  return new Promise((resolve, reject) => {
    http
      .get(
        {
          host: url.hostname,
          port: url.port,
          path: url.pathname,
          agent,
          headers: { "x-session-id": session },
        },
        (res) => {
          res.on("data", (chunk: Buffer) => onBytes(chunk.length));
          res.on("close", () => resolve({ status: res.statusCode ?? 0, complete: res.complete }));
        },
      )
      .on("error", reject);
  });
}
