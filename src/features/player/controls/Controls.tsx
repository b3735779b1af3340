/**
 * Our player controls over the <video>: seek bar with trick-play thumbnails, play/pause,
 * volume, time, speed, settings (the player's menus, rendered by Player), help, picture-in-
 * picture and full screen; keyboard shortcuts on the whole player; auto-hide while playing;
 * and the next-episode countdown. They read the video element's own state (useMediaState), so
 * they work the same over hls.js and shaka-player.
 */
import { useCallback, useEffect, useRef, useState } from "react";
import { formatTime } from "./format.ts";
import {
  canFullscreen,
  canPictureInPicture,
  fullscreenElement,
  onFullscreenChange,
  toggleFullscreen,
  togglePictureInPicture,
} from "./fullscreen.ts";
import { Icon } from "./Icon.tsx";
import { NextEpisode } from "./NextEpisode.tsx";
import { SeekBar } from "./SeekBar.tsx";
import { ShortcutHelp } from "./ShortcutHelp.tsx";
import { SpeedMenu } from "./SpeedMenu.tsx";
import {
  actionForKey,
  clampTime,
  clampVolume,
  type ShortcutAction,
  stepSpeed,
} from "./shortcuts.ts";
import type { NextUp } from "./types.ts";
import { useAutoHide } from "./useAutoHide.ts";
import { useMediaState } from "./useMediaState.ts";
import { useThumbnails } from "./useThumbnails.ts";
import { VolumeControl } from "./VolumeControl.tsx";

export interface ControlsProps {
  video: HTMLVideoElement | null;
  /** The whole player: it goes full screen and takes the keyboard shortcuts. */
  container: HTMLElement | null;
  /** The title's thumbnail track (WebVTT with `#xywh=` sprite tiles); null for none. */
  thumbnailsUrl: string | null;
  /** The episode that follows, if any: the countdown shows over the end. */
  next: NextUp | null;
  /** The settings panel (Player's menus): its element id and whether it is open. */
  settings: { panelId: string; open: boolean; setOpen(open: boolean): void };
  /** The viewer paused or played: a pause they did not ask for is the freeze watchdog's. */
  onViewerPause?(paused: boolean): void;
}

/**
 * Volume and mute as the viewer last set them, for the page's life: the next episode starts
 * as loud as the last one ended. The first title autoplays muted, as browsers require.
 */
let remembered: { volume: number; muted: boolean } | null = null;

/**
 * Keys that widgets handle themselves. The shortcut listener is a native one on the player, so
 * it runs before their React handlers: it must leave their keys alone rather than rely on them
 * stopping propagation. Sliders keep only their navigation keys (K or M still work on them).
 */
const SLIDER_KEYS = new Set([
  "ArrowLeft",
  "ArrowRight",
  "ArrowUp",
  "ArrowDown",
  "Home",
  "End",
  "PageUp",
  "PageDown",
]);

/** Elements whose own keys win over the shortcuts (typing, choosing, sliding, pressing a button). */
function ownsKey(target: HTMLElement, key: string): boolean {
  if (target.isContentEditable || target.closest("select, textarea, input:not([type=range])"))
    return true;
  if (target.closest('[role="slider"], input[type=range]')) return SLIDER_KEYS.has(key);
  return target.tagName === "BUTTON" && (key === " " || key === "Enter");
}

