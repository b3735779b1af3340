/**
 * Errors the encoder reports to a person: one line that names the file (or tool) and the
 * cause, and says what to do. Anything else escaping the pipeline is a bug and is shown with
 * its stack.
 */
export class EncoderError extends Error {
  override name = "EncoderError";
}

/** A source file that cannot become a title; the rest of the catalog goes on. */
export class InputError extends EncoderError {
  override name = "InputError";
  constructor(
    readonly file: string,
    readonly cause_: string,
  ) {
    super(`${file}: ${cause_}`);
  }
}

/** A tool the encoder needs is missing or unusable: nothing can be encoded. */
export class ToolError extends EncoderError {
  override name = "ToolError";
}

/** The user pressed Ctrl-C (or a signal arrived): stop, clean up, publish nothing half-made. */
export class CancelledError extends EncoderError {
  override name = "CancelledError";
  constructor() {
    super("cancelled");
  }
}
