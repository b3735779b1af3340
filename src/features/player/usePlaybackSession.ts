/**
 * One playback session: our ABR controller, the steering answer it works from (refreshed when
 * its TTL runs out), the browser's decoding capabilities, the throughput remembered from
 * earlier sessions, the engine adapter, the freeze watchdog, and the video element's events,
 * all feeding the session store.
 *
 * A fast start: the engine's code, the steering answer, the capabilities and the manifest are
 * all fetched at once, and the manifest only once (the engine is handed the text).
 */
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { ORIGIN_ID } from "../../abr/appliances.ts";
import { AbrController } from "../../abr/controller.ts";
import type { CapabilityResult, Rendition, VideoCodec } from "../../abr/types.ts";
import { createAdminClient } from "../../lib/admin-client.ts";
import { ADMIN_URL, ORIGIN_URL, STEERING_URL } from "../../lib/api.ts";
import {
  type AbrTunables,
  DEFAULT_ABR_TUNABLES,
  tunablesToConfig,
} from "../../schemas/abr-tunables.ts";
import type { SessionExport } from "../../schemas/session-export.ts";
import { parseSteeringAnswer, type SteeringAnswer } from "../../schemas/steering.ts";
import type {
  AbrMode,
  AdapterOptions,
  EngineAdapter,
  EngineName,
  EngineReporter,
} from "./engines/engine.ts";
import { createAdapter, preloadEngine } from "./engines/load.ts";
import { applianceKey, browserStorage, EstimateMemory, hostKey } from "./estimate-memory.ts";
import { proxiedSource, registerForeignStream } from "./foreign-proxy.ts";
import { FreezeWatchdog, type RecoveryStep } from "./freeze-watchdog.ts";
import { fetchManifest } from "./manifest-fetch.ts";
import { watchVideo } from "./media-view.ts";
import { hostOf, type PlayItem, sourceFor, urlItem } from "./play-item.ts";
import { buildSessionExport } from "./session-export.ts";
import { shapeSession } from "./session-shaping.ts";
import { createSessionStore, type SessionStore } from "./session-store.ts";

/** How often the overlay's charts get a point. */
const SAMPLE_MS = 500;
/** How often the freeze watchdog looks (its threshold is 2 s). */
const WATCHDOG_MS = 250;
/** What the overlay says the freeze watchdog is doing. */
const RECOVERY_TEXT: Record<RecoveryStep, string> = {
  play: "playing again (paused though nobody asked)",
  nudge: "stepping past the playhead",
  refetch: "loading again elsewhere",
};
/** What the steering service's hint is worth, in seconds of transfer: half a fresh figure of
 * this browser's own (DEFAULT_MEMORY.priorWeightSec), as it was measured by other players. */
const HINT_WEIGHT_SEC = 2;

async function capabilities(renditions: Rendition[]): Promise<CapabilityResult[]> {
  if (!("mediaCapabilities" in navigator)) return [];
  const results: CapabilityResult[] = [];
  for (const codec of ["av1", "vp9", "h264"] as const) {
    const top = renditions.filter((r) => r.codec === codec).sort((a, b) => b.height - a.height)[0];
    if (!top) continue;
    const info = await navigator.mediaCapabilities.decodingInfo({
      type: "media-source",
      video: {
        contentType: `video/mp4; codecs="${top.codecs}"`,
        width: top.width,
        height: top.height,
        bitrate: top.peakBitrateBps,
        framerate: top.frameRate,
      },
    });
    results.push({
      codec,
      supported: info.supported,
      smooth: info.smooth,
      powerEfficient: info.powerEfficient,
      width: top.width,
      height: top.height,
    });
  }
  return results;
}

/**
 * The session in play, readable from the page as `window.streamlab` (the e2e suite and the
 * real-browser benchmark read QoE figures and the decision log there, as shaka's demo exposes
 * `window.player`). Read-only by convention: nothing in the app reads it back.
 */
