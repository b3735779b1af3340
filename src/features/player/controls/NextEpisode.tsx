/**
 * "Next episode in N s" over the end of an episode, with Play now and Cancel; at zero the next
 * episode plays. The countdown's rules live in countdown.ts; this only feeds it events.
 */
import { useEffect, useReducer, useRef } from "react";
import { originUrl } from "../../../lib/api.ts";
import { HIDDEN, isDue, nextCountdown } from "./countdown.ts";
import type { NextUp } from "./types.ts";

export interface NextEpisodeProps {
  next: NextUp;
  currentTime: number;
  durationSec: number;
  ended: boolean;
}

export function NextEpisode({ next, currentTime, durationSec, ended }: NextEpisodeProps) {
  const [state, dispatch] = useReducer(nextCountdown, HIDDEN);
  const started = useRef(false);

  useEffect(() => {
    dispatch({ type: "media", currentTime, durationSec, ended });
  }, [currentTime, durationSec, ended]);

  const wallClock = state.phase === "counting" && state.clock === "wall";
  useEffect(() => {
    if (!wallClock) return;
    const timer = setInterval(() => dispatch({ type: "tick" }), 1000);
    return () => clearInterval(timer);
  }, [wallClock]);

  const due = isDue(state);
  useEffect(() => {
    // Once: a re-render at zero must not start the next episode twice.
    if (due && !started.current) {
      started.current = true;
      next.play();
    }
  }, [due, next]);

  if (state.phase !== "counting") return null;
  const { title } = next;
  const episode = title.episode ? `S${title.episode.season}:E${title.episode.episode} ` : "";
  return (
    <section className="next-episode" aria-label="Next episode">
      <img src={originUrl(title.artwork.backdrop)} alt="" />
      <div>
        <p className="next-episode-count">Next episode in {state.remainingSec} s</p>
        <p className="next-episode-name">
          {episode}
          {title.name}
        </p>
        <div className="next-episode-actions">
          <button
            type="button"
            className="primary"
            onClick={() => {
              started.current = true;
              next.play();
            }}
          >
            Play now
          </button>
          <button type="button" onClick={() => dispatch({ type: "cancel" })}>
            Cancel
          </button>
        </div>
      </div>
    </section>
  );
}
