/**
 * One run, as a viewer meets the player: the admin state reset but the caches kept (the title
 * was filled into every appliance once, so no run pays cold misses another does not), every
 * appliance shaped alike, then
 * a fresh browser context with the HTTP cache off opens the player's page directly
 * (`page.goto`): our app at `/watch/<id>?engine=`, or a bare page with the stock engine. The
 * page meter (meter/page-meter.js) is injected before the page's own scripts, Playwright
 * records every request, and the run ends `durationSec` after the navigation.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Browser, Page, Request } from "@playwright/test";
import { type PlayerName, playerParts, type WindowSize } from "./args.ts";
import {
  type Measurement,
  measureRun,
  type PageEvent,
  type RequestRecord,
  type TitleTimeline,
} from "./meter/measure.ts";
import type { Scenario } from "./scenarios.ts";
import { shapedShare } from "./summary.ts";

const METER_SCRIPT = readFileSync(path.join(import.meta.dirname, "meter/page-meter.js"), "utf8");
/** How often the meter's events are fetched from the page (they carry their own times). */
const DRAIN_EVERY_MS = 1_000;
/** A page whose main thread is blocked answers no evaluate: give up on that call, not the run. */
const PAGE_TIMEOUT_MS = 5_000;
/** Console errors kept per run (a player in trouble can log hundreds). */
const MAX_PAGE_ERRORS = 20;

export interface BenchTitle extends TitleTimeline {
  id: string;
  name: string;
  durationSec: number;
}

export class Admin {
  constructor(private readonly baseUrl: string) {}

  private async call(method: string, route: string, body?: unknown): Promise<unknown> {
    // The admin API takes changes only as JSON (415 otherwise): {} when there is no body.
    const response = await fetch(`${this.baseUrl}${route}`, {
      method,
      ...(method === "GET"
        ? {}
        : { headers: { "content-type": "application/json" }, body: JSON.stringify(body ?? {}) }),
    });
    const text = await response.text();
    if (!response.ok)
      throw new Error(`admin ${method} ${route}: ${response.status} ${text.slice(0, 300)}`);
    return text === "" ? null : (JSON.parse(text) as unknown);
  }

  /** Every appliance's id and host:port (the only servers shaping applies to). */
  async appliances(): Promise<{ id: string; host: string }[]> {
    const state = (await this.call("GET", "/admin/state")) as {
      appliances: { id: string; baseUrl: string }[];
    };
    return state.appliances.map((a) => ({ id: a.id, host: new URL(a.baseUrl).host }));
  }

  /** Faults, shaping, sessions and counters cleared; the caches too unless kept. */
  reset(keepCaches = false): Promise<unknown> {
    return this.call("POST", "/admin/reset", keepCaches ? { keepCaches } : undefined);
  }

  async fill(ids: string[], titleId: string): Promise<void> {
    await Promise.all(
      ids.map((id) => this.call("POST", `/admin/appliances/${id}/fill`, { titles: [titleId] })),
    );
  }

  /** Every appliance alike. A session's trace starts at its first request to the appliance. */
  async shape(ids: string[], scenario: Scenario, latencyMs: number | null): Promise<void> {
    const body: Record<string, unknown> =
      scenario.kind === "profile" ? { profile: scenario.name } : { trace: scenario.text };
    if (latencyMs !== null) body.latencyMs = latencyMs;
    await Promise.all(ids.map((id) => this.call("PUT", `/admin/appliances/${id}/shaping`, body)));
  }
}

export interface RunPlan {
  browser: Browser;
  siteUrl: string;
  steeringUrl: string;
  admin: Admin;
  appliances: { id: string; host: string }[];
  title: BenchTitle;
  set: string;
  scenario: Scenario;
  latencyMs: number | null;
  player: PlayerName;
  repeat: number;
  durationSec: number;
  window: WindowSize;
}

export interface RunRecord {
  set: string;
  scenario: string;
  player: PlayerName;
  repeat: number;
  url: string;
  /** null when the run failed before anything could be measured. */
  measurement: Measurement | null;
  /** Segment requests (media and init, audio and video) per server (host:port). */
  requestsByHost: Record<string, number>;
  /** Share of those that went to an appliance, so were shaped; below 1 the run is suspect. */
  shapedShare: number | null;
  pageErrors: string[];
  error: string | null;
  wallSec: number;
  /** Everything the meter and Playwright saw, ms from the navigation. */
  events: PageEvent[];
  requests: RequestRecord[];
}

