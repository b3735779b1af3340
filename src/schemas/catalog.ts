/**
 * The catalog document: written by the encoder (`encoder/`), read by the delivery network
 * (`mock-server/`) and the app. One schema gives both the runtime validation and the types,
 * so writer and readers cannot drift apart.
 *
 * Every path in the document is relative to the catalog root and uses forward slashes; the
 * servers resolve it, the app turns it into a URL on whichever appliance it uses.
 */
import { z } from "zod";

/** Lower-case words joined by single dashes: safe in URLs, paths and HTML ids. */
export const Slug = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, "must be lower-case letters and digits joined by dashes")
  .max(80);

/** A relative path inside the catalog: no leading slash, no `..`, no backslashes. */
export const CatalogPath = z
  .string()
  .min(1)
  .refine(
    (p) =>
      !p.startsWith("/") && !p.includes("\\") && !p.split("/").some((s) => s === ".." || s === "."),
    "must be a relative path inside the catalog",
  );

/** BCP 47 language tag as HLS LANGUAGE and DASH @lang carry it (e.g. `en`, `es`, `pt-BR`). */
export const LanguageTag = z.string().regex(/^[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$/);

export const QualityMetric = z.enum(["vmaf", "ssim", "psnr"]);
export type QualityMetric = z.infer<typeof QualityMetric>;

/**
 * A quality measurement. `value` is in the metric's own unit (VMAF 0-100, SSIM 0-1, PSNR dB);
 * `score` maps it onto 0-100 so that ABR logic and charts can compare renditions whatever
 * metric the ffmpeg at hand could compute (see `encoder/analysis/quality.ts` for the mapping).
 */
export const Quality = z.object({
  metric: QualityMetric,
  value: z.number(),
  score: z.number().min(0).max(100),
});
export type Quality = z.infer<typeof Quality>;

export const VideoCodec = z.enum(["h264", "vp9", "av1"]);
export type VideoCodec = z.infer<typeof VideoCodec>;

/** BD-rate of a codec's renditions against H.264's on one title, by codec; null: not comparable. */
export const CodecBdRates = z.partialRecord(VideoCodec, z.number().nullable());
export type CodecBdRates = z.infer<typeof CodecBdRates>;

export const Rendition = z.object({
  id: z.string().regex(/^[a-z0-9_-]+$/),
  codec: VideoCodec,
  /** RFC 6381 codecs string read from the init segment, e.g. `avc1.64001f`, `vp09.00.21.08`. */
  codecs: z.string().min(1),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  frameRate: z.number().positive(),
  /** Mean bitrate over the whole title, from the real segment sizes. */
  averageBitrateBps: z.number().int().positive(),
  /** Highest per-segment bitrate: what HLS BANDWIDTH and DASH @bandwidth carry. */
  peakBitrateBps: z.number().int().positive(),
  /** The bitrate the ladder asked for; the cap of the capped-VBR encode is derived from it. */
  targetBitrateBps: z.number().int().positive(),
  quality: Quality,
  /** Media playlist of this rendition, relative to the catalog root. */
  playlist: CatalogPath,
});
export type Rendition = z.infer<typeof Rendition>;

export const AudioTrack = z.object({
  id: z.string().regex(/^[a-z0-9_-]+$/),
  language: LanguageTag,
  name: z.string().min(1),
  codecs: z.string().min(1),
  channels: z.number().int().positive(),
  averageBitrateBps: z.number().int().positive(),
  default: z.boolean(),
  playlist: CatalogPath,
});
export type AudioTrack = z.infer<typeof AudioTrack>;

export const SubtitleTrack = z.object({
  id: z.string().regex(/^[a-z0-9_-]+$/),
  language: LanguageTag,
  name: z.string().min(1),
  /** The WebVTT file itself (DASH references it as a sidecar). */
  vtt: CatalogPath,
  /** HLS subtitle media playlist over the same file. */
  playlist: CatalogPath,
  default: z.boolean(),
});
export type SubtitleTrack = z.infer<typeof SubtitleTrack>;

export const Thumbnails = z.object({
  /** WebVTT track whose cues point into the sprites with `#xywh=`. */
  vtt: CatalogPath,
  intervalSec: z.number().positive(),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  columns: z.number().int().positive(),
  rows: z.number().int().positive(),
  sprites: z.array(CatalogPath).min(1),
});

export const Artwork = z.object({
  /** 2:3 portrait card. */
  poster: CatalogPath,
  /** 16:9 wide image for the featured row and the title page. */
  backdrop: CatalogPath,
});

export const Tags = z.object({
  mood: z.array(z.string().min(1)),
  pace: z.enum(["slow", "medium", "fast"]),
  themes: z.array(z.string().min(1)),
});
export type Tags = z.infer<typeof Tags>;

/** What a person sees of a title: shared by the encoder's inputs and the published catalog. */
export const TitleInfo = z.object({
  name: z.string().min(1).max(200),
  synopsis: z.string().max(2000),
  year: z.number().int().min(1888).max(2100),
  genres: z.array(z.string().min(1)).min(1),
  tags: Tags,
});
export type TitleInfo = z.infer<typeof TitleInfo>;

export const EpisodeRef = z.object({
  seriesId: Slug,
  season: z.number().int().positive(),
  episode: z.number().int().positive(),
});

export const Encoding = z.object({
  metric: QualityMetric,
  /** BD-rate of the per-title ladder against the fixed reference ladder, in percent (negative = fewer bits). */
  bdRatePercent: z.number().nullable(),
  /** Each other codec against H.264, measured on the final renditions (absent before VP9 came). */
  codecBdRatePercent: CodecBdRates.optional(),
  report: CatalogPath,
  /** Hash of the source bytes and the encoder settings: equal hash, nothing to encode again. */
  inputHash: z.string().regex(/^[0-9a-f]{16,64}$/),
  encodedAt: z.iso.datetime(),
});

export const Title = TitleInfo.extend({
  id: Slug,
  kind: z.enum(["movie", "episode"]),
  episode: EpisodeRef.optional(),
  durationSec: z.number().positive(),
  /** Folder of this title's files, relative to the catalog root. */
  path: CatalogPath,
  manifests: z.object({ hls: CatalogPath, dash: CatalogPath }),
  artwork: Artwork,
  thumbnails: Thumbnails,
  renditions: z.array(Rendition).min(1),
  audio: z.array(AudioTrack),
  subtitles: z.array(SubtitleTrack),
  encoding: Encoding,
});
export type Title = z.infer<typeof Title>;

export const Season = z.object({
  number: z.number().int().positive(),
  episodeIds: z.array(Slug).min(1),
});

export const Series = TitleInfo.extend({
  id: Slug,
  seasons: z.array(Season).min(1),
});
export type Series = z.infer<typeof Series>;

export const CATALOG_SCHEMA_VERSION = 1;

export const Catalog = z
  .object({
    schemaVersion: z.literal(CATALOG_SCHEMA_VERSION),
    generatedAt: z.iso.datetime(),
    titles: z.array(Title),
    series: z.array(Series),
  })
  .superRefine((catalog, ctx) => {
    const ids = new Set<string>();
    catalog.titles.forEach((title, i) => {
      if (ids.has(title.id)) {
        ctx.addIssue({
          code: "custom",
          path: ["titles", i, "id"],
          message: `duplicate title id "${title.id}"`,
        });
      }
      ids.add(title.id);
      if ((title.kind === "episode") !== (title.episode !== undefined)) {
        ctx.addIssue({
          code: "custom",
          path: ["titles", i, "episode"],
          message: "an episode needs an episode reference, and only an episode may have one",
        });
      }
    });
    catalog.series.forEach((series, i) => {
      for (const season of series.seasons) {
        for (const episodeId of season.episodeIds) {
          const episode = catalog.titles.find((t) => t.id === episodeId);
          if (!episode || episode.episode?.seriesId !== series.id) {
            ctx.addIssue({
              code: "custom",
              path: ["series", i, "seasons"],
              message: `episode "${episodeId}" is not an episode of "${series.id}" in this catalog`,
            });
          }
        }
      }
    });
  });
export type Catalog = z.infer<typeof Catalog>;

/** Parse and validate a catalog document; the error names the first bad field. */
/** Where the origin serves the catalog document (mock-server/origin.ts), from its root. */
export const CATALOG_PATH = "catalog.json";

export function parseCatalog(json: unknown): Catalog {
  const result = Catalog.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue ? issue.path.join(".") || "(root)" : "(root)";
    throw new Error(`invalid catalog at ${where}: ${issue?.message ?? "unknown error"}`);
  }
  return result.data;
}

export function emptyCatalog(now = new Date()): Catalog {
  return {
    schemaVersion: CATALOG_SCHEMA_VERSION,
    generatedAt: now.toISOString(),
    titles: [],
    series: [],
  };
}
