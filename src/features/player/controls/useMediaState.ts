/**
 * The <video>'s state as React state, from its own events: the one source the controls read,
 * so what they show is what the element does (whichever engine drives it).
 */
import { useEffect, useState } from "react";

/** A buffered range in seconds (the player's engines have their own copy: features stay apart). */
export interface TimeRange {
  start: number;
  end: number;
}

export interface MediaState {
  paused: boolean;
  ended: boolean;
  /** Waiting for data while meant to play: the spinner shows. */
  waiting: boolean;
  currentTime: number;
  /** Finite duration, or the end of the seekable range for a live stream; 0 while unknown. */
  durationSec: number;
  live: boolean;
  buffered: TimeRange[];
  volume: number;
  muted: boolean;
  rate: number;
}

const INITIAL: MediaState = {
  paused: true,
  ended: false,
  waiting: false,
  currentTime: 0,
  durationSec: 0,
  live: false,
  buffered: [],
  volume: 1,
  muted: true,
  rate: 1,
};

const EVENTS = [
  "play",
  "pause",
  "playing",
  "waiting",
  "seeking",
  "seeked",
  "timeupdate",
  "durationchange",
  "loadedmetadata",
  "progress",
  "volumechange",
  "ratechange",
  "ended",
  "emptied",
] as const;

function read(video: HTMLVideoElement, waiting: boolean): MediaState {
  const live = video.duration === Number.POSITIVE_INFINITY;
  const seekable = video.seekable;
  const durationSec = Number.isFinite(video.duration)
    ? video.duration
    : live && seekable.length > 0
      ? seekable.end(seekable.length - 1)
      : 0;
  return {
    paused: video.paused,
    ended: video.ended,
    waiting: waiting && !video.paused,
    currentTime: video.currentTime,
    durationSec,
    live,
    buffered: Array.from({ length: video.buffered.length }, (_, i) => ({
      start: video.buffered.start(i),
      end: video.buffered.end(i),
    })),
    volume: video.volume,
    muted: video.muted,
    rate: video.playbackRate,
  };
}

export function useMediaState(video: HTMLVideoElement | null): MediaState {
  const [state, setState] = useState<MediaState>(INITIAL);
  useEffect(() => {
    if (!video) return;
    let waiting = false;
    const update = (event?: Event) => {
      if (event?.type === "waiting") waiting = true;
      else if (event && ["playing", "pause", "seeked", "emptied"].includes(event.type))
        waiting = false;
      setState(read(video, waiting));
    };
    update();
    for (const name of EVENTS) video.addEventListener(name, update);
    return () => {
      for (const name of EVENTS) video.removeEventListener(name, update);
    };
  }, [video]);
  return state;
}
