/**
 * One playback session: our ABR controller, the steering answer it works from (refreshed when
 * its TTL runs out), the browser's decoding capabilities, the engine adapter, and the video
 * element's events, all feeding the session store. The engines load only when this runs.
 */
import { useEffect, useMemo, useState } from "react";
import { abrConfig } from "../../abr/config.ts";
import { AbrController } from "../../abr/controller.ts";
import type { CapabilityResult, Rendition } from "../../abr/types.ts";
import { ORIGIN_URL, STEERING_URL } from "../../lib/api.ts";
import { parseSteeringAnswer } from "../../schemas/steering.ts";
import { bufferAheadSec, rangesOf } from "./engines/buffer.ts";
import type {
  AbrMode,
  AdapterOptions,
  EngineAdapter,
  EngineName,
  EngineReporter,
} from "./engines/engine.ts";
import { checkManifest, hostOf, type PlayItem, sourceFor, urlItem } from "./play-item.ts";
import { createSessionStore, type SessionStore } from "./session-store.ts";

/** How often the overlay's charts get a point. */
const SAMPLE_MS = 500;

async function capabilities(renditions: Rendition[]): Promise<CapabilityResult[]> {
  if (!("mediaCapabilities" in navigator)) return [];
  const results: CapabilityResult[] = [];
  for (const codec of ["av1", "h264"] as const) {
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
}

function exposeSession(store: SessionStore, controller: AbrController): void {
  (window as Window & { streamlab?: SessionProbe }).streamlab = { store, controller };
}

export interface SessionHandle {
  store: SessionStore;
  adapter: EngineAdapter | null;
}

/** Bytes of a foreign manifest read to tell HLS from DASH from anything else. */
const HEAD_BYTES = 2048;

/**
 * Fetches the start of a stream's manifest before an engine gets it, so that a wrong address, a
 * dead host or a web page gets one clear message whatever the engine. Null when it can play.
 */
async function probeManifest(
  url: string,
  engine: EngineName,
  signal: AbortSignal,
): Promise<string | null> {
  let response: Response;
  try {
    response = await fetch(url, { signal });
  } catch {
    if (signal.aborted) return null;
    const check = checkManifest(url, engine, null, "");
    return check.ok ? null : check.message;
  }
  let head = "";
  if (response.ok && response.body) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    try {
      while (head.length < HEAD_BYTES) {
        const { done, value } = await reader.read();
        if (done) break;
        head += decoder.decode(value, { stream: true });
      }
    } finally {
      // The engine fetches the manifest itself: the rest of this one is not needed.
      void reader.cancel().catch(() => {});
    }
  } else {
    void response.body?.cancel().catch(() => {});
  }
  const check = checkManifest(url, engine, response.status, head);
  return check.ok ? null : check.message;
}

export function usePlaybackSession(
  video: HTMLVideoElement | null,
  item: PlayItem,
  engine: EngineName,
  abr: AbrMode,
  /** Bumped by the error screen's retry: a new session from scratch. */
  attempt = 0,
): SessionHandle {
  const store = useMemo(() => createSessionStore(), []);
  const [adapter, setAdapter] = useState<EngineAdapter | null>(null);
  // What identifies the stream: a new item object for the same title or URL (a parent's
  // re-render) must not restart the session.
  const subject = item.kind === "title" ? item.title : item.url;

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` is the retry trigger.
  useEffect(() => {
    if (!video) return;
    let cancelled = false;
    let current: EngineAdapter | null = null;
    const now = () => performance.now();
    const controller = new AbrController(abrConfig({}), now);
    const s = store.getState();
    s.begin(engine, abr, now());
    exposeSession(store, controller);
    const url = typeof subject === "string" ? subject : null;
    const title = typeof subject === "string" ? null : subject;
    const played: PlayItem = title ? { kind: "title", title } : urlItem(url ?? "");
    const probe = new AbortController();
    if (title) {
      s.setRenditions(title.renditions);
      controller.setRenditions(title.renditions);
    }

    // A stream from outside the catalog has no steering answer: the controller runs without
    // one (decisions name no appliance) and requests go to the stream's own host.
    const steer = async () => {
      if (!title) return;
      try {
        const response = await fetch(`${STEERING_URL}/steering/${encodeURIComponent(title.id)}`);
        if (response.ok) controller.setSteering(parseSteeringAnswer(await response.json()));
      } catch {
        store.getState().warning("steering service unreachable: keeping the last ranking");
      }
    };
    const steeringTimer = title
      ? setInterval(() => {
          if (controller.needsSteeringRefresh()) void steer();
        }, 1000)
      : undefined;

    const onWaiting = () => store.getState().waiting(now());
    const onPlaying = () => store.getState().playing(now());
    const onFirstFrame = () => store.getState().firstFrame(now());
    const onPause = () => store.getState().paused();
    const onEnded = () => store.getState().ended();
    video.addEventListener("waiting", onWaiting);
    video.addEventListener("playing", onPlaying);
    video.addEventListener("loadeddata", onFirstFrame);
    video.addEventListener("pause", onPause);
    video.addEventListener("ended", onEnded);
    const sampler = setInterval(() => {
      const quality = video.getVideoPlaybackQuality?.();
      store.getState().sample(
        {
          atMs: now(),
          bufferSec: bufferAheadSec(rangesOf(video.buffered), video.currentTime),
          estimateBps: controller.estimateBitsPerSecond(),
        },
        quality?.droppedVideoFrames ?? 0,
      );
    }, SAMPLE_MS);

    void (async () => {
      if (url !== null) {
        const problem = await probeManifest(url, engine, probe.signal);
        if (cancelled) return;
        if (problem) {
          store.getState().fatal(problem);
          return;
        }
      } else if (title) {
        await steer();
        controller.setCapabilities(await capabilities(title.renditions).catch(() => []));
      }
      // A foreign stream's host is its only "appliance": the overlay names the host each
      // segment came from (the manifest's, or another a content-steered playlist points to).
      const reporter: EngineReporter = {
        decision: (d) => store.getState().decision(d),
        segmentLoaded: (stats) =>
          store
            .getState()
            .segmentLoaded(
              url !== null && stats.applianceId === null
                ? { ...stats, applianceId: hostOf(stats.url || url) }
                : stats,
            ),
        renditions: (list) => store.getState().setRenditions(list),
        renditionPlaying: (id) => store.getState().renditionPlaying(id, now()),
        fatal: (message) => store.getState().fatal(message),
        warning: (message) => store.getState().warning(message),
      };
      const options: AdapterOptions = { abr, controller, reporter };
      const created =
        engine === "hlsjs"
          ? (await import("./engines/hlsjs.ts")).createHlsAdapter(options)
          : (await import("./engines/shaka.ts")).createShakaAdapter(options);
      if (cancelled) {
        await created.destroy();
        return;
      }
      current = created;
      try {
        await created.load(video, sourceFor(played, engine, ORIGIN_URL));
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
      probe.abort();
      clearInterval(steeringTimer);
      clearInterval(sampler);
      video.removeEventListener("waiting", onWaiting);
      video.removeEventListener("playing", onPlaying);
      video.removeEventListener("loadeddata", onFirstFrame);
      video.removeEventListener("pause", onPause);
      video.removeEventListener("ended", onEnded);
      setAdapter(null);
      void current?.destroy();
    };
  }, [video, subject, engine, abr, store, attempt]);

  return { store, adapter };
}
