/**
 * How tall the picture is on screen, in device pixels: what the player-size ceiling of the ABR
 * core (`maxHeightRule`) caps renditions to. One definition for both engines.
 *
 * The video element's box is letterboxed (or pillarboxed) to the video's aspect ratio, so the
 * picture is the box's height only when the box is at least as wide as the picture. In
 * picture-in-picture the picture is the floating window's, not the element's.
 */

/** The box the picture is drawn in, in CSS pixels, and the screen's device pixel ratio. */
export interface PictureBox {
  width: number;
  height: number;
  devicePixelRatio: number;
}

/**
 * Height of the picture in device pixels: the box's height, or less when the box is too
 * narrow for the video's aspect (`width / height`; null when unknown: the box's height).
 * Null before layout (no box yet), which means no cap.
 */
export function pictureHeight(box: PictureBox, aspect: number | null): number | null {
  if (!(box.width > 0 && box.height > 0)) return null;
  const cssHeight = aspect && aspect > 0 ? Math.min(box.height, box.width / aspect) : box.height;
  const ratio = box.devicePixelRatio > 0 ? box.devicePixelRatio : 1;
  return Math.round(cssHeight * ratio);
}

/** What the DOM offers for one video element (a structural type, so tests pass plain objects). */
export interface VideoLike {
  clientWidth: number;
  clientHeight: number;
  videoWidth: number;
  videoHeight: number;
}

/**
 * The box of `video` now: the picture-in-picture window when it is floating there, else the
 * element's own box.
 */
export function pictureBoxOf(
  video: VideoLike,
  devicePixelRatio: number,
  pipWindow: { width: number; height: number } | null,
): PictureBox {
  const box = pipWindow ?? { width: video.clientWidth, height: video.clientHeight };
  return { width: box.width, height: box.height, devicePixelRatio };
}

/** The video's own aspect once known, else the ladder's tallest rendition's, else null. */
export function aspectOf(
  video: VideoLike,
  tallest: { width: number; height: number } | undefined,
): number | null {
  if (video.videoWidth > 0 && video.videoHeight > 0) return video.videoWidth / video.videoHeight;
  if (tallest && tallest.width > 1 && tallest.height > 1) return tallest.width / tallest.height;
  return null;
}
