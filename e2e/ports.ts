/**
 * Where the e2e servers listen: `scripts/demo.ts --e2e` puts every server 10000 above the
 * demo's ports; `E2E_PORT_OFFSET` moves the suite to servers started at another offset
 * (`scripts/demo.ts --e2e --port-offset N`), when another run holds the usual ones.
 */
import { DEMO_PORTS } from "../mock-server/main.ts";

export const E2E_PORT_OFFSET = Number(process.env.E2E_PORT_OFFSET ?? 10_000);
if (!Number.isInteger(E2E_PORT_OFFSET) || E2E_PORT_OFFSET < 0) {
  throw new Error(
    `E2E_PORT_OFFSET must be a whole number of ports, not "${process.env.E2E_PORT_OFFSET}"`,
  );
}

/** scripts/demo.ts's app and "someone else's host" ports, before the offset. */
const APP_PORT = 5173;
const FOREIGN_PORT = 8090;

const at = (port: number) => `http://127.0.0.1:${port + E2E_PORT_OFFSET}/`;
export const E2E_URLS = {
  app: at(APP_PORT),
  steering: at(DEMO_PORTS.steering),
  admin: at(DEMO_PORTS.admin),
  foreign: at(FOREIGN_PORT),
};
