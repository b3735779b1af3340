/**
 * Our ABR core, driven exactly as the browser adapters drive it: `decide` before each segment
 * (buffer, segment duration, playback rate 1), `onProgress` every 100 ms during a download (the
 * hls.js adapter's poll) with bytes so far, time since the request and the first byte, and
 * `onSegmentLoaded` with size, TTFB and total time. An abandonment re-requests the same
 * segment at the rendition it names, without a new decision (as the hls.js adapter does).
 * The clock is the session's time. One appliance, as behind a single shaped link.
 */
import { AbrController } from "../../../src/abr/controller.ts";
import type { SteeringAnswer } from "../../../src/abr/types.ts";
import {
  type AbrTunables,
  DEFAULT_ABR_TUNABLES,
  tunablesToConfig,
} from "../../../src/schemas/abr-tunables.ts";
import type { SimLadder } from "../ladder.ts";
import type { Algorithm, Choice, Download, PlayerView, ProgressView } from "../session.ts";

const APPLIANCE = "sim";

const STEERING: SteeringAnswer = {
  titleId: "sim",
  client: { region: null, address: null },
  ttlSec: 3600,
  generatedAt: "2026-01-01T00:00:00.000Z",
  appliances: [
    {
      id: APPLIANCE,
      baseUrl: "http://sim.invalid/",
      rank: 1,
      score: 1,
      reasons: { health: "up", load: "low", content: "all", proximity: "near" },
    },
  ],
  origin: { baseUrl: "http://origin.invalid/" },
};

export class OursAlgorithm implements Algorithm {
  readonly name = "ours";
  private nowMs = 0;
  private readonly controller: AbrController;
  private readonly index = new Map<string, number>();

  /** `tunables`: a replayed session's own (its export says them), else the defaults. */
  constructor(
    private readonly ladder: SimLadder,
    tunables: AbrTunables = DEFAULT_ABR_TUNABLES,
  ) {
    this.controller = new AbrController(tunablesToConfig(tunables), () => this.nowMs);
    for (const [i, r] of ladder.renditions.entries()) this.index.set(r.id, i);
    this.controller.setRenditions(ladder.renditions);
    this.controller.setSteering(STEERING);
  }

  choose(view: PlayerView): Choice {
    this.nowMs = view.nowSec * 1000;
    const decision = this.controller.decide({
      bufferSec: view.bufferSec,
      playbackRate: 1,
      segmentDurationSec: this.ladder.durationsSec[view.segment]!,
    });
    return { rendition: this.indexOf(decision.renditionId) };
  }

  progress(view: ProgressView): number | null {
    this.nowMs = view.nowSec * 1000;
    const verdict = this.controller.onProgress({
      applianceId: APPLIANCE,
      renditionId: this.ladder.renditions[view.rendition]!.id,
      segmentKey: view.segment,
      loadedBytes: view.loadedBytes,
      totalBytes: view.totalBytes,
      elapsedMs: (view.nowSec - view.sentSec) * 1000,
      firstByteMs: view.firstByteSec === null ? null : (view.firstByteSec - view.sentSec) * 1000,
      bufferSec: view.bufferSec,
      playbackRate: 1,
      segmentDurationSec: this.ladder.durationsSec[view.segment]!,
    });
    return verdict.abandon ? this.indexOf(verdict.switchTo) : null;
  }

  downloaded(d: Download): void {
    this.nowMs = d.doneSec * 1000;
    this.controller.onSegmentLoaded({
      applianceId: APPLIANCE,
      renditionId: this.ladder.renditions[d.rendition]!.id,
      sizeBytes: d.bytes,
      ttfbMs: (d.firstByteSec - d.sentSec) * 1000,
      durationMs: (d.doneSec - d.sentSec) * 1000,
      mediaDurationSec: d.mediaSec,
    });
  }

  private indexOf(id: string): number {
    const i = this.index.get(id);
    if (i === undefined) throw new Error(`ours: controller chose unknown rendition ${id}`);
    return i;
  }
}
