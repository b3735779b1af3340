/**
 * What the ffmpeg at hand can do. Debian's 5.1 has libx264, libsvtav1, libvpx-vp9 and flite but no
 * libvmaf; other builds differ, so the encoder asks instead of assuming.
 */
import type { QualityMetric } from "../../src/schemas/catalog.ts";
import { chooseMetric } from "../analysis/quality.ts";
import { ToolError } from "../errors.ts";
import { FFMPEG, ffmpeg, ffprobe, INSTALL_HINT } from "./run.ts";

export interface Capabilities {
  version: string;
  encoders: ReadonlySet<string>;
  filters: ReadonlySet<string>;
  metric: QualityMetric;
  av1: boolean;
  /** libvpx-vp9: Debian's build has it; a VP9 ladder (bottom, middle, top rungs) is added when it does. */
  vp9: boolean;
  drawtext: boolean;
  flite: boolean;
  /**
   * HDR to SDR tone-mapping: zscale (libzimg) linearises PQ and HLG and converts the primaries,
   * tonemap compresses the range. The colorspace filter is no substitute: it knows neither the
   * PQ nor the HLG transfer, so it cannot linearise what tonemap needs.
   */
  toneMap: boolean;
}

function names(listing: string, pattern: RegExp): Set<string> {
  const out = new Set<string>();
  for (const line of listing.split("\n")) {
    const match = pattern.exec(line);
    if (match?.[1]) out.add(match[1]);
  }
  return out;
}

export async function detectCapabilities(): Promise<Capabilities> {
  const [versionOut, encodersOut, filtersOut] = await Promise.all([
    ffmpeg(["-version"]),
    ffmpeg(["-encoders"]),
    ffmpeg(["-filters"]),
    ffprobe(["-version"]),
  ]);
  const version = /ffmpeg version (\S+)/.exec(versionOut.stdout)?.[1] ?? "unknown";
  // "-encoders" rows: " V....D libx264   description"; "-filters" rows: " TSC ssim  VV->V  description".
  const encoders = names(encodersOut.stdout, /^\s[VAS][.A-Z]{5}\s+(\S+)/);
  const filters = names(filtersOut.stdout, /^\s[.A-Z]{3}\s+(\S+)\s+\S+->\S+/);
  if (!encoders.has("libx264")) {
    throw new ToolError(
      `${FFMPEG} has no libx264 encoder, which every title needs: ${INSTALL_HINT}`,
    );
  }
  if (!encoders.has("aac")) throw new ToolError(`${FFMPEG} has no aac encoder: ${INSTALL_HINT}`);
  const metric = chooseMetric(filters);
  if (!metric)
    throw new ToolError(`${FFMPEG} has none of the libvmaf, ssim or psnr filters: ${INSTALL_HINT}`);
  return {
    version,
    encoders,
    filters,
    metric,
    av1: encoders.has("libsvtav1"),
    vp9: encoders.has("libvpx-vp9"),
    drawtext: filters.has("drawtext"),
    flite: filters.has("flite"),
    toneMap: filters.has("zscale") && filters.has("tonemap"),
  };
}
