/**
 * The video element as the ABR and the freeze watchdog see it: buffer ahead, playback rate,
 * the picture's size on screen (the element's box, or the picture-in-picture window's), and a
 * call when that size changes (resize, fullscreen, picture-in-picture). The DOM side of the
 * engine-free `MediaView` and `PlaybackState`.
 */
import { BUFFER_HOLE_SEC, bufferAheadSec, rangesOf } from "./engines/buffer.ts";
import type { MediaView } from "./engines/engine-session.ts";
import { aspectOf, pictureBoxOf, pictureHeight } from "./engines/picture.ts";
import type { PlaybackState } from "./freeze-watchdog.ts";

/** Resize events come in bursts (a window drag); one decision per burst is enough. */
const RESIZE_SETTLE_MS = 200;

export interface WatchedVideo {
  view: MediaView;
  /** What the freeze watchdog reads; the last byte, the first frame and whether the viewer
   * paused come from elsewhere. */
  playbackState(
    lastByteAtMs: number | null,
    started: boolean,
    viewerPaused: boolean,
  ): PlaybackState;
  dispose(): void;
}

export function watchVideo(video: HTMLVideoElement, onPictureChange: () => void): WatchedVideo {
  let pipWindow: PictureInPictureWindow | null = null;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const changed = () => {
    clearTimeout(timer);
    timer = setTimeout(onPictureChange, RESIZE_SETTLE_MS);
  };
  const onEnterPip = (event: Event) => {
    pipWindow = (event as PictureInPictureEvent).pictureInPictureWindow;
    pipWindow.addEventListener("resize", changed);
    changed();
  };
  const onLeavePip = () => {
    pipWindow?.removeEventListener("resize", changed);
    pipWindow = null;
    changed();
  };
  const observer = typeof ResizeObserver === "undefined" ? null : new ResizeObserver(changed);
  observer?.observe(video);
  video.addEventListener("enterpictureinpicture", onEnterPip);
  video.addEventListener("leavepictureinpicture", onLeavePip);
  // The video's own aspect is known once its metadata is: the letterboxing may change.
  video.addEventListener("loadedmetadata", changed);

  const view: MediaView = {
    bufferSec: () => bufferAheadSec(rangesOf(video.buffered), video.currentTime),
    playbackRate: () => video.playbackRate || 1,
    pictureHeight: (aspect) => {
      const box = pictureBoxOf(video, window.devicePixelRatio, pipWindow);
      const own = aspectOf(video, undefined);
      return pictureHeight(box, own ?? aspect);
    },
  };

  return {
    view,
    playbackState: (lastByteAtMs, started, viewerPaused) => {
      const ranges = rangesOf(video.buffered);
      const t = video.currentTime;
      const inside = ranges.some((r) => r.start <= t + BUFFER_HOLE_SEC && r.end > t);
      const next = ranges.find((r) => r.start > t);
      return {
        currentTime: t,
        paused: video.paused,
        pauseIntended: viewerPaused || document.hidden,
        ended: video.ended,
        bufferAheadSec: bufferAheadSec(ranges, t),
        gapAheadSec: !inside && next ? next.start - t : null,
        lastByteAtMs,
        started,
      };
    },
    dispose: () => {
      clearTimeout(timer);
      observer?.disconnect();
      pipWindow?.removeEventListener("resize", changed);
      video.removeEventListener("enterpictureinpicture", onEnterPip);
      video.removeEventListener("leavepictureinpicture", onLeavePip);
      video.removeEventListener("loadedmetadata", changed);
    },
  };
}
