import { mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { InputError } from "../errors.ts";
import { readMetadata, sidecarPath, slugify } from "./metadata.ts";

describe("slugify", () => {
  it("makes URL-safe ids from file names", () => {
    expect(slugify("My Movie (2024) FINAL")).toBe("my-movie-2024-final");
    expect(slugify("Café_Noir.v2")).toBe("cafe-noir-v2");
    expect(slugify("***")).toBe("untitled");
  });
});

describe("readMetadata", () => {
  it("defaults from the file name when there is no sidecar", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "meta-"));
    const meta = await readMetadata(path.join(dir, "night_train.mp4"), new Date("2030-01-01"));
    expect(meta.id).toBe("night-train");
    expect(meta.info.name).toBe("night train");
    expect(meta.info.year).toBe(2030);
  });

  it("reports a bad sidecar as an input error naming the sidecar and the field", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "meta-"));
    const source = path.join(dir, "clip.mp4");
    await writeFile(
      sidecarPath(source),
      JSON.stringify({
        info: {
          name: "x",
          synopsis: "",
          year: "soon",
          genres: ["a"],
          tags: { mood: [], pace: "slow", themes: [] },
        },
      }),
    );
    const error = await readMetadata(source).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toMatch(/clip\.title\.json: field "info\.year"/);
  });

  it("reports a sidecar that is not JSON", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "meta-"));
    const source = path.join(dir, "clip.mp4");
    await writeFile(sidecarPath(source), "{nope");
    await expect(readMetadata(source)).rejects.toThrow(/clip\.title\.json: is not valid JSON/);
  });
});
