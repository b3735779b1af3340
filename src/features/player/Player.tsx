/**
 * The player: a <video>, our ABR controller in hls.js (HLS) or shaka-player (DASH), menus for
 * engine, ABR, quality, audio and subtitles, a clear error screen with a retry, and the stats
 * overlay (button or Ctrl+Alt+Shift+D).
 */
import { useEffect, useId, useState } from "react";
import { useStore } from "zustand";
import { originUrl } from "../../lib/api.ts";
import { NetworkDown } from "../../lib/NetworkDown.tsx";
import { type PlayerLinkSettings, withPlayerSettings } from "../../lib/routes.ts";
import { DEFAULT_ABR_TUNABLES } from "../../schemas/abr-tunables.ts";
import { AbrPanel } from "./AbrPanel.tsx";
import { Controls } from "./controls/Controls.tsx";
import type { NextUp } from "./controls/types.ts";
import type { AbrMode, EngineName, TrackInfo } from "./engines/engine.ts";
import { enginesFor, initialEngine, itemName, type PlayItem, qualityLabel } from "./play-item.ts";
import { StatsOverlay } from "./StatsOverlay.tsx";
import { downloadSessionExport } from "./session-export.ts";
import type { SessionStore } from "./session-store.ts";
import { useNetworkRecovery } from "./useNetworkRecovery.ts";
import { usePlaybackSession } from "./usePlaybackSession.ts";
import { usePlayhead } from "./usePlayhead.ts";

