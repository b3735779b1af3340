import { mkdir, mkdtemp, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { buildKey, type InputFile, readBuildInputs } from "./build-key.ts";

const file = (p: string, text: string): InputFile => ({
  path: p,
  bytes: new TextEncoder().encode(text),
});

describe("buildKey", () => {
  const inputs = [file("index.html", "<html>"), file("src/main.tsx", "render()")];

  it("is 16 hex characters, the same for the same files in any order", () => {
    expect(buildKey(inputs)).toMatch(/^[0-9a-f]{16}$/);
    expect(buildKey([...inputs].reverse())).toBe(buildKey(inputs));
  });

  it("changes with a file's content, its name, or a file added", () => {
    const key = buildKey(inputs);
    expect(buildKey([inputs[0]!, file("src/main.tsx", "render();")])).not.toBe(key);
    expect(buildKey([inputs[0]!, file("src/app.tsx", "render()")])).not.toBe(key);
    expect(buildKey([...inputs, file("public/favicon.svg", "")])).not.toBe(key);
  });

  it("tells bytes moved from one file to the next apart", () => {
    expect(buildKey([file("a", "xy"), file("b", "z")])).not.toBe(
      buildKey([file("a", "x"), file("b", "yz")]),
    );
  });
});

describe("readBuildInputs", () => {
  it("reads src/ and public/ whole and the listed files, skipping what is missing", async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), "build-inputs-"));
    await mkdir(path.join(root, "src/lib"), { recursive: true });
    await writeFile(path.join(root, "src/main.tsx"), "main");
    await writeFile(path.join(root, "src/lib/api.ts"), "api");
    await writeFile(path.join(root, "index.html"), "<html>");
    await writeFile(path.join(root, "README.md"), "not an input");
    const files = await readBuildInputs(root);
    expect(files.map((f) => f.path).sort()).toEqual([
      "index.html",
      "src/lib/api.ts",
      "src/main.tsx",
    ]);
    expect(new TextDecoder().decode(files.find((f) => f.path === "src/lib/api.ts")!.bytes)).toBe(
      "api",
    );
  });
});
