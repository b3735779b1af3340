/**
 * Full screen and picture-in-picture, with the prefixed forms Safari still needs. The player
 * container goes full screen (not the bare video), so our controls, menus and stats come along;
 * only an iPhone, which can full-screen nothing but a video, gets its native player.
 */

interface WebkitDocument {
  webkitFullscreenElement?: Element | null;
  webkitFullscreenEnabled?: boolean;
  webkitExitFullscreen?: () => Promise<void> | void;
}
interface WebkitElement {
  webkitRequestFullscreen?: () => Promise<void> | void;
}
interface WebkitVideo {
  webkitEnterFullscreen?: () => void;
}

const doc = () => document as Document & WebkitDocument;

export function fullscreenElement(): Element | null {
  return document.fullscreenElement ?? doc().webkitFullscreenElement ?? null;
}

export function canFullscreen(video: HTMLVideoElement | null): boolean {
  return Boolean(
    document.fullscreenEnabled ||
      doc().webkitFullscreenEnabled ||
      (video as (HTMLVideoElement & WebkitVideo) | null)?.webkitEnterFullscreen,
  );
}

export async function toggleFullscreen(
  container: HTMLElement,
  video: HTMLVideoElement | null,
): Promise<void> {
  if (fullscreenElement()) {
    await (document.exitFullscreen?.() ?? doc().webkitExitFullscreen?.());
    return;
  }
  const el = container as HTMLElement & WebkitElement;
  if (document.fullscreenEnabled) await el.requestFullscreen();
  else if (doc().webkitFullscreenEnabled) await el.webkitRequestFullscreen?.();
  else (video as (HTMLVideoElement & WebkitVideo) | null)?.webkitEnterFullscreen?.();
}

/** Listens for entering and leaving full screen (both event names); returns the unsubscribe. */
export function onFullscreenChange(listener: () => void): () => void {
  document.addEventListener("fullscreenchange", listener);
  document.addEventListener("webkitfullscreenchange", listener);
  return () => {
    document.removeEventListener("fullscreenchange", listener);
    document.removeEventListener("webkitfullscreenchange", listener);
  };
}

export function canPictureInPicture(video: HTMLVideoElement | null): boolean {
  return Boolean(
    video &&
      document.pictureInPictureEnabled &&
      !video.disablePictureInPicture &&
      typeof video.requestPictureInPicture === "function",
  );
}

export async function togglePictureInPicture(video: HTMLVideoElement): Promise<void> {
  if (document.pictureInPictureElement) await document.exitPictureInPicture();
  else await video.requestPictureInPicture();
}
