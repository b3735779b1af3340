/**
 * `npm run bench:traces`: generated throughput traces written as Pensieve files. See args.ts.
 */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { formatPensieveTrace, meanBitsPerSecond } from "../../mock-server/shaping/trace.ts";
import { exitWithUsageError } from "../../scripts/cli.ts";
import { parseTracesArgs, TracesArgError, USAGE } from "./args.ts";
import { generateTraces } from "./generate.ts";

let options: ReturnType<typeof parseTracesArgs>;
try {
  // npm runs scripts from the package root; INIT_CWD is where the user typed the command.
  options = parseTracesArgs(process.argv.slice(2), process.env.INIT_CWD ?? process.cwd());
} catch (error) {
  if (!(error instanceof TracesArgError)) throw error;
  exitWithUsageError(
    { name: "bench:traces", command: "npm run bench:traces --", usage: USAGE },
    error.message,
  );
}
if (options.help) {
  console.log(USAGE);
} else {
  await mkdir(options.out, { recursive: true });
  const traces = generateTraces(options.kind, options.count, options.seed, options.durationSec);
  for (const { name, trace } of traces) {
    await writeFile(path.join(options.out, `${name}.log`), formatPensieveTrace(trace));
    const meanMbps = meanBitsPerSecond(trace) / 1e6;
    console.log(`${name}.log: ${trace.durationSec} s, mean ${meanMbps.toFixed(2)} Mbit/s`);
  }
  console.log(`bench:traces: ${traces.length} ${options.kind} traces in ${options.out}`);
}
