/**
 * An HTTP listener that can be taken down and brought back on the same port: "down" means
 * connections are refused (the port is closed) and open ones are cut, as when a machine dies.
 * Also counts bytes written, for live throughput. Slow clients are dropped (./timeouts.ts).
 */
import http, { type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { httpServerOptions } from "./timeouts.ts";

export type Handler = (req: IncomingMessage, res: ServerResponse) => void;

export class Listener {
  private server: http.Server | null = null;
  private readonly sockets = new Set<Socket>();
  private closedSocketBytes = 0;
  private port: number;

  constructor(
    private readonly handler: Handler,
    readonly host: string,
    port: number,
  ) {
    this.port = port;
  }

  get isUp(): boolean {
    return this.server !== null;
  }

  get baseUrl(): string {
    return `http://${this.host}:${this.port}/`;
  }

  /** Listen; port 0 picks a free port the first time, and that port is kept for restarts. */
  async start(): Promise<void> {
    if (this.server) return;
    const server = http.createServer(
      { maxHeaderSize: 16 * 1024, ...httpServerOptions() },
      this.handler,
    );
    server.on("connection", (socket) => {
      this.sockets.add(socket);
      socket.on("close", () => {
        this.closedSocketBytes += socket.bytesWritten;
        this.sockets.delete(socket);
      });
    });
    // Malformed requests get a 4xx and a closed connection; the server itself never falls over.
    server.on("clientError", (error: NodeJS.ErrnoException, socket) => {
      const status =
        error.code === "HPE_HEADER_OVERFLOW"
          ? "431 Request Header Fields Too Large"
          : error.code === "ERR_HTTP_REQUEST_TIMEOUT"
            ? "408 Request Timeout"
            : "400 Bad Request";
      if (socket.writable) socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n\r\n`);
      else socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(this.port, this.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    const address = server.address();
    if (address && typeof address === "object") this.port = address.port;
    this.server = server;
  }

  /** Close the port and cut every open connection. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  /** Bytes written to clients so far, open and closed connections together. */
  bytesWritten(): number {
    let total = this.closedSocketBytes;
    for (const socket of this.sockets) total += socket.bytesWritten;
    return total;
  }
}
