import { describe, expect, it } from "vitest";
import { DEFAULT_TRIAL_OPTIONS } from "./analysis/trials.ts";
import {
  ConfigError,
  DEMO_VP9,
  defaultSettings,
  demoSettings,
  parseConfig,
  resolveSettings,
} from "./config.ts";
import { DEFAULT_LADDER_OPTIONS } from "./ladder/select.ts";
import {
  SEGMENT_SEC,
  SVT_PRESET,
  VP9_CPU_USED,
  VP9_DEADLINE,
  vp9Args,
  X264_PRESET,
} from "./package/codecs.ts";
import { encodeSettings } from "./package/encode.ts";

/** Debian's ffmpeg 5.1 as capabilities.ts sees it: no libvmaf. */
const DEBIAN = {
  encoders: new Set(["libx264", "aac", "libsvtav1", "libvpx-vp9"]),
  filters: new Set(["ssim", "psnr", "zscale", "tonemap"]),
  toneMap: true,
};
const BARE = { encoders: new Set(["libx264", "aac"]), filters: new Set(["psnr"]), toneMap: false };

/** The config file written out with every default, as README's example gives it. */
const DEFAULTS_FILE = {
  ladder: { bottomKbps: 150, maxKbps: 8000, maxRungs: 7 },
  segmentSec: 2,
  codecs: {
    h264: { preset: "veryfast" },
    av1: { preset: 12 },
    vp9: { preset: 5, deadline: "good" },
  },
  trials: { crfs: [21, 29, 37], excerptCount: "auto", excerptSec: 2 },
  metric: "auto",
  jobs: 2,
  toneMap: "off",
};