export interface SessionProbe {
  store: SessionStore;
  controller: AbrController;
  /** The session as evidence (`src/schemas/session-export.ts`). */
  exportSession(): SessionExport;
}

function exposeSession(probe: SessionProbe): void {
  (window as Window & { streamlab?: SessionProbe }).streamlab = probe;
}

export interface SessionHandle {
  store: SessionStore;
  adapter: EngineAdapter | null;
  /** The session so far as evidence: decisions, segments, timeline, QoE, environment. */
  exportSession(): SessionExport;
}

export interface SessionSettings {
  engine: EngineName;
  abr: AbrMode;
  /** Cap renditions to the picture's size; changing it does not restart the session. */
  capToPlayerSize: boolean;
  /** Bumped by the error screen's retry: a new session from scratch. */
  attempt: number;
  /** Where the first session of this stream starts (a link's ?t=, a resume point). */
  startAtSec?: number;
  /** A shaping profile for this session alone (a link's `?profile=`), on titles of ours. */
  shapingProfile?: string | null;
  /** The codec a link asks for (?codec=); null: the controller chooses. Read at a session's start. */
  codec?: VideoCodec | null;
  /** Our ABR's tunables; changing them reconfigures the running session's controller. */
  abrTunables?: AbrTunables;
}

export function usePlaybackSession(
  video: HTMLVideoElement | null,
  item: PlayItem,
  {
    engine,
    abr,
    capToPlayerSize,
    attempt,
    startAtSec,
    shapingProfile = null,
    codec = null,
    abrTunables = DEFAULT_ABR_TUNABLES,
  }: SessionSettings,
): SessionHandle {
  const store = useMemo(() => createSessionStore(), []);
  // Where the next session starts: the page's start for a new stream; where the viewer was
  // when a session is replaced (engine or ABR switch, retry) for the same one.
  const resume = useRef<{ subject: unknown; atSec: number } | null>(null);
  const exporter = useRef<() => SessionExport>(() => {
    throw new Error("no playback session yet");
  });
  const [adapter, setAdapter] = useState<EngineAdapter | null>(null);
  // Read when a session starts; later changes go to the adapter (below), not a new session.
  const cap = useRef(capToPlayerSize);
  cap.current = capToPlayerSize;
  const firstStart = useRef(startAtSec);
  firstStart.current = startAtSec;
  const askedCodec = useRef(codec);
  askedCodec.current = codec;
  const tunables = useRef(abrTunables);
  tunables.current = abrTunables;
  const [controller, setController] = useState<AbrController | null>(null);
  // What identifies the stream: a new item object for the same title or URL (a parent's
  // re-render) must not restart the session.
  const subject = item.kind === "title" ? item.title : item.url;
  // A stream URL goes through the network's proxy unless the link says `direct=1`.
  const direct = item.kind === "url" && item.direct;

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` is the retry trigger.
  useEffect(() => {
    if (!video) return;
    let cancelled = false;
    let current: EngineAdapter | null = null;
    const now = () => performance.now();
    const controller = new AbrController(tunablesToConfig(tunables.current), now);
    setController(controller);
    controller.askForCodec(askedCodec.current);
    const memory = new EstimateMemory(browserStorage());
    const s = store.getState();
    s.begin(engine, abr, now());
    s.setCapToPlayerSize(cap.current);
    s.setAbrTunables(tunables.current);
    exporter.current = () =>
      buildSessionExport(
        store.getState(),
        store.getState().qoeFigures(now()),
        {
          pageUrl: window.location.href,
          userAgent: navigator.userAgent,
          stream: {
            titleId: typeof subject === "string" ? null : subject.id,
            url: typeof subject === "string" ? subject : null,
          },
          engineVersion: current?.version() ?? null,
          window: {
            width: window.innerWidth,
            height: window.innerHeight,
            devicePixelRatio: window.devicePixelRatio,
          },
        },
        new Date(),
      );
    exposeSession({ store, controller, exportSession: () => exporter.current() });
    const url = typeof subject === "string" ? subject : null;
    const title = typeof subject === "string" ? null : subject;
    const played: PlayItem = title ? { kind: "title", title } : urlItem(url ?? "");
    let source = sourceFor(played, engine, ORIGIN_URL);
    /** A stream URL played through the network's proxy (until the proxy cannot be had). */
    let proxied = url !== null && !direct;
    const resumed = resume.current?.subject === subject ? resume.current.atSec : null;
    const pageStart = firstStart.current;
    const startAt = resumed ?? (pageStart !== undefined && pageStart > 0 ? pageStart : null);
    const aborter = new AbortController();
    const sessionId = crypto.randomUUID();
    let unshape: (() => void) | null = null;
    if (title) {
      s.setRenditions(title.renditions);
      controller.setRenditions(title.renditions);
    }
    /** Where a foreign stream's throughput is remembered when played from its host: the host.
     * Through the proxy it is measured per appliance, as a title's is. */
    let foreignKey = url === null || proxied ? null : hostKey(hostOf(url));

    /** Our report to the steering service: what we measured on the appliance we used. */
    const steeringUrl = (titleId: string) => {
      const base = `${STEERING_URL}/steering/${encodeURIComponent(titleId)}`;
      const used = store.getState().applianceId;
      const measured = used === null ? null : controller.measuredBitsPerSecond(used);
      if (used === null || measured === null) return base;
      return `${base}?pathway=${encodeURIComponent(used)}&throughput=${Math.round(measured)}`;
    };

    // A stream played straight from its host has no steering answer: the controller runs
    // without one (decisions name no appliance) and requests go to the stream's own host.
    let steering: SteeringAnswer | null = null;
    /** A proxied stream's ranking comes with its registration, asked again when it is stale. */
    const register = async () => {
      const registered = await registerForeignStream(STEERING_URL, url ?? "", aborter.signal);
      if (registered.ok) {
        steering = registered.answer.steering;
        controller.setSteering(steering);
      } else if (!registered.aborted && steering !== null) {
        steeringTrouble(registered.unreachable ? "unreachable" : registered.message);
      }
      return registered;
    };
    const steer = async () => {
      if (url !== null && proxied) {
        await register();
        return;
      }
      if (!title) return;
      let response: Response;
      try {
        response = await fetch(steeringUrl(title.id), { signal: aborter.signal });
      } catch {
        if (!aborter.signal.aborted) steeringTrouble("unreachable");
        return;
      }
      try {
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        steering = parseSteeringAnswer(await response.json());
        controller.setSteering(steering);
      } catch (error) {
        if (!aborter.signal.aborted) {
          steeringTrouble(`answered what no player can use (${(error as Error).message})`);
        }
      }
    };
    /** "Keeping the last ranking" only when there is one; else requests go to the origin. */
    const steeringTrouble = (what: string) => {
      const then = steering !== null ? "keeping the last ranking" : "playing from the origin";
      store.getState().warning(`steering service ${what}: ${then}`);
    };
    const steeringTimer =
      title || proxied
        ? setInterval(() => {
            if (controller.needsSteeringRefresh()) void steer();
          }, 1000)
        : undefined;

    /**
     * Where the first estimate comes from, for each place this session may fetch from: what
     * this browser measured there before (aged), else what players nearby measured lately (the
     * steering answer's hint), else nothing (the planner at the default estimate).
     */
    const seedEstimates = () => {
      if (foreignKey !== null) {
        const recalled = memory.recall(foreignKey);
        if (recalled) {
          controller.seedEstimate(ORIGIN_ID, recalled.bitsPerSecond, recalled.weightSec);
        }
        return;
      }
      for (const appliance of steering?.appliances ?? []) {
        const recalled = memory.recall(applianceKey(appliance.id));
        if (recalled) {
          controller.seedEstimate(appliance.id, recalled.bitsPerSecond, recalled.weightSec);
        } else if (appliance.throughputHintBps !== undefined) {
          controller.seedEstimate(appliance.id, appliance.throughputHintBps, HINT_WEIGHT_SEC);
        }
      }
    };

    const onWaiting = () => store.getState().waiting(now());
    const onPlaying = () => store.getState().playing(now());
    const onFirstFrame = () => store.getState().firstFrame(now());
    const onPause = () => {
      store.getState().paused();
      // The picture-in-picture window's own pause button is the viewer's too.
      if (document.pictureInPictureElement === video) store.getState().setViewerPaused(true);
    };
    const onPlay = () => store.getState().setViewerPaused(false);
    const onEnded = () => store.getState().ended();
    video.addEventListener("waiting", onWaiting);
    video.addEventListener("playing", onPlaying);
    video.addEventListener("loadeddata", onFirstFrame);
    video.addEventListener("pause", onPause);
    video.addEventListener("play", onPlay);
    video.addEventListener("ended", onEnded);
    const watched = watchVideo(video, () => current?.pictureChanged());
    const sampler = setInterval(() => {
      const quality = video.getVideoPlaybackQuality?.();
      store.getState().sample(
        {
          atMs: now(),
          bufferSec: watched.view.bufferSec(),
          estimateBps: controller.estimateBitsPerSecond(),
        },
        quality?.droppedVideoFrames ?? 0,
      );
    }, SAMPLE_MS);

    const watchdog = new FreezeWatchdog({
      froze: (sinceMs, atMs, positionSec) => {
        store.getState().freezeBegan(sinceMs, atMs);
        store.getState().warning(`Playback froze at ${positionSec.toFixed(1)} s: recovering.`);
      },
      recover: (step, frozenMs) => {
        const frozen = (frozenMs / 1000).toFixed(1);
        store.getState().warning(`Frozen for ${frozen} s: ${RECOVERY_TEXT[step]}.`);
        if (step === "play") video.play().catch(() => {});
        else current?.recover(step);
      },
      thawed: (atMs) => store.getState().freezeEnded(atMs),
    });
    const watchdogTimer = setInterval(() => {
      const { qoe, viewerPaused } = store.getState();
      const started = qoe.firstFrameAtMs !== null;
      const state = watched.playbackState(current?.lastByteAtMs() ?? null, started, viewerPaused);
      watchdog.check(state, now());
    }, WATCHDOG_MS);

    const reporter: EngineReporter = {
      decision: (d) => store.getState().decision(d),
      segmentLoaded: (stats) => {
        const measuredId = stats.applianceId ?? ORIGIN_ID;
        const measured = controller.measuredBitsPerSecond(measuredId);
        const key = foreignKey ?? applianceKey(measuredId);
        if (measured !== null) memory.remember(key, measured);
        // A foreign stream's host is its only "appliance": the overlay names the host each
        // segment came from (the manifest's, or another a content-steered playlist points to).
        store
          .getState()
          .segmentLoaded(
            url !== null && stats.applianceId === null
              ? { ...stats, applianceId: hostOf(stats.url || url) }
              : stats,
            now(),
          );
      },
      requestFailed: (failure) => store.getState().requestFailed(failure, now()),
      renditions: (list) => store.getState().setRenditions(list),
      renditionPlaying: (id) => store.getState().renditionPlaying(id, now()),
      fatal: (message) => store.getState().fatal(message),
      warning: (message) => store.getState().warning(message),
    };

    void (async () => {
      // Everything the start needs, at once: the engine's code was likely asked for already
      // (the route preloads it); the manifest is fetched once, here.
      const engineCode = preloadEngine(engine);
      // Shaped before the first request goes out; a profile that cannot be had is said, and
      // the session plays unshaped.
      const shaped =
        (title || proxied) && shapingProfile
          ? shapeSession(createAdminClient(ADMIN_URL), shapingProfile, sessionId).then(
              (undo) => {
                if (cancelled) undo();
                else unshape = undo;
              },
              (error: Error) => store.getState().warning(`Not shaped: ${error.message}.`),
            )
          : Promise.resolve();
      if (url !== null && proxied) {
        const registered = await register();
        if (cancelled) return;
        if (registered.ok) source = proxiedSource(registered.answer, ORIGIN_URL);
        else if (registered.unreachable) {
          // No steering service, no proxy: the stream still plays, from its own host.
          proxied = false;
          foreignKey = hostKey(hostOf(url));
          store
            .getState()
            .warning(
              `Not through the network (${registered.message}): playing from ${hostOf(url)}.`,
            );
        } else {
          store.getState().fatal(registered.message);
          return;
        }
      }
      const manifest = fetchManifest(source.manifestUrl, engine, aborter.signal, url ?? undefined);
      const ready = title
        ? Promise.all([
            shaped,
            steer(),
            capabilities(title.renditions)
              .catch(() => [])
              .then((results) => controller.setCapabilities(results)),
          ])
        : // A proxied stream's per-session shaping, before the engine's first request.
          shaped;
      const [fetched] = await Promise.all([manifest, ready, engineCode.catch(() => null)]);
      if (cancelled) return;
      if (!fetched.ok) {
        if (!fetched.aborted) store.getState().fatal(fetched.message);
        return;
      }
      seedEstimates();
      const options: AdapterOptions = {
        abr,
        controller,
        reporter,
        media: watched.view,
        capToPlayerSize: cap.current,
        viewerPaused: () => store.getState().viewerPaused,
        sessionId,
        manifest: { text: fetched.text, url: fetched.url },
      };
      let created: EngineAdapter;
      try {
        created = await createAdapter(engine, options);
      } catch (error) {
        if (!cancelled) {
          store
            .getState()
            .fatal(
              `Could not load the player's code: ${(error as Error).message}. Reload the page.`,
            );
        }
        return;
      }
      if (cancelled) {
        await created.destroy();
        return;
      }
      current = created;
      try {
        await created.load(video, source, startAt);
        if (!cancelled) setAdapter(created);
      } catch (error) {
        // A session replaced meanwhile (engine switch, retry) fails its load on purpose.
        if (!cancelled) {
          store.getState().fatal(`Could not load the stream: ${(error as Error).message}`);
        }
      }
    })();

    return () => {
      cancelled = true;
      aborter.abort();
      unshape?.();
      if (video.currentTime > 0 && !video.ended)
        resume.current = { subject, atSec: video.currentTime };
      clearInterval(steeringTimer);
      clearInterval(sampler);
      clearInterval(watchdogTimer);
      watched.dispose();
      video.removeEventListener("waiting", onWaiting);
      video.removeEventListener("playing", onPlaying);
      video.removeEventListener("loadeddata", onFirstFrame);
      video.removeEventListener("pause", onPause);
      video.removeEventListener("play", onPlay);
      video.removeEventListener("ended", onEnded);
      setAdapter(null);
      void current?.destroy();
    };
  }, [video, subject, direct, engine, abr, store, attempt, shapingProfile]);

  // The cap setting reaches the running session without restarting it.
  useEffect(() => {
    store.getState().setCapToPlayerSize(capToPlayerSize);
    adapter?.setCapToPlayerSize(capToPlayerSize);
  }, [adapter, capToPlayerSize, store]);

  // The tunables reach the running controller: it reads them from its next decision on.
  useEffect(() => {
    if (!controller) return;
    controller.reconfigure(tunablesToConfig(abrTunables));
    store.getState().setAbrTunables(abrTunables);
  }, [controller, abrTunables, store]);

  const exportSession = useCallback(() => exporter.current(), []);
  return { store, adapter, exportSession };
}
