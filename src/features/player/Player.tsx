/**
 * The player: a <video>, our ABR controller in hls.js (HLS) or shaka-player (DASH), menus for
 * engine, ABR, quality, audio and subtitles, a clear error screen with a retry, and the stats
 * overlay (button or Ctrl+Alt+Shift+D).
 */
import { useEffect, useState } from "react";
import { useStore } from "zustand";
import type { Title } from "../../schemas/catalog.ts";
import type { AbrMode, EngineName, TrackInfo } from "./engines/engine.ts";
import { StatsOverlay } from "./StatsOverlay.tsx";
import { usePlaybackSession } from "./usePlaybackSession.ts";

export function Player({ title }: { title: Title }) {
  const [video, setVideo] = useState<HTMLVideoElement | null>(null);
  const [engine, setEngine] = useState<EngineName>("hlsjs");
  const [abr, setAbr] = useState<AbrMode>("ours");
  const [attempt, setAttempt] = useState(0);
  const [showStats, setShowStats] = useState(false);
  const [audio, setAudio] = useState<TrackInfo[]>([]);
  const [subtitles, setSubtitles] = useState<TrackInfo[]>([]);
  const [manual, setManual] = useState<string>("auto");
  const { store, adapter } = usePlaybackSession(video, title, engine, abr, attempt);
  const error = useStore(store, (s) => s.error);

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
    <div className="player">
      <div className="player-stage">
        <video
          ref={setVideo}
          controls
          autoPlay
          muted
          playsInline
          aria-label={`${title.name} video`}
        />
        {showStats && <StatsOverlay store={store} />}
        {error && (
          <div className="player-error" role="alert">
            <p>{error}</p>
            <button type="button" onClick={() => setAttempt((n) => n + 1)}>
              Retry
            </button>
          </div>
        )}
      </div>
      <div className="player-menus">
        <label>
          Engine{" "}
          <select value={engine} onChange={(e) => setEngine(e.target.value as EngineName)}>
            <option value="hlsjs">hls.js (HLS)</option>
            <option value="shaka">shaka-player (DASH)</option>
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
          Quality{" "}
          <select
            value={manual}
            onChange={(e) => {
              setManual(e.target.value);
              adapter?.setManualRendition(e.target.value === "auto" ? null : e.target.value);
            }}
          >
            <option value="auto">auto</option>
            {title.renditions.map((r) => (
              <option key={r.id} value={r.id}>
                {r.codec.toUpperCase()} {r.height}p {Math.round(r.averageBitrateBps / 1000)} kbit/s
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
        <button type="button" onClick={() => setShowStats((v) => !v)} aria-pressed={showStats}>
          Stats
        </button>
      </div>
    </div>
  );
}
