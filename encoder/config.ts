/**
 * The encoder's settings: one typed object, read from `--config FILE` (JSON) or built from the
 * defaults, which are the encoder's behaviour without a config. Validation happens before any
 * work, so a bad file encodes nothing; each error names the file, the field and the fix.
 * Encoder-only: the app never reads this file, so the schema lives here, not in `src/schemas/`.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { type ZodType, z } from "zod";
import type { QualityMetric } from "../src/schemas/catalog.ts";
import { chooseMetric } from "./analysis/quality.ts";
import { DEFAULT_TRIAL_OPTIONS, type TrialOptions } from "./analysis/trials.ts";
import { EncoderError } from "./errors.ts";
import type { Capabilities } from "./ffmpeg/capabilities.ts";
import { DEFAULT_LADDER_OPTIONS, type LadderOptions } from "./ladder/select.ts";
import {
  SEGMENT_SEC,
  SVT_PRESET,
  VP9_CPU_USED,
  VP9_DEADLINE,
  VP9_DEADLINES,
  X264_PRESET,
} from "./package/codecs.ts";

/** A config file that cannot be used: nothing is encoded. */
export class ConfigError extends EncoderError {
  override name = "ConfigError";
}

const X264_PRESETS = [
  "ultrafast",
  "superfast",
  "veryfast",
  "faster",
  "fast",
  "medium",
  "slow",
  "slower",
  "veryslow",
] as const;
export type X264Preset = (typeof X264_PRESETS)[number];

/** The tone-mapping curves of ffmpeg's `tonemap` filter worth offering for HDR to SDR. */
export const TONE_MAP_CURVES = ["hable", "mobius", "reinhard"] as const;

/** Every check on a field carries the same "must be ..." text, so each error reads alike. */
function whole(min: number, max: number) {
  const must = `must be a whole number from ${min} to ${max}`;
  return z.number({ error: must }).int({ error: must }).min(min, { error: must }).max(max, {
    error: must,
  });
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `must be one of ${values.map((v) => `"${v}"`).join(", ")}` });
}

const CodecsSchema = z.strictObject({
  h264: z.strictObject({ preset: oneOf(X264_PRESETS).default(X264_PRESET) }).default({
    preset: X264_PRESET,
  }),
  av1: z.strictObject({ preset: whole(0, 13).default(SVT_PRESET) }).optional(),
  vp9: z
    .strictObject({
      preset: whole(0, 8).default(VP9_CPU_USED),
      deadline: oneOf(VP9_DEADLINES).default(VP9_DEADLINE),
    })
    .optional(),
});
export type CodecSettings = z.infer<typeof CodecsSchema>;

