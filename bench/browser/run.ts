/**
 * One run: the admin state reset, the title filled into every appliance (so no run pays cold
 * misses another does not), every appliance shaped alike, then the title opened in a fresh
 * browser context like a user would, engine and ABR picked in the menus, and the QoE figures
 * read from `window.streamlab` when the run ends.
 */
import type { Browser, Page } from "@playwright/test";
import type { SessionProbe } from "../../src/features/player/usePlaybackSession.ts";
import { type PlayerName, playerParts, type Scenario } from "./args.ts";
import { type RunResult, shapedShare } from "./summary.ts";

const APPLIANCES_PATH = "/admin/state";
/** Past the duration, a run that still has not played it all is cut (and marked incomplete). */
const SLACK_SEC = 30;
const POLL_MS = 250;
const PAGE_TIMEOUT_MS = 10_000;
/** Longest wait for a menu change's session (and, between changes, its first frame). */
const SETTLE_MS = 30_000;
/** An error that playback does not get past in this long ends the run. */
const STUCK_AFTER_ERROR_MS = 5_000;

export interface TitleInfo {
  id: string;
  name: string;
  durationSec: number;
}

export class Admin {
  constructor(private readonly baseUrl: string) {}

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok)
      throw new Error(`admin ${method} ${path}: ${response.status} ${text.slice(0, 300)}`);
    return text === "" ? null : (JSON.parse(text) as unknown);
  }

  /** Every appliance's id and host:port (the only servers shaping applies to). */
  async appliances(): Promise<{ id: string; host: string }[]> {
    const state = (await this.call("GET", APPLIANCES_PATH)) as {
      appliances: { id: string; baseUrl: string }[];
    };
    return state.appliances.map((a) => ({ id: a.id, host: new URL(a.baseUrl).host }));
  }

  reset(): Promise<unknown> {
    return this.call("POST", "/admin/reset");
  }

  async fill(ids: string[], titleId: string): Promise<void> {
    await Promise.all(
      ids.map((id) => this.call("POST", `/admin/appliances/${id}/fill`, { titles: [titleId] })),
    );
  }

  /** Every appliance alike; setting it again restarts a trace from its first sample. */
  async shape(ids: string[], scenario: Scenario, latencyMs: number | null): Promise<void> {
    const body: Record<string, unknown> =
      scenario.kind === "profile" ? { profile: scenario.name } : { trace: scenario.text };
    if (latencyMs !== null) body.latencyMs = latencyMs;
    await Promise.all(ids.map((id) => this.call("PUT", `/admin/appliances/${id}/shaping`, body)));
  }
}

interface Snapshot {
  engine: string;
  abr: string;
  status: string;
  error: string | null;
  warnings: string[];
  currentTime: number;
  ended: boolean;
  renditionReported: boolean;
  figures: RunResult["metrics"];
}

/** A page whose main thread is blocked answers no evaluate: give up on it rather than hang. */
function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer in ${ms / 1000} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

function snapshot(page: Page): Promise<Snapshot | null> {
  return withTimeout(readProbe(page), PAGE_TIMEOUT_MS, "the page (main thread blocked?)");
}

function readProbe(page: Page): Promise<Snapshot | null> {
  return page.evaluate(() => {
    const probe = (window as Window & { streamlab?: SessionProbe }).streamlab;
    if (!probe) return null;
    const s = probe.store.getState();
    const video = document.querySelector("video");
    return {
      engine: s.engine,
      abr: s.abr,
      status: s.status,
      error: s.error,
      warnings: s.warnings,
      currentTime: video?.currentTime ?? 0,
      ended: video?.ended ?? false,
      renditionReported: s.qoe.renditionId !== null,
      figures: s.qoeFigures(performance.now()),
    };
  });
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

type SessionCheck = { engine: string; abr: string; firstFrame: boolean };

/** Waits for the session with this engine and ABR (and its first frame, when asked). */
async function sessionOf(page: Page, want: SessionCheck, timeoutMs: number): Promise<void> {
  await page.waitForFunction(
    (w) => {
      const probe = (window as Window & { streamlab?: SessionProbe }).streamlab;
      const s = probe?.store.getState();
      if (!s || s.engine !== w.engine || s.abr !== w.abr) return false;
      return !w.firstFrame || s.qoe.firstFrameAtMs !== null || s.status === "error";
    },
    want,
    { timeout: timeoutMs },
  );
}

/**
 * Like a user: the title's card in the catalog (a title page's Play, when there is one), then
 * the Engine and ABR menus (behind the settings button, when there is one). Every menu change
 * starts a new session. The measured one always starts from an ABR change after a session in
 * the same engine showed a frame, so no player's time to first frame includes loading its
 * engine's code while another's does not, and no closing session is still starting up.
 */
async function openAs(page: Page, appUrl: string, title: TitleInfo, player: PlayerName) {
  const { engine, abr } = playerParts(player);
  await page.goto(`${appUrl}/`);
  // The card's name starts with the title's name (then its year and genres, or nothing).
  const name = new RegExp(`^${escapeRegExp(title.name)}\\b`, "i");
  await page.getByRole("button", { name }).or(page.getByRole("link", { name })).first().click();
  const video = page.locator("video");
  const play = page.getByRole("link", { name: /^(▶\s*)?(play|resume)\b/i });
  await video.or(play).first().waitFor();
  if ((await video.count()) === 0) await play.first().click();
  const engineMenu = page.getByRole("combobox", { name: "Engine" });
  const settings = page.getByRole("button", { name: "Settings" });
  await engineMenu.or(settings).first().waitFor();
  if (!(await engineMenu.isVisible())) await settings.click();
  const abrMenu = page.getByRole("combobox", { name: "ABR" });

  await engineMenu.selectOption(engine);
  const other = abr === "ours" ? "engine" : "ours";
  await abrMenu.selectOption(other);
  await sessionOf(page, { engine, abr: other, firstFrame: true }, SETTLE_MS).catch(() => {
    // A session that shows no frame in time is replaced all the same: the measured one counts.
  });
  await abrMenu.selectOption(abr);
  await sessionOf(page, { engine, abr, firstFrame: false }, SETTLE_MS);
}

/** Plays each engine once, unshaped and unmeasured, so Vite's on-demand compile of the app
 * and the engines does not land in the first measured run's time to first frame. */
export async function warmUp(browser: Browser, appUrl: string, title: TitleInfo): Promise<void> {
  for (const player of ["ours-hlsjs", "ours-shaka"] as const) {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await openAs(page, appUrl, title, player);
      const { engine, abr } = playerParts(player);
      await sessionOf(page, { engine, abr, firstFrame: true }, 60_000);
    } finally {
      await context.close();
    }
  }
}

