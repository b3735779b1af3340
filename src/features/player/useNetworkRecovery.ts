/**
 * When playback of a stream of ours is in trouble (a fatal error, or stalled for a while), asks
 * whether the delivery network answers at all. If it does not (it died, and `npm start` is
 * restarting it), the player says so; once the origin answers again, a player that had given
 * up starts again by itself, where the viewer was (one that was only stalled goes on by
 * itself: its engine keeps retrying). If the network answers, a fatal error stands with its
 * Retry button: asking again would not help; unless it is the outage's own (`startsAgain`).
 */
import { useEffect, useRef, useState } from "react";
import { fetchCatalog, NetworkDownError } from "../../lib/api.ts";
import { Backoff } from "../../lib/backoff.ts";

/** As the catalog pages ask again: soon at first, then every 5 s. */
const PROBE_BACKOFF = { firstMs: 500, maxMs: 5_000 };
/** A stall this long (past the appliances' own failover) asks whether the network is there. */
const STALL_BEFORE_PROBE_MS = 2_000;
/** A fatal error this soon after the network was last seen down is taken for the outage's. */
export const OUTAGE_AFTERMATH_MS = 30_000;

/**
 * Whether a player with a fatal `error` starts again now that the network answers: when the
 * network was seen down while the error stood, or shortly before it came. An engine whose last
 * retry was sent into the outage can report its fatal error only after the network is back
 * (shaka did: "HTTP_ERROR" a few seconds after the network returned, the player left on its
 * Retry button); that error is the outage's, and starting again helps. Any other error stands.
 */
export function startsAgain(state: {
  error: string | null;
  /** The network was seen down while this error stood. */
  downDuringError: boolean;
  /** When the network was last seen down, if it was and no restart has used that since. */
  lastDownAtMs: number | null;
  nowMs: number;
}): boolean {
  if (state.error === null) return false;
  if (state.downDuringError) return true;
  return state.lastDownAtMs !== null && state.nowMs - state.lastDownAtMs <= OUTAGE_AFTERMATH_MS;
}

export interface NetworkRecovery {
  /** The network that does not answer, while it does not; null otherwise. */
  down: NetworkDownError | null;
  /** Ask again now (the notice's button). */
  probeNow(): void;
}

export function useNetworkRecovery(options: {
  error: string | null;
  stalled: boolean;
  ours: boolean;
  retry(): void;
}): NetworkRecovery {
  const { error, stalled, ours } = options;
  const [down, setDown] = useState<NetworkDownError | null>(null);
  const [stalledLong, setStalledLong] = useState(false);
  const retry = useRef(options.retry);
  retry.current = options.retry;
  const probeNow = useRef<() => void>(() => {});
  // Outlives one error's probing: the fatal error of an outage can come after it has ended.
  const lastDownAt = useRef<number | null>(null);

  useEffect(() => {
    setStalledLong(false);
    if (!stalled) return;
    const timer = setTimeout(() => setStalledLong(true), STALL_BEFORE_PROBE_MS);
    return () => clearTimeout(timer);
  }, [stalled]);

  const trouble = ours && (error !== null || stalledLong);
  useEffect(() => {
    setDown(null);
    if (!trouble) return;
    const aborter = new AbortController();
    const backoff = new Backoff(PROBE_BACKOFF);
    let timer: ReturnType<typeof setTimeout> | undefined;
    let wasDown = false;
    const probe = async () => {
      clearTimeout(timer);
      try {
        await fetchCatalog(aborter.signal);
      } catch (failure) {
        if (aborter.signal.aborted) return;
        if (failure instanceof NetworkDownError) {
          wasDown = true;
          lastDownAt.current = Date.now();
          setDown(failure);
          timer = setTimeout(() => void probe(), backoff.next());
          return;
        }
        // It answered, with something else: the network is there.
      }
      if (aborter.signal.aborted) return;
      setDown(null);
      const nowMs = Date.now();
      if (
        startsAgain({ error, downDuringError: wasDown, lastDownAtMs: lastDownAt.current, nowMs })
      ) {
        // Once per outage: should the restart fail in its turn, that error stands.
        lastDownAt.current = null;
        retry.current();
      }
    };
    probeNow.current = () => void probe();
    void probe();
    return () => {
      aborter.abort();
      clearTimeout(timer);
      probeNow.current = () => {};
    };
  }, [trouble, error]);

  return { down, probeNow: () => probeNow.current() };
}
