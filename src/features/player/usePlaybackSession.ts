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
import type { Title } from "../../schemas/catalog.ts";
import { parseSteeringAnswer } from "../../schemas/steering.ts";
import { bufferAheadSec, rangesOf } from "./engines/buffer.ts";
import type {
  AbrMode,
  AdapterOptions,
  EngineAdapter,
  EngineName,
  EngineReporter,
  PlaybackSource,
} from "./engines/engine.ts";
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

export function sourceFor(title: Title, engine: EngineName): PlaybackSource {
  const manifest = engine === "hlsjs" ? title.manifests.hls : title.manifests.dash;
  return {
    manifestUrl: `${ORIGIN_URL}/${manifest}`,
    renditions: title.renditions,
    originTitleBase: `${ORIGIN_URL}/${title.path}/`,
    titlePath: `${title.path}/`,
  };
}

export function usePlaybackSession(
  video: HTMLVideoElement | null,
  title: Title,
  engine: EngineName,
  abr: AbrMode,
  /** Bumped by the error screen's retry: a new session from scratch. */
  attempt = 0,
): SessionHandle {
  const store = useMemo(() => createSessionStore(), []);
  const [adapter, setAdapter] = useState<EngineAdapter | null>(null);

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
    s.setRenditions(title.renditions);
    controller.setRenditions(title.renditions);

    const steer = async () => {
      try {
        const response = await fetch(`${STEERING_URL}/steering/${encodeURIComponent(title.id)}`);
        if (response.ok) controller.setSteering(parseSteeringAnswer(await response.json()));
      } catch {
        store.getState().warning("steering service unreachable: keeping the last ranking");
      }
    };
    const steeringTimer = setInterval(() => {
      if (controller.needsSteeringRefresh()) void steer();
    }, 1000);

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
      await steer();
      controller.setCapabilities(await capabilities(title.renditions).catch(() => []));
      const reporter: EngineReporter = {
        decision: (d) => store.getState().decision(d),
        segmentLoaded: (stats) => store.getState().segmentLoaded(stats),
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
        await created.load(video, sourceFor(title, engine));
        if (!cancelled) setAdapter(created);
      } catch (error) {
        store.getState().fatal(`Could not load the stream: ${(error as Error).message}`);
      }
    })();

    return () => {
      cancelled = true;
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
  }, [video, title, engine, abr, store, attempt]);

  return { store, adapter };
}
