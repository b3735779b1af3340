/**
 * Controls fade out after a few seconds without pointer movement while playing, and when the
 * pointer leaves the player; any movement, touch or key brings them back. `hold` keeps them up
 * (paused, a menu open, keyboard focus in the bar).
 */
import { type RefObject, useCallback, useEffect, useRef, useState } from "react";

export const IDLE_MS = 3000;

export interface AutoHide {
  visible: boolean;
  /** Show the controls and restart the idle timer. */
  reveal(): void;
  /** When the controls last went from hidden to shown: a tap that only revealed them does nothing else. */
  revealedAt: RefObject<number>;
}

export function useAutoHide(container: HTMLElement | null, hold: boolean): AutoHide {
  const [idle, setIdle] = useState(false);
  const idleRef = useRef(false);
  const revealedAt = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const hide = useCallback(() => {
    idleRef.current = true;
    setIdle(true);
  }, []);
  const reveal = useCallback(() => {
    if (idleRef.current) revealedAt.current = performance.now();
    idleRef.current = false;
    setIdle(false);
    clearTimeout(timer.current);
    timer.current = setTimeout(hide, IDLE_MS);
  }, [hide]);

  useEffect(() => {
    if (!container) return;
    const leave = (e: PointerEvent) => {
      if (e.pointerType === "mouse") {
        clearTimeout(timer.current);
        hide();
      }
    };
    container.addEventListener("pointermove", reveal);
    container.addEventListener("pointerdown", reveal);
    container.addEventListener("keydown", reveal);
    container.addEventListener("pointerleave", leave);
    return () => {
      container.removeEventListener("pointermove", reveal);
      container.removeEventListener("pointerdown", reveal);
      container.removeEventListener("keydown", reveal);
      container.removeEventListener("pointerleave", leave);
      clearTimeout(timer.current);
    };
  }, [container, reveal, hide]);

  // Released from a hold (say, playback resumed): start counting from now, not from before.
  useEffect(() => {
    if (!hold) reveal();
  }, [hold, reveal]);

  return { visible: hold || !idle, reveal, revealedAt };
}
