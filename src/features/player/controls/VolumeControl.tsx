/**
 * Mute button and volume slider. The slider is a native range input: a slider role, keyboard
 * steps and aria-valuenow for free. It reads 0 while muted, as viewers expect, and moving it
 * unmutes.
 */

import { Icon } from "./Icon.tsx";
import type { MediaState } from "./useMediaState.ts";

export interface VolumeControlProps {
  media: Pick<MediaState, "volume" | "muted">;
  onToggleMute(): void;
  onVolume(volume: number): void;
}

export function VolumeControl({ media, onToggleMute, onVolume }: VolumeControlProps) {
  const silent = media.muted || media.volume === 0;
  const level = silent ? 0 : Math.round(media.volume * 100);
  return (
    <div className="volume">
      <button
        type="button"
        className="ctl"
        onClick={onToggleMute}
        aria-label={silent ? "Unmute" : "Mute"}
        title={silent ? "Unmute (m)" : "Mute (m)"}
      >
        <Icon name={silent ? "muted" : media.volume < 0.5 ? "volumeLow" : "volume"} />
      </button>
      <input
        type="range"
        className="volume-slider"
        aria-label="Volume"
        aria-valuetext={silent ? "muted" : `${level}%`}
        min={0}
        max={100}
        step={5}
        value={level}
        onChange={(e) => onVolume(Number(e.target.value) / 100)}
      />
    </div>
  );
}
