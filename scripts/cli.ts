/**
 * What every command line of the project does alike: `--help` (or `-h`) prints the usage on
 * stdout and exits 0; a usage error (an unknown option, a missing value, a bad one) is one line
 * on stderr naming the cause and pointing to `--help`, exit 2, no stack trace. The options are
 * read by Node's own `util.parseArgs`, strict.
 */
import { type ParseArgsConfig, parseArgs } from "node:util";

/** parseArgs's `options` (its type is not exported by name). */
type ParseArgsOptionsConfig = NonNullable<ParseArgsConfig["options"]>;

export interface CommandLine {
  /** The prefix of its messages, e.g. `bench:network`. */
  name: string;
  /** How a user runs it, for the pointer to its help, e.g. `npm run bench:network --`. */
  command: string;
  /** The whole help text: first line `Usage: …`. */
  usage: string;
}

/** Exit code of a usage error (as BSD's sysexits and most CLIs: 2). */
export const USAGE_EXIT = 2;

const HELP = { help: { type: "boolean", short: "h" } } as const;

/** Node's parseArgs message as one line: its advice on positionals is for another case. */
export function argErrorLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split(". To specify a positional argument")[0] ?? message).replace(/\s+/g, " ");
}

/** The one line a usage error prints: the cause, then where the usage is. */
export function usageErrorLine(cli: CommandLine, message: string): string {
  return `${cli.name}: ${message} (see ${cli.command} --help)`;
}

/** Says a usage error on stderr and exits 2. */
export function exitWithUsageError(cli: CommandLine, message: string): never {
  process.stderr.write(`${usageErrorLine(cli, message)}\n`);
  process.exit(USAGE_EXIT);
}

/**
 * The options of `argv` (default: this process's), with `--help` handled: the usage printed
 * and the process ended. Anything parseArgs refuses ends it with a usage error.
 */
export function parseCommandLine<T extends ParseArgsOptionsConfig>(
  cli: CommandLine,
  options: T,
  { allowPositionals = false, argv = process.argv.slice(2) } = {},
) {
  let parsed: ReturnType<typeof parse<T>>;
  try {
    parsed = parse(options, allowPositionals, argv);
  } catch (error) {
    exitWithUsageError(cli, argErrorLine(error));
  }
  if ((parsed.values as { help?: boolean }).help) {
    process.stdout.write(`${cli.usage}\n`);
    process.exit(0);
  }
  return parsed;
}

function parse<T extends ParseArgsOptionsConfig>(
  options: T,
  allowPositionals: boolean,
  args: string[],
) {
  return parseArgs({ args, options: { ...options, ...HELP }, allowPositionals, strict: true });
}
