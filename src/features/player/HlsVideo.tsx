/**
 * Plays an HLS manifest in a <video>. hls.js is imported on demand, so the catalog screens load
 * without it. (Issue 4 replaces this with the player driven by our own ABR controller.)
 */
import { useEffect, useRef, useState } from "react";

export function HlsVideo({ src, poster }: { src: string; poster?: string }) {
  const videoRef = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const video = videoRef.current;
    if (!video) return;
    let destroyed = false;
    let destroy = () => {};
    void import("hls.js").then(({ default: Hls }) => {
      if (destroyed) return;
      if (!Hls.isSupported()) {
        setError("This browser has no Media Source Extensions: it cannot play HLS here.");
        return;
      }
      const hls = new Hls();
      hls.on(Hls.Events.ERROR, (_event, data) => {
        if (data.fatal) setError(`Playback failed: ${data.details}`);
      });
      hls.loadSource(src);
      hls.attachMedia(video);
      destroy = () => hls.destroy();
    });
    return () => {
      destroyed = true;
      destroy();
    };
  }, [src]);

  return (
    <div className="player">
      {/* biome-ignore lint/a11y/useMediaCaption: captions come from the stream's subtitle tracks */}
      <video ref={videoRef} controls poster={poster} aria-label="Video player" />
      {error && <p role="alert">{error}</p>}
    </div>
  );
}
