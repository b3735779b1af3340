/** Worker thread: simulates its share of a trace set and posts the results back. */
import { parentPort, workerData } from "node:worker_threads";
import { simulateTrace, type WorkerInput } from "./run.ts";

const input = workerData as WorkerInput;
parentPort?.postMessage(input.traces.map((t) => simulateTrace(input.ladder, t, input.config)));
