/**
 * The seek bar: played and buffered ranges, click or drag to seek, a keyboard slider, and on
 * hover or drag a preview of the time with its trick-play thumbnail when the title has them.
 * A drag seeks once, on release, so the engine is not asked to fetch every frame passed over.
 */
import { type CSSProperties, type KeyboardEvent, type PointerEvent, useRef, useState } from "react";
import { formatTime, spokenTime } from "./format.ts";
import { type ThumbnailCue, thumbnailAt } from "./thumbnails.ts";
import type { TimeRange } from "./useMediaState.ts";

export interface SeekBarProps {
  currentTime: number;
  durationSec: number;
  buffered: readonly TimeRange[];
  thumbnails: readonly ThumbnailCue[] | null;
  onSeek(timeSec: number): void;
}

/** Keyboard steps: arrows 5 s as in the player's own shortcuts, Page keys 10 % of the title. */
const ARROW_STEP_SEC = 5;

const pct = (value: number, total: number) =>
  `${total > 0 ? Math.min(100, Math.max(0, (value / total) * 100)) : 0}%`;

export function SeekBar({ currentTime, durationSec, buffered, thumbnails, onSeek }: SeekBarProps) {
  const track = useRef<HTMLDivElement>(null);
  /** Where the pointer is over the bar (hover or drag), as a time; null when it is not. */
  const [hoverSec, setHoverSec] = useState<number | null>(null);
  const [dragging, setDragging] = useState(false);
  const seekable = durationSec > 0;

  const timeAt = (clientX: number) => {
    const rect = track.current?.getBoundingClientRect();
    if (!rect || rect.width === 0) return 0;
    return Math.min(1, Math.max(0, (clientX - rect.left) / rect.width)) * durationSec;
  };

  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    if (!seekable || e.button !== 0) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    setDragging(true);
    setHoverSec(timeAt(e.clientX));
  };
  const onPointerMove = (e: PointerEvent<HTMLDivElement>) => {
    if (seekable) setHoverSec(timeAt(e.clientX));
  };
  const onPointerUp = (e: PointerEvent<HTMLDivElement>) => {
    if (!dragging) return;
    setDragging(false);
    onSeek(timeAt(e.clientX));
    // A touch has no hover: the preview goes with the finger.
    if (e.pointerType !== "mouse") setHoverSec(null);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const steps: Record<string, number> = {
      ArrowLeft: currentTime - ARROW_STEP_SEC,
      ArrowDown: currentTime - ARROW_STEP_SEC,
      ArrowRight: currentTime + ARROW_STEP_SEC,
      ArrowUp: currentTime + ARROW_STEP_SEC,
      PageDown: currentTime - durationSec / 10,
      PageUp: currentTime + durationSec / 10,
      Home: 0,
      End: durationSec,
    };
    const target = steps[e.key];
    if (target === undefined || !seekable || e.ctrlKey || e.altKey || e.metaKey) return;
    // The player's shortcut listener leaves sliders alone, so these seek once.
    e.preventDefault();
    onSeek(target);
  };

  // While dragging, the bar follows the pointer rather than the (not yet seeked) video.
  const shownSec = dragging && hoverSec !== null ? hoverSec : currentTime;
  const cue = hoverSec !== null && thumbnails ? thumbnailAt(thumbnails, hoverSec) : null;

  return (
    <div
      className={`seekbar${dragging ? " dragging" : ""}`}
      role="slider"
      tabIndex={seekable ? 0 : -1}
      aria-label="Seek"
      aria-valuemin={0}
      aria-valuemax={Math.round(durationSec)}
      aria-valuenow={Math.round(shownSec)}
      aria-valuetext={`${spokenTime(shownSec)} of ${spokenTime(durationSec)}`}
      aria-disabled={!seekable}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerCancel={() => {
        setDragging(false);
        setHoverSec(null);
      }}
      onPointerLeave={() => {
        if (!dragging) setHoverSec(null);
      }}
      onKeyDown={onKeyDown}
    >
      <div className="seekbar-track" ref={track}>
        {buffered.map((r) => (
          <div
            key={`${r.start}-${r.end}`}
            className="seekbar-buffered"
            style={{ left: pct(r.start, durationSec), width: pct(r.end - r.start, durationSec) }}
          />
        ))}
        <div className="seekbar-played" style={{ width: pct(shownSec, durationSec) }} />
        {hoverSec !== null && !dragging && (
          <div className="seekbar-hover" style={{ width: pct(hoverSec, durationSec) }} />
        )}
        <div className="seekbar-thumb" style={{ left: pct(shownSec, durationSec) }} />
      </div>
      {hoverSec !== null && (
        <div
          className="seekbar-preview"
          data-testid="seek-preview"
          // Centred over the pointer, kept inside the bar by CSS clamp().
          style={{ "--at": pct(hoverSec, durationSec) } as CSSProperties}
          aria-hidden="true"
        >
          {cue && <Thumbnail cue={cue} />}
          <span className="seekbar-preview-time">{formatTime(hoverSec, durationSec)}</span>
        </div>
      )}
    </div>
  );
}

/** One tile of a sprite, cropped with background-position; or the whole image. */
function Thumbnail({ cue }: { cue: ThumbnailCue }) {
  if (!cue.tile)
    return <img className="seekbar-thumbnail" data-testid="seek-thumbnail" src={cue.url} alt="" />;
  const { x, y, width, height } = cue.tile;
  return (
    <div
      className="seekbar-thumbnail"
      data-testid="seek-thumbnail"
      style={{
        width,
        height,
        backgroundImage: `url("${cue.url}")`,
        backgroundPosition: `-${x}px -${y}px`,
      }}
    />
  );
}
