/**
 * Running ffmpeg and ffprobe: argument arrays (never a shell), cancellation through an
 * AbortSignal, progress from `-progress`, and errors that carry ffmpeg's own last words.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { CancelledError, ToolError } from "../errors.ts";

export const FFMPEG = process.env.FFMPEG_PATH || "ffmpeg";
export const FFPROBE = process.env.FFPROBE_PATH || "ffprobe";

export const INSTALL_HINT =
  "install it (Debian/Ubuntu: `sudo apt-get install ffmpeg`) or point FFMPEG_PATH and FFPROBE_PATH at it";

/**
 * SVT-AV1 gives its threads SCHED_FIFO priority 99 when it runs as root (it checks the euid): an
 * encode then starves everything else on the machine, the demo's own player included (media
 * time at 0.54x real time beside a background encode). Run without CAP_SYS_NICE, it keeps
 * ordinary threads and the output is the same; `setpriv` (util-linux) drops it.
 */
const SETPRIV = "/usr/bin/setpriv";
const WITHOUT_REALTIME: readonly string[] =
  process.geteuid?.() === 0 && existsSync(SETPRIV) ? ["--bounding-set", "-sys_nice"] : [];
/** setpriv's exit code when it cannot execute the tool (as a shell's "command not found"). */
const NOT_EXECUTED = 127;

/** How long a cancelled ffmpeg may take to stop before it is killed. */
const KILL_GRACE_MS = 2_000;

export class ProcessError extends Error {
  override name = "ProcessError";
  constructor(
    readonly tool: string,
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`${tool} failed (exit ${exitCode}): ${lastMeaningfulLine(stderr)}`);
  }
}

/** ffmpeg's last line is often a summary; the cause is the last line that reads like an error. */
export function lastMeaningfulLine(stderr: string): string {
  const lines = stderr
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  const errorish = lines.filter((l) =>
    /error|invalid|no such|not|unsupported|failed|unknown/i.test(l),
  );
  return (errorish[errorish.length - 1] ?? lines[lines.length - 1] ?? "no output").slice(0, 300);
}

export interface RunOptions {
  signal?: AbortSignal;
  /** Run without real-time scheduling privileges (see WITHOUT_REALTIME). */
  noRealtime?: boolean;
  /** Called with the seconds of output written so far (from `-progress pipe:1`). */
  onProgress?: (outTimeSec: number) => void;
}

export interface RunResult {
  stdout: string;
  stderr: string;
}

export function run(
  tool: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<RunResult> {
  const { signal, onProgress } = options;
  if (signal?.aborted) return Promise.reject(new CancelledError());
  const fullArgs = onProgress ? ["-progress", "pipe:1", "-nostats", ...args] : [...args];
  return new Promise((resolve, reject) => {
    const wrapped = options.noRealtime === true && WITHOUT_REALTIME.length > 0;
    const child = spawn(
      wrapped ? SETPRIV : tool,
      wrapped ? [...WITHOUT_REALTIME, tool, ...fullArgs] : fullArgs,
      // Wrapped, SVT-AV1 says on stderr, per thread, that it could not raise its priority:
      // errors only.
      {
        stdio: ["ignore", "pipe", "pipe"],
        env: wrapped ? { SVT_LOG: "1", ...process.env } : process.env,
      },
    );
    const stdout: Buffer[] = [];
    let stderr = "";
    let pending = "";
    // SIGTERM lets ffmpeg stop cleanly; an encoder that hangs while flushing (seen with
    // libsvtav1) gets SIGKILL after a grace period, so a cancelled run never leaves an orphan.
    let killTimer: NodeJS.Timeout | undefined;
    const onAbort = () => {
      child.kill("SIGTERM");
      killTimer = setTimeout(() => child.kill("SIGKILL"), KILL_GRACE_MS);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    child.stdout.on("data", (chunk: Buffer) => {
      if (!onProgress) {
        stdout.push(chunk);
        return;
      }
      pending += chunk.toString();
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) {
        const match = /^out_time_us=(\d+)/.exec(line);
        if (match) onProgress(Number(match[1]) / 1e6);
      }
    });
    child.stderr.on("data", (chunk: Buffer) => {
      // Keep the tail only: a long encode prints megabytes of warnings.
      stderr = (stderr + chunk.toString()).slice(-64 * 1024);
    });
    child.on("error", (error: NodeJS.ErrnoException) => {
      signal?.removeEventListener("abort", onAbort);
      if (error.code === "ENOENT") reject(new ToolError(`${tool} not found: ${INSTALL_HINT}`));
      else reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(killTimer);
      signal?.removeEventListener("abort", onAbort);
      if (signal?.aborted) reject(new CancelledError());
      else if (code === 0) resolve({ stdout: Buffer.concat(stdout).toString(), stderr });
      else if (wrapped && code === NOT_EXECUTED)
        reject(new ToolError(`${tool} not found: ${INSTALL_HINT}`));
      else reject(new ProcessError(tool, code, stderr));
    });
  });
}

/** ffmpeg with the flags every call wants: quiet banner, errors only, overwrite outputs. */
export function ffmpeg(args: readonly string[], options?: RunOptions): Promise<RunResult> {
  return run(FFMPEG, ["-hide_banner", "-nostdin", "-loglevel", "error", "-y", ...args], {
    ...options,
    noRealtime: true,
  });
}

export function ffprobe(args: readonly string[], options?: RunOptions): Promise<RunResult> {
  return run(FFPROBE, ["-hide_banner", "-loglevel", "error", ...args], options);
}
