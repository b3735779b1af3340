/**
 * The demo's encoder as a child process (`encoder/cli.ts`), started once the app and the network
 * answer, so `npm start` is up in seconds while the demo catalog is made behind it. Its output
 * goes to this terminal (the progress bar); its progress for the app goes into the catalog
 * folder (encoder/status.ts), which the origin serves.
 *
 * - A crash of the encoder leaves the app and the network up; it is said on stderr, not
 *   restarted (a crash that is the encoder's own would come again). What was published stays:
 *   publishing is atomic (encoder/catalog/store.ts) and the next start goes on from there.
 * - `stop()` (Ctrl-C, SIGTERM) asks it to cancel (SIGTERM: it stops its ffmpegs and sweeps its
 *   staging folder), then kills its whole process group after a grace period.
 * - This process exiting its own way kills the group; this process killed outright closes the
 *   IPC channel, which the encoder takes as a cancel (cli.ts), so nothing is left running.
 */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..");
/** Cancelling takes well under a second (SIGTERM to ffmpeg, a folder removed); a loaded machine longer. */
const STOP_GRACE_MS = 10_000;

export interface BackgroundEncode {
  /** Resolves with the encoder's exit code (null: killed by a signal). */
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

export function startBackgroundEncode(
  args: readonly string[],
  log: (line: string) => void = (line) => console.error(line),
): BackgroundEncode {
  const child: ChildProcess = spawn(
    process.execPath,
    ["--import", "tsx", path.join(ROOT, "encoder/cli.ts"), ...args],
    {
      cwd: ROOT,
      // Its own process group: Ctrl-C reaches this process, which stops it in order.
      detached: true,
      stdio: ["ignore", "inherit", "inherit", "ipc"],
      env: { SVT_LOG: "1", ...process.env },
    },
  );
  let stopping = false;
  const killGroup = (signal: NodeJS.Signals) => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // The group is gone already.
    }
  };
  const killOnExit = () => killGroup("SIGKILL");
  process.once("exit", killOnExit);
  const exited = new Promise<number | null>((resolve) => {
    child.once("error", (error) => {
      log(`encode: could not start the encoder: ${error.message}`);
      resolve(null);
    });
    child.once("exit", (code, signal) => {
      process.off("exit", killOnExit);
      if (!stopping && code !== 0 && code !== 1) {
        // 2: it said why on the line above (no ffmpeg, a catalog locked by another encoder).
        const why = code === 2 ? "see above" : signal ? `killed by ${signal}` : `exit code ${code}`;
        log(`encode: the encoder stopped (${why}); the app serves the titles published before it`);
      }
      resolve(code);
    });
  });
  return {
    exited,
    async stop() {
      stopping = true;
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => killGroup("SIGKILL"), STOP_GRACE_MS);
      await exited;
      clearTimeout(timer);
      // Any ffmpeg that outlived it.
      killGroup("SIGKILL");
    },
  };
}