/** The page a player is opened at, as a viewer's link would open it. */
export function playerUrl(plan: Pick<RunPlan, "siteUrl" | "steeringUrl" | "title" | "player">) {
  const { engine, abr } = playerParts(plan.player);
  const id = encodeURIComponent(plan.title.id);
  if (abr === "ours") return `${plan.siteUrl}/watch/${id}?engine=${engine}`;
  // The steering service's content-steered manifests: the stock engine steers to an appliance.
  const manifest =
    engine === "hlsjs"
      ? `${plan.steeringUrl}/steering/${id}/master.m3u8`
      : `${plan.steeringUrl}/steering/${id}/manifest.mpd`;
  return `${plan.siteUrl}/bare/${engine}.html?src=${encodeURIComponent(manifest)}`;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function drain(page: Page): Promise<PageEvent[]> {
  const read = page.evaluate(() => {
    const meter = (window as Window & { __benchMeter?: { drain(): unknown[] } }).__benchMeter;
    return (meter?.drain() ?? []) as PageEvent[];
  });
  return withTimeout(read, PAGE_TIMEOUT_MS, "the page meter (main thread blocked?)");
}

/** Every request the page makes, on the epoch clock (converted to page time at the end). */
function recordRequests(page: Page) {
  const records = new Map<Request, RequestRecord>();
  page.on("request", (request) => {
    records.set(request, {
      url: request.url(),
      sentMs: Date.now(),
      doneMs: null,
      status: null,
      failure: null,
    });
  });
  page.on("requestfinished", async (request) => {
    const record = records.get(request);
    if (!record) return;
    // The browser's own timing (epoch ms) is exact; the event reaches Node a little later.
    const timing = request.timing();
    if (timing.startTime > 0) record.sentMs = timing.startTime;
    record.doneMs = timing.responseEnd >= 0 ? timing.startTime + timing.responseEnd : Date.now();
    record.status = (await request.response().catch(() => null))?.status() ?? null;
  });
  page.on("requestfailed", (request) => {
    const record = records.get(request);
    if (record) record.failure = request.failure()?.errorText ?? "failed";
  });
  return (timeOriginMs: number): RequestRecord[] =>
    [...records.values()].map((r) => ({
      ...r,
      sentMs: r.sentMs - timeOriginMs,
      doneMs: r.doneMs === null ? null : r.doneMs - timeOriginMs,
    }));
}

/** Every request goes to the network, as on a first visit. */
async function disableHttpCache(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
}

const isSegment = (url: string) => /\.(m4s|mp4)(\?|$)/.test(url);

export async function runOnce(plan: RunPlan): Promise<RunRecord> {
  const { admin, scenario } = plan;
  const ids = plan.appliances.map((a) => a.id);
  const url = playerUrl(plan);
  const started = performance.now();
  const events: PageEvent[] = [];
  const pageErrors: string[] = [];
  let requests: RequestRecord[] = [];
  let error: string | null = null;
  let measurement: Measurement | null = null;

  await admin.reset(true);
  await admin.shape(ids, scenario, plan.latencyMs);
  const context = await plan.browser.newContext({ viewport: plan.window });
  try {
    const page = await context.newPage();
    await disableHttpCache(page);
    await page.addInitScript({ content: METER_SCRIPT });
    const requestsSeen = recordRequests(page);
    const keepError = (text: string) => {
      if (pageErrors.length < MAX_PAGE_ERRORS) pageErrors.push(text.slice(0, 300));
    };
    page.on("console", (m) => {
      if (m.type() === "error") keepError(m.text());
    });
    page.on("pageerror", (e) => keepError(`uncaught: ${e.message}`));

    const beforeNavigation = Date.now();
    await page.goto(url, { waitUntil: "commit" });
    // The page's clock starts at the navigation: every time below is on it.
    const timeOriginMs = await page
      .evaluate(() => performance.timeOrigin)
      .catch(() => beforeNavigation);
    const endAtEpochMs = timeOriginMs + plan.durationSec * 1000;
    for (;;) {
      const left = endAtEpochMs - Date.now();
      if (left <= 0) break;
      await page.waitForTimeout(Math.min(DRAIN_EVERY_MS, left));
      const drained = await drain(page).catch((e: Error) => {
        keepError(`bench: ${e.message}`);
        return [];
      });
      events.push(...drained);
      if (drained.some((e) => e.kind === "sample" && e.ended)) break;
    }
    events.push(...(await drain(page).catch(() => [])));
    const endMs = Date.now() - timeOriginMs;
    requests = requestsSeen(timeOriginMs);
    measurement = measureRun({ events, requests, title: plan.title, endMs });
  } catch (e) {
    error = (e as Error).message.split("\n")[0] ?? "run failed";
  } finally {
    await withTimeout(context.close(), PAGE_TIMEOUT_MS, "closing the page").catch(() => undefined);
  }

  const requestsByHost: Record<string, number> = {};
  for (const r of requests.filter((r) => isSegment(r.url))) {
    const host = new URL(r.url).host;
    requestsByHost[host] = (requestsByHost[host] ?? 0) + 1;
  }
  return {
    set: plan.set,
    scenario: scenario.name,
    player: plan.player,
    repeat: plan.repeat,
    url,
    measurement,
    requestsByHost,
    shapedShare: shapedShare(
      requestsByHost,
      plan.appliances.map((a) => a.host),
    ),
    pageErrors,
    error,
    wallSec: (performance.now() - started) / 1000,
    events,
    requests,
  };
}