export const EncoderConfigSchema = z.strictObject({
  ladder: z
    .strictObject({
      bottomKbps: whole(50, 2_000).default(DEFAULT_LADDER_OPTIONS.bottomBitrateBps / 1000),
      maxKbps: whole(300, 50_000).default(DEFAULT_LADDER_OPTIONS.maxBitrateBps / 1000),
      maxRungs: whole(2, 12).default(DEFAULT_LADDER_OPTIONS.maxRungs),
    })
    .default({
      bottomKbps: DEFAULT_LADDER_OPTIONS.bottomBitrateBps / 1000,
      maxKbps: DEFAULT_LADDER_OPTIONS.maxBitrateBps / 1000,
      maxRungs: DEFAULT_LADDER_OPTIONS.maxRungs,
    }),
  segmentSec: whole(1, 10).default(SEGMENT_SEC),
  /** Absent: every codec of H.264 and AV1 this ffmpeg can encode (the behaviour before configs). */
  codecs: CodecsSchema.optional(),
  trials: z
    .strictObject({
      crfs: z
        .array(whole(0, 51), { error: "must be a list of CRFs, e.g. [21, 29, 37]" })
        .min(2, { error: "must hold 2 to 6 CRFs" })
        .max(6, { error: "must hold 2 to 6 CRFs" })
        .refine((crfs) => crfs.every((c, i) => i === 0 || c > crfs[i - 1]!), {
          error: "must rise from the first CRF to the last, each once",
        })
        .default([...DEFAULT_TRIAL_OPTIONS.crfs]),
      excerptCount: z
        .union([whole(1, 6), z.literal("auto")], {
          error:
            'must be a whole number from 1 to 6, or "auto" (one a minute of the title, 2 to 6)',
        })
        .default(DEFAULT_TRIAL_OPTIONS.excerptCount),
      excerptSec: whole(1, 10).default(DEFAULT_TRIAL_OPTIONS.excerptSec),
    })
    .default({
      crfs: [...DEFAULT_TRIAL_OPTIONS.crfs],
      excerptCount: DEFAULT_TRIAL_OPTIONS.excerptCount,
      excerptSec: DEFAULT_TRIAL_OPTIONS.excerptSec,
    }),
  metric: oneOf(["auto", "vmaf", "ssim", "psnr"]).default("auto"),
  jobs: whole(1, 8).default(DEFAULT_TRIAL_OPTIONS.concurrency),
  toneMap: oneOf(["off", ...TONE_MAP_CURVES]).default("off"),
});
export type EncoderConfig = z.infer<typeof EncoderConfigSchema>;

/** What the pipeline runs with: the config resolved against the ffmpeg at hand. */
export interface EncoderSettings {
  ladder: LadderOptions;
  segmentSec: number;
  codecs: CodecSettings;
  trials: TrialOptions;
  metric: QualityMetric;
  toneMap: EncoderConfig["toneMap"];
}

/** The fix that goes with an issue, when its message does not already say it. */
function fixFor(issue: z.core.$ZodIssue): string {
  if (issue.code === "too_big") return "lower it";
  if (issue.code === "too_small") return "raise it";
  return "correct it";
}

function valueAt(input: unknown, at: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of at) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** The first problem in `input`, as one line, or the parsed config. */
export function parseConfig(input: unknown, label: string): EncoderConfig {
  const result = (EncoderConfigSchema as ZodType<EncoderConfig>).safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const where = issue.path.map(String).join(".");
  if (issue.code === "unrecognized_keys") {
    const field = [...issue.path.map(String), issue.keys[0]].join(".");
    throw new ConfigError(
      `${label}: ${field} is not a setting: remove it or correct its spelling (see README, "Encoder config")`,
    );
  }
  if (issue.path.length === 0) {
    throw new ConfigError(
      `${label}: must hold one JSON object, got ${describe(input)}: write {} for the defaults`,
    );
  }
  throw new ConfigError(
    `${label}: ${where} ${issue.message}, got ${describe(valueAt(input, issue.path))}: ${fixFor(issue)}`,
  );
}

export async function readConfigFile(file: string): Promise<EncoderConfig> {
  const label = path.basename(file);
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new ConfigError(`${file}: config file not found: check the path given to --config`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(
      `${label}: is not valid JSON (${(error as Error).message}): fix the syntax`,
    );
  }
  return parseConfig(json, label);
}

const ENCODER_OF = { h264: "libx264", av1: "libsvtav1", vp9: "libvpx-vp9" } as const;

/**
 * The config checked against the ffmpeg at hand: a codec, metric or tone-mapping it asks for
 * that this ffmpeg lacks is refused here, before any work, naming the fix.
 */
