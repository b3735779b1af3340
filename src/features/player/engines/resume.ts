/**
 * After an engine rebuilds its media source to get past a bad segment, the element can come
 * back paused (the load algorithm pauses it, and autoplay does not run again): playback that
 * stops without the viewer asking. Called when the recovery starts, this resumes playback once
 * the media can play again, unless the viewer had paused (`viewerPaused`).
 */
export function resumeAfterRecovery(video: HTMLMediaElement, viewerPaused: boolean): void {
  if (viewerPaused || video.ended) return;
  const resume = () => {
    if (video.paused && !video.ended) video.play().catch(() => {});
  };
  video.addEventListener("canplay", resume, { once: true });
  // Already playable again (or it never paused): nothing was waiting for it.
  setTimeout(() => video.removeEventListener("canplay", resume), RESUME_WINDOW_MS);
}

/** A recovery that takes longer than this is not waited on: the freeze watchdog takes over. */
const RESUME_WINDOW_MS = 15_000;
