// @ts-check
/**
 * The benchmark's meter inside the page, injected before any of the page's own scripts
 * (Playwright's addInitScript) into every player alike: ours and the stock pages. It only
 * watches the page's <video>: media events (caught at the document, so any video element
 * counts), the first frame shown (requestVideoFrameCallback), and every 100 ms a sample of
 * currentTime, paused, ended and readyState, from which the bench finds stalls, including
 * silent freezes where nothing says "waiting" but time stands still. Times are
 * performance.now(): milliseconds from the navigation that opened the page. The bench drains
 * the events as it goes (window.__benchMeter.drain()) and computes everything in Node
 * (meter/measure.ts). Plain JavaScript, so the page runs it exactly as written.
 */
(() => {
  if ("__benchMeter" in window) return;
  const SAMPLE_MS = 100;
  const MEDIA_EVENTS = [
    "loadstart",
    "loadedmetadata",
    "loadeddata",
    "canplay",
    "play",
    "playing",
    "waiting",
    "stalled",
    "pause",
    "seeking",
    "seeked",
    "ended",
    "error",
    "emptied",
  ];
  /** @type {object[]} */
  const events = [];
  /** @type {WeakSet<HTMLVideoElement>} */
  const watched = new WeakSet();

  /** @param {HTMLVideoElement} video */
  const watchFirstFrame = (video) => {
    if (watched.has(video) || typeof video.requestVideoFrameCallback !== "function") return;
    watched.add(video);
    video.requestVideoFrameCallback((now, frame) => {
      events.push({ kind: "frame", t: frame.presentationTime || now, mediaTime: frame.mediaTime });
    });
  };

  for (const type of MEDIA_EVENTS) {
    document.addEventListener(
      type,
      (event) => {
        const video = event.target;
        if (!(video instanceof HTMLVideoElement)) return;
        watchFirstFrame(video);
        events.push({ kind: "media", type, t: performance.now(), currentTime: video.currentTime });
      },
      true,
    );
  }

  setInterval(() => {
    const video = document.querySelector("video");
    if (!video) return;
    watchFirstFrame(video);
    const quality = video.getVideoPlaybackQuality();
    events.push({
      kind: "sample",
      t: performance.now(),
      currentTime: video.currentTime,
      paused: video.paused,
      ended: video.ended,
      readyState: video.readyState,
      droppedFrames: quality.droppedVideoFrames,
      totalFrames: quality.totalVideoFrames,
    });
  }, SAMPLE_MS);

  Object.defineProperty(window, "__benchMeter", {
    value: { drain: () => events.splice(0, events.length) },
  });
})();