export function resolveSettings(
  config: EncoderConfig,
  caps: Pick<Capabilities, "encoders" | "filters" | "toneMap">,
  label = "config",
): EncoderSettings {
  let codecs: CodecSettings;
  if (config.codecs) {
    codecs = config.codecs;
    for (const codec of ["av1", "vp9"] as const) {
      if (codecs[codec] && !caps.encoders.has(ENCODER_OF[codec])) {
        throw new ConfigError(
          `${label}: codecs.${codec} needs ffmpeg's ${ENCODER_OF[codec]} encoder, which this ffmpeg lacks: remove codecs.${codec} or install an ffmpeg built with it`,
        );
      }
    }
  } else {
    // No codecs section: H.264, and AV1 and VP9 where this ffmpeg has them.
    codecs = {
      h264: { preset: X264_PRESET },
      ...(caps.encoders.has(ENCODER_OF.av1) ? { av1: { preset: SVT_PRESET } } : {}),
      ...(caps.encoders.has(ENCODER_OF.vp9)
        ? { vp9: { preset: VP9_CPU_USED, deadline: VP9_DEADLINE } }
        : {}),
    };
  }

  const best = chooseMetric(caps.filters);
  let metric: QualityMetric;
  if (config.metric === "auto") {
    // capabilities.ts already refuses an ffmpeg with no metric at all.
    metric = best ?? "psnr";
  } else {
    const filter = config.metric === "vmaf" ? "libvmaf" : config.metric;
    if (!caps.filters.has(filter)) {
      throw new ConfigError(
        `${label}: metric "${config.metric}" needs ffmpeg's ${filter} filter, which this ffmpeg lacks: use "auto"${best ? ` (here: ${best})` : ""} or an ffmpeg built with ${filter}`,
      );
    }
    metric = config.metric;
  }

  if (config.toneMap !== "off" && !caps.toneMap) {
    throw new ConfigError(
      `${label}: toneMap "${config.toneMap}" needs ffmpeg's zscale and tonemap filters, which this ffmpeg lacks: set "off" or install an ffmpeg built with libzimg`,
    );
  }

  return {
    ladder: {
      ...DEFAULT_LADDER_OPTIONS,
      bottomBitrateBps: config.ladder.bottomKbps * 1000,
      maxBitrateBps: config.ladder.maxKbps * 1000,
      maxRungs: config.ladder.maxRungs,
    },
    segmentSec: config.segmentSec,
    codecs,
    trials: {
      ...DEFAULT_TRIAL_OPTIONS,
      crfs: config.trials.crfs,
      excerptCount: config.trials.excerptCount,
      excerptSec: config.trials.excerptSec,
      concurrency: config.jobs,
    },
    metric,
    toneMap: config.toneMap,
  };
}

/** The settings of a run without `--config`. */
export function defaultSettings(
  caps: Pick<Capabilities, "encoders" | "filters" | "toneMap">,
): EncoderSettings {
  return resolveSettings(parseConfig({}, "defaults"), caps);
}

/**
 * The demo catalog's own settings, used when the demo is built without `--config`: the
 * defaults, but VP9 at libvpx's realtime speed 6. VP9 at good/5 was 64% of the feature's
 * encode CPU and kept the demo build at 12.5 min; realtime/4 still left it at 11 min (VP9 a
 * third of the build's CPU). Realtime/6 costs 2.5x less again for about 29% more bits, so the
 * demo's VP9 is about x264's equal: the price of the 10-minute target. A user's own files
 * keep the defaults (good/5).
 */
export const DEMO_VP9 = { preset: 6, deadline: "realtime" } as const satisfies NonNullable<
  CodecSettings["vp9"]
>;

export function demoSettings(settings: EncoderSettings): EncoderSettings {
  if (!settings.codecs.vp9) return settings;
  return { ...settings, codecs: { ...settings.codecs, vp9: { ...DEMO_VP9 } } };
}

/**
 * The settings that decide the output, for the "unchanged sources are skipped" hash. Jobs
 * only decide how many encodes run at once, not what they make, so they are left out.
 */
export function outputSettings(settings: EncoderSettings): Omit<EncoderSettings, "trials"> & {
  trials: Omit<TrialOptions, "concurrency">;
} {
  const { concurrency: _jobs, ...trials } = settings.trials;
  return { ...settings, trials };
}
