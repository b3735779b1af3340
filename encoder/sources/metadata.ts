/**
 * What the encoder knows about a title besides its pictures: read from a sidecar file next to
 * the source (`movie.mp4` -> `movie.title.json`), or made up from the file name when there is
 * none. The demo writes the same sidecars for the sources it generates.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { EpisodeRef, Slug, TitleInfo } from "../../src/schemas/catalog.ts";
import { InputError } from "../errors.ts";

export const SourceMetadata = z.object({
  id: Slug.optional(),
  info: TitleInfo,
  episode: EpisodeRef.optional(),
  /** The series an episode belongs to: needed once per series, the latest one wins. */
  series: TitleInfo.extend({ id: Slug }).optional(),
});
export type SourceMetadata = z.infer<typeof SourceMetadata>;

export function sidecarPath(sourceFile: string): string {
  const parsed = path.parse(sourceFile);
  return path.join(parsed.dir, `${parsed.name}.title.json`);
}

export function slugify(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 80)
    .replace(/-+$/, "");
  return slug || "untitled";
}

function defaultMetadata(sourceFile: string, now: Date): SourceMetadata {
  const base = path.parse(sourceFile).name;
  const name = base.replace(/[_.-]+/g, " ").trim() || "Untitled";
  return {
    info: {
      name,
      synopsis: `Encoded from ${path.basename(sourceFile)}.`,
      year: now.getFullYear(),
      genres: ["Uncategorised"],
      tags: { mood: [], pace: "medium", themes: [] },
    },
  };
}

/** The sidecar when there is one (validated: a bad one is an input error), else defaults. */
export async function readMetadata(
  sourceFile: string,
  now = new Date(),
): Promise<SourceMetadata & { id: string }> {
  const sidecar = sidecarPath(sourceFile);
  let text: string | undefined;
  try {
    text = await readFile(sidecar, "utf8");
  } catch {
    text = undefined;
  }
  let metadata: SourceMetadata;
  if (text === undefined) {
    metadata = defaultMetadata(sourceFile, now);
  } else {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      throw new InputError(sidecar, `is not valid JSON (${(error as Error).message})`);
    }
    const parsed = SourceMetadata.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new InputError(sidecar, `field "${issue?.path.join(".")}" ${issue?.message}`);
    }
    metadata = parsed.data;
  }
  if (metadata.episode && metadata.series && metadata.series.id !== metadata.episode.seriesId) {
    throw new InputError(
      sidecar,
      `series.id "${metadata.series.id}" differs from episode.seriesId`,
    );
  }
  return { ...metadata, id: metadata.id ?? slugify(path.parse(sourceFile).name) };
}