export function Controls({
  video,
  container,
  thumbnailsUrl,
  next,
  settings,
  onViewerPause,
}: ControlsProps) {
  const media = useMediaState(video);
  const thumbnails = useThumbnails(thumbnailsUrl);
  const [speedOpen, setSpeedOpen] = useState(false);
  const [helpOpen, setHelpOpen] = useState(false);
  const [fullscreen, setFullscreen] = useState(false);
  const [pip, setPip] = useState(false);
  const [keyboardInBar, setKeyboardInBar] = useState(false);
  /** A short on-screen note after a shortcut ("+5 s", "Volume 40%"), also read out. */
  const [note, setNote] = useState<{ text: string; at: number } | null>(null);
  const bar = useRef<HTMLDivElement>(null);
  const settingsButton = useRef<HTMLButtonElement>(null);
  const lastPointer = useRef("mouse");

  const playing = !media.paused && !media.ended;
  const hold = !playing || settings.open || speedOpen || helpOpen || keyboardInBar;
  const { visible, revealedAt } = useAutoHide(container, hold);

  useEffect(() => {
    if (!video || !remembered) return;
    video.volume = remembered.volume;
    video.muted = remembered.muted;
  }, [video]);

  useEffect(
    () => onFullscreenChange(() => setFullscreen(fullscreenElement() === container)),
    [container],
  );

  useEffect(() => {
    if (!video) return;
    const update = () => setPip(document.pictureInPictureElement === video);
    video.addEventListener("enterpictureinpicture", update);
    video.addEventListener("leavepictureinpicture", update);
    return () => {
      video.removeEventListener("enterpictureinpicture", update);
      video.removeEventListener("leavepictureinpicture", update);
    };
  }, [video]);

  useEffect(() => {
    if (!note) return;
    const timer = setTimeout(() => setNote(null), 800);
    return () => clearTimeout(timer);
  }, [note]);

  const show = useCallback((text: string) => setNote({ text, at: performance.now() }), []);

  const togglePlay = useCallback(() => {
    if (!video) return;
    const play = video.paused || video.ended;
    onViewerPause?.(!play);
    if (play) video.play().catch(() => {});
    else video.pause();
  }, [video, onViewerPause]);

  const seek = useCallback(
    (timeSec: number) => {
      if (video) video.currentTime = clampTime(timeSec, media.durationSec);
    },
    [video, media.durationSec],
  );

  const setVolume = useCallback(
    (volume: number) => {
      if (!video) return;
      video.volume = clampVolume(volume);
      video.muted = video.volume === 0;
      remembered = { volume: video.volume, muted: video.muted };
    },
    [video],
  );

  const toggleMute = useCallback(() => {
    if (!video) return;
    video.muted = !video.muted;
    // Unmuting at zero volume would still be silent.
    if (!video.muted && video.volume === 0) video.volume = 0.5;
    remembered = { volume: video.volume, muted: video.muted };
  }, [video]);

  const fullscreenToggle = useCallback(() => {
    if (container) toggleFullscreen(container, video).catch(() => {});
  }, [container, video]);

  const apply = useCallback(
    (action: ShortcutAction) => {
      if (!video) return;
      switch (action.type) {
        case "togglePlay":
          togglePlay();
          return;
        case "seekBy":
          seek(video.currentTime + action.seconds);
          show(`${action.seconds > 0 ? "+" : "−"}${Math.abs(action.seconds)} s`);
          return;
        case "seekToFraction":
          seek(action.fraction * media.durationSec);
          return;
        case "volumeBy": {
          const from = video.muted ? 0 : video.volume;
          setVolume(from + action.delta);
          show(`Volume ${Math.round(video.volume * 100)}%`);
          return;
        }
        case "toggleMute":
          toggleMute();
          show(video.muted ? "Muted" : "Sound on");
          return;
        case "toggleFullscreen":
          fullscreenToggle();
          return;
        case "speedStep":
          video.playbackRate = stepSpeed(video.playbackRate, action.direction);
          show(`${video.playbackRate}x`);
          return;
        case "toggleHelp":
          setHelpOpen((open) => !open);
          return;
      }
    },
    [video, media.durationSec, togglePlay, seek, setVolume, toggleMute, fullscreenToggle, show],
  );

  // Shortcuts work wherever focus is inside the player (the stage, the bar, the menus), and
  // when nothing has focus (as after arriving at the watch page), as on the big sites.
  useEffect(() => {
    if (!container) return;
    const onKey = (e: KeyboardEvent) => {
      const target = e.target instanceof HTMLElement ? e.target : null;
      const unfocused = target === document.body || target === document.documentElement;
      if (!unfocused && !(target && container.contains(target))) return;
      if (e.defaultPrevented || target?.closest('[role="menu"], [role="dialog"]')) return;
      // Escape closes the settings even from one of their menus (an open native dropdown
      // keeps its Escape to itself, so this one comes from a closed one).
      if (e.key === "Escape") {
        // Closing something uses the key up: the page (which may leave the player) ignores it.
        if (speedOpen || helpOpen || settings.open) e.preventDefault();
        setSpeedOpen(false);
        setHelpOpen(false);
        if (settings.open) {
          settings.setOpen(false);
          settingsButton.current?.focus();
        }
        return;
      }
      if (target && ownsKey(target, e.key)) return;
      const action = actionForKey(e);
      if (!action) return;
      // Space and the arrows would scroll the page as well.
      e.preventDefault();
      apply(action);
    };
    document.addEventListener("keydown", onKey);
    return () => document.removeEventListener("keydown", onKey);
  }, [container, apply, settings, speedOpen, helpOpen]);

  // An open popup closes on a press anywhere else.
  useEffect(() => {
    if (!settings.open && !speedOpen) return;
    const onDown = (e: PointerEvent) => {
      const target = e.target as Node;
      const panel = document.getElementById(settings.panelId);
      if (settings.open && !panel?.contains(target) && !settingsButton.current?.contains(target))
        settings.setOpen(false);
      if (speedOpen && !bar.current?.querySelector(".menu-anchor")?.contains(target))
        setSpeedOpen(false);
    };
    document.addEventListener("pointerdown", onDown);
    return () => document.removeEventListener("pointerdown", onDown);
  }, [settings, speedOpen]);

  // On opening the settings, focus goes into them (they sit after the stage in the DOM).
  useEffect(() => {
    if (!settings.open) return;
    document
      .getElementById(settings.panelId)
      ?.querySelector<HTMLElement>("select, button, input")
      ?.focus();
  }, [settings.open, settings.panelId]);

  const trackKeyboardFocus = () => {
    const active = document.activeElement;
    setKeyboardInBar(
      Boolean(active && bar.current?.contains(active) && active.matches(":focus-visible")),
    );
  };

  const time = media.live
    ? "Live"
    : `${formatTime(media.currentTime, media.durationSec)} / ${formatTime(media.durationSec)}`;

  return (
    <>
      {/* Click the picture to play or pause, double-click for full screen. A tap that only
          brought the controls back does nothing else. */}
      {/* biome-ignore lint/a11y/noStaticElementInteractions: the keyboard has Space/K and F on the whole player */}
      {/* biome-ignore lint/a11y/useKeyWithClickEvents: as above */}
      <div
        className="stage-click"
        data-testid="stage"
        // Focusable by click, so the shortcuts work after clicking the picture.
        tabIndex={-1}
        onPointerDown={(e) => {
          lastPointer.current = e.pointerType;
        }}
        onClick={() => {
          if (lastPointer.current !== "mouse" && performance.now() - revealedAt.current < 500)
            return;
          togglePlay();
        }}
        onDoubleClick={fullscreenToggle}
      />
      {media.waiting && <div className="spinner" role="status" aria-label="Loading" />}
      <div className="osd" role="status" aria-live="polite">
        {note && <span key={note.at}>{note.text}</span>}
      </div>
      {next && (
        <NextEpisode
          next={next}
          currentTime={media.currentTime}
          durationSec={media.live ? 0 : media.durationSec}
          ended={media.ended}
        />
      )}
      {helpOpen && <ShortcutHelp onClose={() => setHelpOpen(false)} />}
      <div
        ref={bar}
        role="toolbar"
        aria-label="Player controls"
        className={`controls${visible ? "" : " controls-hidden"}`}
        data-testid="controls"
        onFocus={trackKeyboardFocus}
        onBlur={() => requestAnimationFrame(trackKeyboardFocus)}
        onPointerDownCapture={(e) => {
          lastPointer.current = e.pointerType;
        }}
        onClickCapture={(e) => {
          // A touch on faded-out controls only brings them back.
          if (lastPointer.current !== "mouse" && performance.now() - revealedAt.current < 500) {
            e.preventDefault();
            e.stopPropagation();
          }
        }}
      >
        <SeekBar
          currentTime={media.currentTime}
          durationSec={media.durationSec}
          buffered={media.buffered}
          thumbnails={thumbnails}
          onSeek={seek}
        />
        <div className="controls-row">
          <button
            type="button"
            className="ctl"
            onClick={togglePlay}
            aria-label={playing ? "Pause" : media.ended ? "Replay" : "Play"}
            title={playing ? "Pause (k)" : "Play (k)"}
          >
            <Icon name={playing ? "pause" : media.ended ? "replay" : "play"} />
          </button>
          <VolumeControl media={media} onToggleMute={toggleMute} onVolume={setVolume} />
          <span className="controls-time">{time}</span>
          <span className="controls-spacer" />
          <SpeedMenu
            rate={media.rate}
            open={speedOpen}
            onOpenChange={setSpeedOpen}
            onRate={(rate) => {
              if (video) video.playbackRate = rate;
            }}
          />
          <button
            ref={settingsButton}
            type="button"
            className="ctl"
            aria-label="Settings"
            aria-expanded={settings.open}
            aria-controls={settings.panelId}
            title="Settings"
            onClick={() => settings.setOpen(!settings.open)}
          >
            <Icon name="settings" />
          </button>
          <button
            type="button"
            className="ctl ctl-help"
            aria-label="Keyboard shortcuts"
            aria-expanded={helpOpen}
            title="Keyboard shortcuts (?)"
            onClick={() => setHelpOpen((open) => !open)}
          >
            <Icon name="help" />
          </button>
          {canPictureInPicture(video) && (
            <button
              type="button"
              className="ctl"
              aria-label={pip ? "Exit picture-in-picture" : "Picture-in-picture"}
              title="Picture-in-picture"
              onClick={() => {
                if (video) togglePictureInPicture(video).catch(() => {});
              }}
            >
              <Icon name="pip" />
            </button>
          )}
          {canFullscreen(video) && (
            <button
              type="button"
              className="ctl"
              aria-label={fullscreen ? "Exit full screen" : "Full screen"}
              title={fullscreen ? "Exit full screen (f)" : "Full screen (f)"}
              onClick={fullscreenToggle}
            >
              <Icon name={fullscreen ? "exitFullscreen" : "fullscreen"} />
            </button>
          )}
        </div>
      </div>
    </>
  );
}
