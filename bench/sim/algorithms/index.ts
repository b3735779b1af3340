/** The algorithms compared, in table order. Each session gets fresh instances. */
import type { AbrTunables } from "../../../src/schemas/abr-tunables.ts";
import type { SimLadder } from "../ladder.ts";
import type { Algorithm } from "../session.ts";
import { BbaAlgorithm } from "./bba.ts";
import { BolaAlgorithm } from "./bola.ts";
import { MpcAlgorithm } from "./mpc.ts";
import { OursAlgorithm } from "./ours.ts";
import { ThroughputAlgorithm } from "./throughput.ts";

/** `tunables` are ours alone: the other algorithms have their papers' settings. */
export const ALGORITHMS: Record<string, (ladder: SimLadder, tunables?: AbrTunables) => Algorithm> =
  {
    ours: (l, tunables) => new OursAlgorithm(l, tunables),
    bba: (l) => new BbaAlgorithm(l),
    bola: (l) => new BolaAlgorithm(l),
    robustmpc: (l) => new MpcAlgorithm(l),
    throughput: (l) => new ThroughputAlgorithm(l),
  };

export const ALGORITHM_NAMES = Object.keys(ALGORITHMS);
