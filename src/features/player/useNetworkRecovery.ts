/**
 * When playback of a stream of ours is in trouble (a fatal error, or stalled for a while), asks
 * whether the delivery network answers at all. If it does not (it died, and `npm start` is
 * restarting it), the player says so; once the origin answers again, a player that had given
 * up starts again by itself, where the viewer was (one that was only stalled goes on by
 * itself: its engine keeps retrying). If the network answers, a fatal error stands with its
 * Retry button: asking again would not help.
 */
import { useEffect, useRef, useState } from "react";
import { fetchCatalog, NetworkDownError } from "../../lib/api.ts";
import { Backoff } from "../../lib/backoff.ts";

/** As the catalog pages ask again: soon at first, then every 5 s. */
const PROBE_BACKOFF = { firstMs: 500, maxMs: 5_000 };
/** A stall this long (past the appliances' own failover) asks whether the network is there. */
const STALL_BEFORE_PROBE_MS = 2_000;

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
          setDown(failure);
          timer = setTimeout(() => void probe(), backoff.next());
          return;
        }
        // It answered, with something else: the network is there.
      }
      if (aborter.signal.aborted) return;
      setDown(null);
      if (wasDown && error !== null) retry.current();
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
