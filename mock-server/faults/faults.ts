/**
 * Fault injection: rules set through the admin API, matched against each request an appliance
 * serves. Matching and the dice are pure (a random source is injected, so tests are exact);
 * acting on a match is the appliance's job.
 */
import type { Fault, FaultRequest } from "../../src/schemas/admin.ts";
import { countsKind, inWindow, scheduledFor } from "./schedule.ts";

/** What a request is, in the terms fault rules speak: `titles/<id>--<hash>/video/<rendition>/<file>`. */
export interface RequestTarget {
  appliance: string;
  title: string | null;
  rendition: string | null;
  file: string;
}

/**
 * Split a catalog path into title, rendition and file, for matching. A foreign stream's file
 * (`proxy/<scheme>/<host>/<path>`) has its host for a title, so a rule can single it out.
 */
export function targetOf(appliance: string, catalogPath: string): RequestTarget {
  const parts = catalogPath.split("/");
  if (parts[0] === "proxy") {
    return { appliance, title: parts[2] ?? null, rendition: null, file: parts.at(-1) ?? "" };
  }
  const titleFolder = parts[0] === "titles" ? parts[1] : undefined;
  const title = titleFolder ? titleFolder.replace(/--[0-9a-f]+$/, "") : null;
  const kind = parts[2];
  // video/<id>/file and audio/<lang>/file name a rendition; top-level title files do not.
  const rendition = (kind === "video" || kind === "audio") && parts.length >= 5 ? parts[3]! : null;
  return { appliance, title, rendition, file: parts[parts.length - 1] ?? "" };
}

export class FaultBook {
  private rules: Fault[] = [];
  /** When each rule was set (ms, the injected clock): its window counts from there. */
  private readonly setAtMs = new Map<string, number>();
  private nextId = 1;

  constructor(
    private readonly random: () => number = Math.random,
    private readonly now: () => number = () => performance.now(),
  ) {}

  add(request: FaultRequest): Fault {
    const fault: Fault = { ...request, id: `fault-${this.nextId++}`, injected: 0, counted: 0 };
    this.rules.push(fault);
    this.setAtMs.set(fault.id, this.now());
    return { ...fault };
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    this.setAtMs.delete(id);
    return this.rules.length !== before;
  }

  clear(): void {
    this.rules = [];
    this.setAtMs.clear();
  }

  list(): Fault[] {
    return this.rules.map((r) => ({ ...r }));
  }

  /** Is the appliance held down by a rule? ("down" has no dice: it is a state.) */
  isDown(appliance: string): boolean {
    return this.rules.some(
      (r) => r.type === "down" && (r.appliance === "*" || r.appliance === appliance),
    );
  }

  /**
   * The first rule that matches the request, is due by its schedule and wins its dice roll,
   * counted as injected; null when the request goes through untouched. Every rule that
   * matches and is inside its window counts the request, due or not.
   */
  draw(target: RequestTarget): Fault | null {
    const nowMs = this.now();
    let drawn: Fault | null = null;
    for (const rule of this.rules) {
      if (rule.type === "down" || !matches(rule, target)) continue;
      if (!countsKind(rule.requests, target.file)) continue;
      const elapsedSec = (nowMs - (this.setAtMs.get(rule.id) ?? nowMs)) / 1000;
      if (!inWindow(rule, elapsedSec)) continue;
      rule.counted++;
      if (drawn || !scheduledFor(rule, rule.counted)) continue;
      if (this.random() >= rule.probability) continue;
      rule.injected++;
      drawn = { ...rule };
    }
    return drawn;
  }

  injectedBy(appliance: string): number {
    return this.rules
      .filter((r) => r.appliance === "*" || r.appliance === appliance)
      .reduce((n, r) => n + r.injected, 0);
  }
}

export function matches(rule: FaultRequest, target: RequestTarget): boolean {
  if (rule.appliance !== "*" && rule.appliance !== target.appliance) return false;
  if (rule.title !== undefined && rule.title !== target.title) return false;
  if (rule.rendition !== undefined && rule.rendition !== target.rendition) return false;
  if (rule.segment !== undefined && rule.segment !== target.file) return false;
  return true;
}

/** Flip a few bytes spread over the body: enough to break a decoder, deterministic for a given body. */
export function corrupt(body: Buffer): Buffer {
  const out = Buffer.from(body);
  const step = Math.max(1, Math.floor(out.length / 16));
  for (let i = Math.floor(step / 2); i < out.length; i += step) out[i] = out[i]! ^ 0xff;
  return out;
}
