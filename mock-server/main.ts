/** Starts the origin on loopback: `tsx mock-server/main.ts [--port N] [--catalog DIR]`. */
import path from "node:path";
import { parseArgs } from "node:util";
import { buildOrigin } from "./origin.ts";

export async function startOrigin(catalogDir: string, port: number, host = "127.0.0.1") {
  const app = await buildOrigin({ catalogDir });
  const address = await app.listen({ port, host });
  return { app, address };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { port: { type: "string" }, catalog: { type: "string" } },
  });
  const port = Number(values.port ?? process.env.ORIGIN_PORT ?? 8080);
  const catalogDir = path.resolve(values.catalog ?? process.env.CATALOG_DIR ?? "catalog");
  const { app, address } = await startOrigin(catalogDir, port);
  console.log(`origin: ${address} serving ${catalogDir}`);
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.once(signal, () => void app.close().then(() => process.exit(0)));
}
