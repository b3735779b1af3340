/**
 * The offline optimum: dynamic programming over the whole trace, known in advance, for the
 * same session model (session.ts). It returns an upper bound on the QoE any algorithm can reach
 * on that session, and the plan that reaches (nearly) it.
 *
 * Why it is a bound. After k segments the future depends only on the previous rendition, the
 * time the last segment arrived (c) and when the buffered media runs out (E). Every later
 * arrival and stall is non-decreasing in c and E (a request sent later never finishes
 * earlier), so an earlier (c, E) is never worse. Waiting and abandoning only make c later,
 * so fetching at once is optimal: the DP only chooses renditions. Stall time so far S (startup
 * included) fixes E = media so far + S, and buffer B = E - c fixes c.
 *
 * State = segment index x buffer level B x previous rendition, where a state also carries its
 * exact stall so far S and arrival time c (the trace varies over time, so two histories with
 * the same buffer but different stall times are at different wall-clock times).
 * Discretisation: states of the same segment and previous rendition whose B falls in the same
 * `bufferStepSec` step and S in the same `stallStepSec` step are merged into one that keeps the
 * members' smallest S, earliest c and largest reward, each on its own. That merged state is at
 * least as good as every member (earlier c and E, more reward), so the result stays an upper
 * bound; coarser steps make it looser and faster. The plan (the best-reward member's history)
 * replayed exactly gives a QoE at or below the bound; the gap is the discretisation error,
 * reported alongside.
 *
 * Pruning, which keeps the result a bound (a pruned state's histories cannot reach the floor,
 * so cannot be optimal; merges then differ, so the bound can come out tighter): a state with no less stall, no earlier arrival and
 * no more reward than another of the same rendition is dropped; so is a state that, even with
 * the best rendition and no stall for every remaining segment, cannot reach `lowerBound` (a QoE
 * some algorithm achieved on this session).
 */
import type { SimLadder } from "./ladder.ts";
import type { Link } from "./link.ts";
import { REBUFFER_PENALTY } from "./metrics.ts";
import type { SessionConfig } from "./session.ts";

export interface Grid {
  bufferStepSec: number;
  stallStepSec: number;
}

export const DEFAULT_GRID: Grid = { bufferStepSec: 0.1, stallStepSec: 0.05 };

export interface Optimum {
  /** Upper bound on QoE for this session. */
  bound: number;
  /** One rendition index per segment. */
  plan: number[];
  /** States expanded, for the report. */
  states: number;
}

interface Node {
  /** Stall so far (startup included) and arrival time of the last segment, seconds. */
  stall: number;
  arrived: number;
  r: number;
  reward: number;
  parent: Node | null;
}

export function offlineOptimum(
  ladder: SimLadder,
  link: Link,
  session: SessionConfig,
  u: readonly number[],
  grid: Grid = DEFAULT_GRID,
  lowerBound = Number.NEGATIVE_INFINITY,
): Optimum {
  const n = ladder.durationsSec.length;
  const count = ladder.renditions.length;
  const cap = session.bufferCapSec;
  const { bufferStepSec: db, stallStepSec: ds } = grid;
  const uMax = Math.max(...u);
  const bins = Math.ceil(cap / db) + 2;

  // Media seconds before segment k, and the best reward still possible after segment k.
  const mediaBefore = [0];
  for (const d of ladder.durationsSec) mediaBefore.push(mediaBefore.at(-1)! + d);
  const canStillGain = (k: number) => (n - 1 - k) * uMax;

  /**
   * Merge a state into its cell (same rendition, same buffer step, same stall step): the cell
   * keeps the smallest stall, the earliest arrival and the largest reward of its members, each
   * on its own - optimistic, so still a bound; the plan follows the best-reward member.
   */
  const merge = (cells: Map<number, Node>, k: number, node: Node) => {
    const playEnd = mediaBefore[k + 1]! + node.stall;
    const key =
      node.r +
      count * (Math.floor((playEnd - node.arrived) / db) + bins * Math.floor(node.stall / ds));
    const cell = cells.get(key);
    if (!cell) {
      cells.set(key, node);
      return;
    }
    if (node.reward > cell.reward) {
      cell.reward = node.reward;
      cell.parent = node.parent;
    }
    cell.stall = Math.min(cell.stall, node.stall);
    cell.arrived = Math.min(cell.arrived, node.arrived);
  };

  let cells = new Map<number, Node>();
  let states = 0;
  for (let r = 0; r < count; r++) {
    const done = link.finishAt(0, ladder.sizesBytes[r]![0]!);
    merge(cells, 0, { stall: done, arrived: done, r, reward: u[r]!, parent: null });
  }
  let layer = prune([...cells.values()], 0);

  for (let k = 1; k < n; k++) {
    const L = ladder.durationsSec[k]!;
    cells = new Map<number, Node>();
    for (const node of layer) {
      states++;
      const playEnd = mediaBefore[k]! + node.stall;
      const sent = Math.max(node.arrived, playEnd - (cap - L));
      for (let r = 0; r < count; r++) {
        const done = link.finishAt(sent, ladder.sizesBytes[r]![k]!);
        const stall = done > playEnd ? node.stall + (done - playEnd) : node.stall;
        const reward = node.reward + u[r]! - Math.abs(u[r]! - u[node.r]!);
        merge(cells, k, { stall, arrived: done, r, reward, parent: node });
      }
    }
    layer = prune([...cells.values()], k);
  }

  let bestNode: Node | null = null;
  let bound = Number.NEGATIVE_INFINITY;
  for (const node of layer) {
    const value = node.reward - REBUFFER_PENALTY * node.stall;
    if (value > bound) {
      bound = value;
      bestNode = node;
    }
  }
  const plan: number[] = [];
  for (let node = bestNode; node; node = node.parent) plan.push(node.r);
  plan.reverse();
  return { bound, plan, states };

  /** Drop dominated states (no less stall, no earlier arrival, no more reward than another
   * with the same rendition) and states that cannot reach the lower bound. */
  function prune(nodes: Node[], k: number): Node[] {
    const groups = new Map<number, Node[]>();
    for (const node of nodes) {
      const optimistic = node.reward + canStillGain(k) - REBUFFER_PENALTY * node.stall;
      if (optimistic < lowerBound - 1e-9) continue;
      const group = groups.get(node.r);
      if (group) group.push(node);
      else groups.set(node.r, [node]);
    }
    const kept: Node[] = [];
    for (const group of groups.values()) {
      group.sort((a, b) => a.stall - b.stall || a.arrived - b.arrived || b.reward - a.reward);
      const front: Node[] = [];
      for (const node of group) {
        const dominated = front.some(
          (f) => f.stall <= node.stall && f.arrived <= node.arrived && f.reward >= node.reward,
        );
        if (!dominated) front.push(node);
      }
      kept.push(...front);
    }
    return kept;
  }
}