const errorOf = (input: unknown) => {
  try {
    parseConfig(input, "config.json");
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error("no error");
};

describe("encoder config", () => {
  it("defaults are the encoder's behaviour before configs existed", () => {
    const settings = defaultSettings(DEBIAN);
    expect(settings.ladder).toEqual(DEFAULT_LADDER_OPTIONS);
    expect(settings.trials).toEqual(DEFAULT_TRIAL_OPTIONS);
    expect(settings.segmentSec).toBe(SEGMENT_SEC);
    expect(settings.codecs).toEqual({
      h264: { preset: X264_PRESET },
      av1: { preset: SVT_PRESET },
      vp9: { preset: VP9_CPU_USED, deadline: VP9_DEADLINE },
    });
    expect(settings.metric).toBe("ssim");
    expect(settings.toneMap).toBe("off");
  });

  it("a file holding the defaults gives the same settings as no file", () => {
    expect(resolveSettings(parseConfig(DEFAULTS_FILE, "c.json"), DEBIAN)).toEqual(
      defaultSettings(DEBIAN),
    );
  });

  it("without libsvtav1 the defaults drop AV1, but a config asking for it is refused", () => {
    expect(defaultSettings(BARE).codecs).toEqual({ h264: { preset: X264_PRESET } });
    expect(defaultSettings(BARE).metric).toBe("psnr");
    expect(() => resolveSettings(parseConfig(DEFAULTS_FILE, "c.json"), BARE, "c.json")).toThrow(
      "c.json: codecs.av1 needs ffmpeg's libsvtav1 encoder, which this ffmpeg lacks: remove codecs.av1",
    );
  });

  it("refuses a codec, metric or tone-mapping the ffmpeg at hand lacks, naming the fix", () => {
    const resolve = (input: unknown) => () => resolveSettings(parseConfig(input, "c"), BARE, "c");
    expect(resolve({ codecs: { vp9: {} } })).toThrow(/codecs\.vp9 needs ffmpeg's libvpx-vp9/);
    expect(resolve({ metric: "vmaf" })).toThrow(
      'c: metric "vmaf" needs ffmpeg\'s libvmaf filter, which this ffmpeg lacks: use "auto" (here: psnr)',
    );
    expect(resolve({ metric: "ssim" })).toThrow(/ssim filter/);
    expect(resolve({ toneMap: "hable" })).toThrow(/zscale and tonemap filters.*set "off"/);
    // The same requests on an ffmpeg that has them pass.
    const vp9 = resolveSettings(parseConfig({ codecs: { vp9: {} } }, "c"), DEBIAN);
    expect(vp9.codecs).toEqual({
      h264: { preset: X264_PRESET },
      vp9: { preset: VP9_CPU_USED, deadline: VP9_DEADLINE },
    });
  });

  it("the demo differs from the defaults in VP9's speed alone, and only where VP9 is", () => {
    const defaults = defaultSettings(DEBIAN);
    const demo = demoSettings(defaults);
    expect(demo.codecs.vp9).toEqual({ preset: 6, deadline: "realtime" });
    expect({ ...demo, codecs: { ...demo.codecs, vp9: defaults.codecs.vp9 } }).toEqual(defaults);
    expect(demoSettings(defaultSettings(BARE))).toEqual(defaultSettings(BARE));
  });

  it("a config's VP9 speed reaches libvpx's arguments", () => {
    const plan = {
      id: "vp9-540p-400k",
      codec: "vp9" as const,
      width: 960,
      height: 540,
      crf: 36,
      targetBitrateBps: 400_000,
    };
    const args = (vp9: unknown) => {
      const options = resolveSettings(parseConfig({ codecs: { vp9 } }, "c"), DEBIAN).codecs.vp9;
      return vp9Args(encodeSettings(plan, 24, 2, options)).join(" ");
    };
    expect(args({})).toContain("-deadline good -cpu-used 5 ");
    expect(args({ deadline: "realtime", preset: 7 })).toContain("-deadline realtime -cpu-used 7 ");
    expect(args(DEMO_VP9)).toContain("-deadline realtime -cpu-used 6 ");
  });

  it("carries each field into the settings", () => {
    const s = resolveSettings(
      parseConfig(
        {
          ladder: { bottomKbps: 200, maxKbps: 4000, maxRungs: 4 },
          segmentSec: 4,
          codecs: { h264: { preset: "fast" } },
          trials: { crfs: [20, 30], excerptCount: 1, excerptSec: 3 },
          metric: "psnr",
          jobs: 1,
          toneMap: "mobius",
        },
        "c",
      ),
      DEBIAN,
    );
    expect(s.ladder).toMatchObject({
      bottomBitrateBps: 200_000,
      maxBitrateBps: 4_000_000,
      maxRungs: 4,
    });
    expect(s.segmentSec).toBe(4);
    expect(s.codecs).toEqual({ h264: { preset: "fast" } });
    expect(s.trials).toMatchObject({ crfs: [20, 30], excerptCount: 1, excerptSec: 3 });
    expect(s.trials.concurrency).toBe(1);
    expect(s.metric).toBe("psnr");
    expect(s.toneMap).toBe("mobius");
  });

  it.each([
    [
      { ladder: { maxRungs: 40 } },
      "config.json: ladder.maxRungs must be a whole number from 2 to 12, got 40: lower it",
    ],
    [{ ladder: { maxRungs: 2.5 } }, "ladder.maxRungs must be a whole number from 2 to 12, got 2.5"],
    [{ ladder: { bottomKbps: 10 } }, "ladder.bottomKbps must be a whole number from 50 to 2000"],
    [
      { ladder: { maxKbps: "8M" } },
      'ladder.maxKbps must be a whole number from 300 to 50000, got "8M"',
    ],
    [{ segmentSec: 0 }, "segmentSec must be a whole number from 1 to 10, got 0: raise it"],
    [{ codecs: { h264: { preset: "quick" } } }, 'codecs.h264.preset must be one of "ultrafast"'],
    [{ codecs: { av1: { preset: 14 } } }, "codecs.av1.preset must be a whole number from 0 to 13"],
    [{ codecs: { vp9: { preset: -1 } } }, "codecs.vp9.preset must be a whole number from 0 to 8"],
    [
      { codecs: { vp9: { deadline: "best" } } },
      'codecs.vp9.deadline must be one of "good", "realtime", got "best": correct it',
    ],
    [{ codecs: { hevc: {} } }, "config.json: codecs.hevc is not a setting: remove it"],
    [{ trials: { crfs: [30, 20] } }, "trials.crfs must rise from the first CRF to the last"],
    [{ trials: { crfs: [30] } }, "trials.crfs must hold 2 to 6 CRFs, got [30]: raise it"],
    [{ trials: { crfs: [20, 60] } }, "trials.crfs.1 must be a whole number from 0 to 51, got 60"],
    [{ trials: { excerptCount: 0 } }, "trials.excerptCount must be a whole number from 1 to 6"],
    [
      { trials: { excerptCount: "all" } },
      'trials.excerptCount must be a whole number from 1 to 6, or "auto"',
    ],
    [{ trials: { excerptSec: 11 } }, "trials.excerptSec must be a whole number from 1 to 10"],
    [{ metric: "vmaf2" }, 'metric must be one of "auto", "vmaf", "ssim", "psnr", got "vmaf2"'],
    [{ jobs: 0 }, "jobs must be a whole number from 1 to 8, got 0: raise it"],
    [{ toneMap: true }, 'toneMap must be one of "off", "hable", "mobius", "reinhard", got true'],
    [{ segmentLength: 2 }, "config.json: segmentLength is not a setting"],
    [[1, 2], "config.json: must hold one JSON object"],
  ])("%j is refused: %s", (input, message) => {
    expect(errorOf(input)).toContain(message);
  });
});
