/**
 * The pathway order a steering manifest sends, from the ranking and what the player reports
 * (`_HLS_pathway`/`_DASH_pathway`). A player already on a pathway that is still in rotation and
 * scores within `STICKY_MARGIN` of the best keeps it first: switching pathway costs a fresh
 * cache and connection, so a near-tie is not worth it. The origin is always last.
 */
import { ORIGIN_PATHWAY, type SteeringAnswer } from "../../src/schemas/steering.ts";
import { inRotation } from "./ranking.ts";

/** About the score gap of one region hop (proximity weight 0.25 x half closeness); smaller gaps are noise. */
export const STICKY_MARGIN = 0.1;

export function pathwayPriority(answer: SteeringAnswer, currentPathway: string | null): string[] {
  const ranked = inRotation(answer);
  const best = ranked[0];
  const current = ranked.find((a) => a.id === currentPathway);
  const ordered =
    best && current && current !== best && best.score - current.score <= STICKY_MARGIN
      ? [current, ...ranked.filter((a) => a !== current)]
      : ranked;
  return [...ordered.map((a) => a.id), ORIGIN_PATHWAY];
}
