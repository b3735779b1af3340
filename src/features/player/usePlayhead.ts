/**
 * The player's start position and position reports: seeks to `startAtSec` once the media has
 * its metadata (before the first frame shows), and reports where the viewer is through
 * `onPosition` (throttled, see position.ts). Engine-free: it only reads the <video> element.
 */
import { useEffect, useRef } from "react";
import { clampTime } from "./controls/shortcuts.ts";
import { createPositionReporter } from "./position.ts";

/** An engine may set its own start after ours; a few re-seeks win that race, then we give up. */
const MAX_START_SEEKS = 3;

export function usePlayhead(
  video: HTMLVideoElement | null,
  startAtSec: number | undefined,
  onPosition: ((positionSec: number, durationSec: number) => void) | undefined,
): void {
  // The latest callback, without re-running the effect (and losing the start) when it changes.
  const report = useRef(onPosition);
  useEffect(() => {
    report.current = onPosition;
  }, [onPosition]);

  useEffect(() => {
    if (!video) return;
    let target = startAtSec !== undefined && startAtSec > 0 ? startAtSec : null;
    let seeks = 0;
    const reporter = createPositionReporter((p, d) => report.current?.(p, d));

    const seekToStart = () => {
      if (target === null || video.readyState < HTMLMediaElement.HAVE_METADATA || video.seeking)
        return;
      const at = clampTime(target, video.duration);
      // Arrived (or the viewer moved on past it): the start is done.
      if (video.currentTime >= at - 1 || seeks >= MAX_START_SEEKS) {
        target = null;
        return;
      }
      seeks += 1;
      video.currentTime = at;
    };
    const onTime = () => {
      if (target !== null) {
        seekToStart();
        return;
      }
      reporter.tick(video.currentTime, video.duration, Date.now());
    };
    // Until the start is reached, positions near 0 would overwrite a saved resume point.
    const onStop = () => {
      if (target === null) reporter.flush(Date.now(), video.currentTime, video.duration);
    };

    seekToStart();
    video.addEventListener("loadedmetadata", seekToStart);
    video.addEventListener("seeked", seekToStart);
    video.addEventListener("timeupdate", onTime);
    video.addEventListener("pause", onStop);
    video.addEventListener("ended", onStop);
    return () => {
      video.removeEventListener("loadedmetadata", seekToStart);
      video.removeEventListener("seeked", seekToStart);
      video.removeEventListener("timeupdate", onTime);
      video.removeEventListener("pause", onStop);
      video.removeEventListener("ended", onStop);
      // The engine may already have detached the element: the last position seen is kept.
      if (target === null) reporter.flush(Date.now());
    };
  }, [video, startAtSec]);
}
