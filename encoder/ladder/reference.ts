/**
 * The fixed ladder that per-title encoding is measured against: the H.264 ladder of Apple's
 * HLS Authoring Specification (16:9), the ladder a service uses when it does not analyse
 * content. Its resolutions are also the trial resolutions, so the trials measure it directly.
 */
export interface ReferenceRung {
  width: number;
  height: number;
  bitrateBps: number;
}

export const REFERENCE_LADDER: readonly ReferenceRung[] = [
  { width: 416, height: 234, bitrateBps: 145_000 },
  { width: 640, height: 360, bitrateBps: 365_000 },
  { width: 768, height: 432, bitrateBps: 730_000 },
  { width: 768, height: 432, bitrateBps: 1_100_000 },
  { width: 960, height: 540, bitrateBps: 2_000_000 },
  { width: 1280, height: 720, bitrateBps: 3_000_000 },
  { width: 1280, height: 720, bitrateBps: 4_500_000 },
  { width: 1920, height: 1080, bitrateBps: 6_000_000 },
  { width: 1920, height: 1080, bitrateBps: 7_800_000 },
];

/** Trial heights: the reference ladder's resolutions, so both ladders are scored on the same encodes. */
export const TRIAL_HEIGHTS: readonly number[] = [...new Set(REFERENCE_LADDER.map((r) => r.height))];

/** A 16:9-ish frame size for `height` at the source's aspect ratio, both sides even. */
export function frameSizeFor(
  height: number,
  sourceWidth: number,
  sourceHeight: number,
): { width: number; height: number } {
  const width = Math.round((height * sourceWidth) / sourceHeight / 2) * 2;
  return { width, height };
}