/** `item`: a catalog title, or any HLS/DASH stream by URL (then no steering, no catalog data). */
export function Player({
  item,
  next = null,
  startAtSec,
  onPosition,
  link = null,
  onSession,
}: {
  item: PlayItem;
  /** The session store, for a page that shows the session elsewhere (the lab's charts). */
  onSession?: (store: SessionStore) => void;
  /** What the page's link asks for (`?engine=`, `?abr=`, `?cap=`, `?profile=`, `?codec=`): the player
   * starts so; absent ones take the player's defaults. The menus can still change them. */
  link?: PlayerLinkSettings | null;
  /** The episode that follows (from the app shell, which knows the catalog): a countdown at the end. */
  next?: NextUp | null;
  /** Where to start (a resume point or a deep link's `?t=`): seeked to once the media loads. */
  startAtSec?: number;
  /** Where the viewer is: every few seconds while playing, and on pause, end and unmount. */
  onPosition?: (positionSec: number, durationSec: number) => void;
}) {
  const title = item.kind === "title" ? item.title : null;
  const [video, setVideo] = useState<HTMLVideoElement | null>(null);
  const engines = enginesFor(item);
  const requestedEngine = link?.engine ?? null;
  const [engine, setEngine] = useState<EngineName>(() =>
    requestedEngine && engines.includes(requestedEngine) ? requestedEngine : initialEngine(item),
  );
  const [abr, setAbr] = useState<AbrMode>(link?.abr ?? "ours");
  const [capToPlayerSize, setCapToPlayerSize] = useState(link?.capToPlayerSize ?? true);
  const shapingProfile = link?.profile ?? null;
  const codec = link?.codec ?? null;
  const [abrTunables, setAbrTunables] = useState(link?.abrTunables ?? DEFAULT_ABR_TUNABLES);
  const [copied, setCopied] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [showStats, setShowStats] = useState(false);
  const [audio, setAudio] = useState<TrackInfo[]>([]);
  const [subtitles, setSubtitles] = useState<TrackInfo[]>([]);
  const [manual, setManual] = useState<string>("auto");
  // Our controls (controls/) replace the native ones; the menus below are their settings panel.
  const [root, setRoot] = useState<HTMLDivElement | null>(null);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const settingsId = useId();
  const { store, adapter, exportSession } = usePlaybackSession(video, item, {
    engine,
    abr,
    capToPlayerSize,
    attempt,
    startAtSec,
    shapingProfile,
    codec,
    abrTunables,
  });
  useEffect(() => onSession?.(store), [onSession, store]);
  const error = useStore(store, (s) => s.error);
  const stalled = useStore(store, (s) => s.status === "stalled");
  const { down: networkDown, probeNow: probeNetworkNow } = useNetworkRecovery({
    error,
    stalled,
    ours: title !== null,
    retry: () => setAttempt((n) => n + 1),
  });
  // A foreign stream's renditions are known once its manifest is parsed (the session's).
  const sessionRenditions = useStore(store, (s) => s.renditions);
  const renditions = title ? title.renditions : sessionRenditions;
  usePlayhead(video, startAtSec, onPosition);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (event.ctrlKey && event.altKey && event.shiftKey && event.code === "KeyD")
        setShowStats((v) => !v);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  useEffect(() => {
    if (!adapter) return;
    setAudio(adapter.audioTracks());
    setSubtitles(adapter.subtitleTracks());
    setManual("auto");
  }, [adapter]);

  return (
    <div className="player" ref={setRoot}>
      <div className="player-stage">
        {/* Where focus lands on arriving at the player (src/app/focus-on-navigation.ts): the
            shortcuts work from it, and Tab goes on to the controls. */}
        <video
          ref={setVideo}
          autoPlay
          muted
          playsInline
          aria-label={`${itemName(item)} video`}
          tabIndex={-1}
          data-page-focus
        />
        <Controls
          video={video}
          container={root}
          thumbnailsUrl={title ? originUrl(title.thumbnails.vtt) : null}
          next={next}
          settings={{ panelId: settingsId, open: settingsOpen, setOpen: setSettingsOpen }}
          onViewerPause={(paused) => store.getState().setViewerPaused(paused)}
        />
        {showStats && (
          <StatsOverlay store={store} onExport={() => downloadSessionExport(exportSession())} />
        )}
        {networkDown && (
          <NetworkDown
            className="player-error"
            detail={networkDown.detail}
            onRetry={probeNetworkNow}
          />
        )}
        {error && !networkDown && (
          <div className="player-error" role="alert">
            <p>{error}</p>
            <button type="button" onClick={() => setAttempt((n) => n + 1)}>
              Retry
            </button>
          </div>
        )}
      </div>
      <div className="player-menus" id={settingsId} hidden={!settingsOpen}>
        <label>
          Engine{" "}
          <select
            value={engine}
            disabled={engines.length < 2}
            onChange={(e) => setEngine(e.target.value as EngineName)}
          >
            {engines.includes("hlsjs") && <option value="hlsjs">hls.js (HLS)</option>}
            {engines.includes("shaka") && <option value="shaka">shaka-player (DASH)</option>}
          </select>
        </label>
        <label>
          ABR{" "}
          <select value={abr} onChange={(e) => setAbr(e.target.value as AbrMode)}>
            <option value="ours">ours</option>
            <option value="engine">the engine's own</option>
          </select>
        </label>
        <label>
          Cap to player size{" "}
          <input
            type="checkbox"
            checked={capToPlayerSize}
            onChange={(e) => setCapToPlayerSize(e.target.checked)}
          />
        </label>
        <label>
          Quality{" "}
          <select
            value={manual}
            onChange={(e) => {
              setManual(e.target.value);
              adapter?.setManualRendition(e.target.value === "auto" ? null : e.target.value);
            }}
          >
            <option value="auto">auto</option>
            {renditions.map((r) => (
              <option key={r.id} value={r.id}>
                {qualityLabel(r)}
              </option>
            ))}
          </select>
        </label>
        <label>
          Audio{" "}
          <select
            aria-label="Audio language"
            value={audio.find((t) => t.active)?.id ?? ""}
            onChange={(e) => {
              adapter?.setAudioTrack(e.target.value);
              setAudio((tracks) => tracks.map((t) => ({ ...t, active: t.id === e.target.value })));
            }}
          >
            {audio.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name} ({t.language})
              </option>
            ))}
          </select>
        </label>
        <label>
          Subtitles{" "}
          <select
            aria-label="Subtitles"
            value={subtitles.find((t) => t.active)?.id ?? "off"}
            onChange={(e) => {
              const id = e.target.value === "off" ? null : e.target.value;
              adapter?.setSubtitleTrack(id);
              setSubtitles((tracks) => tracks.map((t) => ({ ...t, active: t.id === id })));
            }}
          >
            <option value="off">off</option>
            {subtitles.map((t) => (
              <option key={t.id} value={t.id}>
                {t.name} ({t.language})
              </option>
            ))}
          </select>
        </label>
        <AbrPanel tunables={abrTunables} onChange={setAbrTunables} disabled={abr !== "ours"} />
        <button type="button" onClick={() => setShowStats((v) => !v)} aria-pressed={showStats}>
          Stats
        </button>
        <button
          type="button"
          onClick={() => {
            const query = withPlayerSettings(new URLSearchParams(window.location.search), {
              engine,
              abr,
              capToPlayerSize,
              profile: shapingProfile,
              atSec: video?.currentTime ?? 0,
              abrTunables,
            });
            const href = `${window.location.origin}${window.location.pathname}?${query}`;
            navigator.clipboard.writeText(href).then(
              () => setCopied("Link copied: it opens this setup at this moment."),
              () => setCopied(href),
            );
          }}
        >
          Copy link
        </button>
        {copied && (
          <output className="copied" aria-live="polite">
            {copied}
          </output>
        )}
      </div>
    </div>
  );
}
