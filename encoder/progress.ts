/**
 * Progress on the terminal: a live bar for the title being encoded (which step, how far) on a
 * TTY, plain lines per step elsewhere (CI logs, pipes), where a redrawn bar would be noise.
 */
import cliProgress from "cli-progress";
import { STEPS } from "./pipeline.ts";

export interface Progress {
  /** A step of a title moved on: `stepIndex` of STEPS, `fraction` of that step done. */
  update(title: string, step: string, stepIndex: number, fraction: number): void;
  /** A line that stays in the log (a title finished, a note). */
  line(text: string): void;
  /** A title's error: a line on the error stream, so that a script or a log can tell it apart. */
  error(text: string): void;
  stop(): void;
}

export function createProgress(
  stream: NodeJS.WriteStream = process.stdout,
  errors: NodeJS.WritableStream = process.stderr,
): Progress {
  if (!stream.isTTY) {
    let last = "";
    return {
      update(title, step) {
        const key = `${title} ${step}`;
        if (key !== last) stream.write(`${title}: ${step}\n`);
        last = key;
      },
      line: (text) => stream.write(`${text}\n`),
      error: (text) => errors.write(`${text}\n`),
      stop: () => undefined,
    };
  }
  const bar = new cliProgress.SingleBar(
    {
      format: "{title} [{bar}] {percentage}% | {step}",
      barsize: 30,
      hideCursor: true,
      clearOnComplete: true,
      stream,
    },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  const stopBar = () => {
    if (started) bar.stop();
    started = false;
  };
  return {
    update(title, step, stepIndex, fraction) {
      const value = Math.round(((stepIndex + Math.min(1, fraction)) / STEPS.length) * 100);
      if (!started) bar.start(100, value, { title, step });
      started = true;
      bar.update(value, { title, step });
    },
    line(text) {
      stopBar();
      stream.write(`${text}\n`);
    },
    error(text) {
      // The bar and the error may share a terminal: the bar goes first, so as not to be torn.
      stopBar();
      errors.write(`${text}\n`);
    },
    stop: stopBar,
  };
}