/**
 * Every request goes to the network: otherwise the measured session would take the segments
 * the session before it (same page) left in the browser cache, unshaped, and start in 0.1 s.
 */
async function bypassHttpCache(page: Page): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
}

export interface RunPlan {
  browser: Browser;
  appUrl: string;
  admin: Admin;
  applianceIds: string[];
  applianceHosts: string[];
  title: TitleInfo;
  scenario: Scenario;
  latencyMs: number | null;
  player: PlayerName;
  repeat: number;
  durationSec: number;
}

export async function runOnce(plan: RunPlan): Promise<RunResult> {
  const { admin, applianceIds: ids, scenario, player } = plan;
  const base = { scenario: scenario.name, player, repeat: plan.repeat };
  await admin.reset();
  await admin.fill(ids, plan.title.id);
  // Shaped before the page opens, so no request of this run ever goes unshaped.
  await admin.shape(ids, scenario, plan.latencyMs);
  const context = await plan.browser.newContext();
  const started = performance.now();
  let last: Snapshot | null = null;
  const requestsByHost: Record<string, number> = {};
  try {
    const page = await context.newPage();
    await bypassHttpCache(page);
    await openAs(page, plan.appUrl, plan.title, player);
    // Again now the measured session has begun: the trace starts from its first sample for it.
    await admin.shape(ids, scenario, plan.latencyMs);
    // Which servers the measured session fetched segments from: only appliances are shaped
    // (manifests come from the origin by design and are left out).
    page.on("request", (request) => {
      if (!/\.(m4s|mp4)(\?|$)/.test(request.url())) return;
      const host = new URL(request.url()).host;
      requestsByHost[host] = (requestsByHost[host] ?? 0) + 1;
    });
    const begun = performance.now();
    const target = Math.min(plan.durationSec, plan.title.durationSec) - 0.25;
    let progressAt = performance.now();
    let lastTime = -1;
    for (;;) {
      last = await snapshot(page);
      const now = performance.now();
      if (last && last.currentTime !== lastTime) {
        lastTime = last.currentTime;
        progressAt = now;
      }
      const done = last !== null && (last.ended || last.currentTime >= target);
      // A late error from a closed session can reach the store while playback goes on.
      const stuck = last?.status === "error" && now - progressAt > STUCK_AFTER_ERROR_MS;
      if (done || stuck || (now - begun) / 1000 > plan.durationSec + SLACK_SEC) break;
      await page.waitForTimeout(POLL_MS);
    }
    const complete = last !== null && (last.ended || last.currentTime >= target);
    return {
      ...base,
      metrics: last?.figures ?? null,
      renditionReported: last?.renditionReported ?? false,
      complete,
      status: last?.status ?? null,
      warnings: last?.warnings.slice(-5) ?? [],
      requestsByHost,
      shapedShare: shapedShare(requestsByHost, plan.applianceHosts),
      mediaSec: last?.currentTime ?? 0,
      wallSec: (performance.now() - started) / 1000,
      error: last?.error ?? (last === null ? "window.streamlab never appeared" : null),
    };
  } catch (error) {
    return {
      ...base,
      metrics: last?.figures ?? null,
      renditionReported: last?.renditionReported ?? false,
      complete: false,
      status: last?.status ?? null,
      warnings: last?.warnings.slice(-5) ?? [],
      requestsByHost,
      shapedShare: shapedShare(requestsByHost, plan.applianceHosts),
      mediaSec: last?.currentTime ?? 0,
      wallSec: (performance.now() - started) / 1000,
      error: (error as Error).message.split("\n")[0] ?? "run failed",
    };
  } finally {
    await withTimeout(context.close(), PAGE_TIMEOUT_MS, "closing the page").catch(() => undefined);
  }
}
