/** Plays a given rendition sequence: used to replay the offline optimum's plan in the session model. */
import type { Algorithm, Choice, PlayerView } from "../session.ts";

export class FixedAlgorithm implements Algorithm {
  constructor(
    readonly name: string,
    private readonly plan: readonly number[],
  ) {}

  choose(view: PlayerView): Choice {
    return { rendition: this.plan[view.segment] ?? 0 };
  }

  downloaded(): void {}
}
