// @ts-check
/**
 * A stock engine in a bare page: plays `?src=` with the engine's default configuration (its
 * own ABR, nothing tuned), whichever engine the page loaded with its <script> tag. Plain
 * JavaScript, served as it is, like a page that embeds the engine's published build.
 */
(() => {
  const video = document.querySelector("video");
  const errorBox = document.getElementById("error");
  const src = new URLSearchParams(location.search).get("src");
  /** @param {string} message */
  const fail = (message) => {
    if (errorBox) errorBox.textContent = message;
    console.error(`bare player: ${message}`);
  };
  if (!video) return;
  if (!src) {
    fail("Give the manifest to play as ?src=<URL>.");
    return;
  }
  // The engines are globals of their dist builds, untyped here.
  const engines = /** @type {any} */ (window);
  if (engines.Hls) {
    const hls = new engines.Hls();
    hls.on(engines.Hls.Events.ERROR, (/** @type {unknown} */ _event, /** @type {any} */ data) => {
      if (data.fatal) fail(`hls.js: ${data.type} ${data.details}`);
    });
    hls.loadSource(src);
    hls.attachMedia(video);
  } else if (engines.shaka) {
    engines.shaka.polyfill.installAll();
    const player = new engines.shaka.Player();
    player.addEventListener("error", (/** @type {any} */ event) =>
      fail(`shaka-player: error ${event.detail?.code}`),
    );
    player
      .attach(video)
      .then(() => player.load(src))
      .catch((/** @type {any} */ error) => fail(`shaka-player: error ${error?.code ?? error}`));
  } else {
    fail("No engine loaded: the page's engine <script> failed.");
  }
})();
