/**
 * `npm run encode -- [FILE ...]`: builds or updates the catalog from source files; with no
 * FILE, from the built-in demo sources (made by ffmpeg on first use).
 */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import Table from "cli-table3";
import { argErrorLine, type CommandLine, USAGE_EXIT, usageErrorLine } from "../scripts/cli.ts";
import type { CodecBdRates } from "../src/schemas/catalog.ts";
import { CatalogStore } from "./catalog/store.ts";
import {
  demoSettings,
  type EncoderConfig,
  type EncoderSettings,
  outputSettings,
  parseConfig,
  readConfigFile,
  resolveSettings,
} from "./config.ts";
import { startDemoSources } from "./demo/generate.ts";
import { demoSet } from "./demo/titles.ts";
import { CancelledError, EncoderError, InputError } from "./errors.ts";
import { type Capabilities, detectCapabilities } from "./ffmpeg/capabilities.ts";
import { probeSource } from "./ffmpeg/probe.ts";
import { VP9_CPU_USED, VP9_DEADLINE } from "./package/codecs.ts";
import { buildTitle, STEPS, type Step } from "./pipeline.ts";
import { createProgress } from "./progress.ts";
import { readMetadata } from "./sources/metadata.ts";
import { StatusWriter } from "./status.ts";

/** Bump when encoding changes in a way that should re-encode every title. */
const ENCODER_VERSION = 1;

const USAGE = `Usage: npm run encode -- [options] [FILE ...]

Encodes each FILE into the catalog (per-title ladder, CMAF, HLS and DASH). With no FILE,
builds the demo catalog from sources ffmpeg generates. Unchanged sources are skipped.
A FILE may have a sidecar FILE-without-extension.title.json with its name, synopsis, etc.

Options:
  --config FILE  encoder settings as JSON: ladder bounds, segment length, codecs and their
                 presets, trials, metric, jobs, tone-mapping (README, "Encoder config");
                 a bad file is refused before anything is encoded
  --tone-map     tone-map HDR sources to SDR (hable) instead of refusing them, when the
                 config does not choose a curve itself
  --out DIR      catalog folder (default: $CATALOG_DIR or ./catalog)
  --force        encode again even when nothing changed
  --demo-set S   with no FILE, which demo titles: full (default) or tiny (tests)
  -h, --help     show this help

Each title that fails is said on stderr (error: FILE: the cause) and the others go on; the
exit code is then 1 (2 for a usage error or a bad config, 130 when interrupted).`;
const CLI: CommandLine = { name: "encode", command: "npm run encode --", usage: USAGE };

interface Outcome {
  id: string;
  file: string;
  status: "encoded" | "unchanged" | "failed";
  detail: string;
  renditions?: string;
  topKbps?: number;
  bdRate?: number | null;
  codecBdRate?: CodecBdRates;
  seconds: number;
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** Everything that decides the output: change any of it and every title encodes again. */
function settingsHash(settings: EncoderSettings): string {
  const decisive = { ENCODER_VERSION, ...outputSettings(settings) };
  return createHash("sha256").update(JSON.stringify(decisive)).digest("hex");
}

function describeCodecs(settings: EncoderSettings, caps: Capabilities): string {
  const names = { h264: "H.264", av1: "AV1", vp9: "VP9" } as const;
  const chosen = (Object.keys(names) as (keyof typeof names)[]).filter((c) => settings.codecs[c]);
  const vp9 = settings.codecs.vp9;
  // A VP9 speed other than the default is worth a word: it trades bits for time.
  const label = (c: keyof typeof names) =>
    c === "vp9" && vp9 && (vp9.deadline !== VP9_DEADLINE || vp9.preset !== VP9_CPU_USED)
      ? `VP9 (${vp9.deadline} speed ${vp9.preset})`
      : names[c];
  const list = `codecs ${chosen.map(label).join(" + ")}`;
  const missing = [
    ...(!settings.codecs.vp9 && !caps.vp9 ? ["libvpx-vp9: no VP9"] : []),
    ...(!settings.codecs.av1 && !caps.av1 ? ["libsvtav1: no AV1"] : []),
  ];
  return missing.length > 0 ? `${list} (no ${missing.join("; no ")})` : list;
}

async function main(argv: string[]): Promise<number> {
  let args: ReturnType<typeof parse>;
  const parse = (a: string[]) =>
    parseArgs({
      args: a,
      allowPositionals: true,
      options: {
        out: { type: "string" },
        config: { type: "string" },
        "tone-map": { type: "boolean" },
        force: { type: "boolean" },
        "demo-set": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    });
  try {
    args = parse(argv);
  } catch (error) {
    console.error(usageErrorLine(CLI, argErrorLine(error)));
    return USAGE_EXIT;
  }
  if (args.values.help) {
    console.log(USAGE);
    return 0;
  }
  const root = path.resolve(args.values.out ?? process.env.CATALOG_DIR ?? "catalog");
  const setName = args.values["demo-set"] ?? "full";
  let demoTitles: ReturnType<typeof demoSet>;
  try {
    demoTitles = demoSet(setName);
  } catch (error) {
    console.error(usageErrorLine(CLI, (error as Error).message));
    return USAGE_EXIT;
  }
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  // Run by npm start over an IPC channel (scripts/background-encode.ts): a parent gone stops it.
  if (process.channel) {
    process.once("disconnect", stop);
    process.channel.unref(); // the channel alone must not keep this process alive
  }

  const started = Date.now();
  const caps = await detectCapabilities();
  // The config is read and checked against this ffmpeg before the catalog is touched.
  let config: EncoderConfig = args.values.config
    ? await readConfigFile(path.resolve(args.values.config))
    : parseConfig({}, "defaults");
  if (args.values["tone-map"] && config.toneMap === "off") config = { ...config, toneMap: "hable" };
  const resolved = resolveSettings(
    config,
    caps,
    args.values.config ? path.basename(args.values.config) : "--tone-map",
  );
  // The demo without a config builds with the demo's own VP9 speed (see demoSettings).
  const buildsDemo = args.positionals.length === 0;
  const settings = buildsDemo && !args.values.config ? demoSettings(resolved) : resolved;
  const store = new CatalogStore(root);
  const unlock = await store.lock();
  const progress = createProgress();
  // Progress for the app too (the origin serves it): the home page shows pending titles.
  const status = new StatusWriter(root);
  const outcomes: Outcome[] = [];
  let finished = false;
  try {
    await store.sweep();
    console.log(
      `ffmpeg ${caps.version}: quality by ${settings.metric.toUpperCase()}${settings.metric !== "vmaf" && !caps.filters.has("libvmaf") ? " (no libvmaf in this build)" : ""}, ` +
        describeCodecs(settings, caps),
    );
    let files: Promise<string>[] = args.positionals.map((f) => Promise.resolve(path.resolve(f)));
    if (buildsDemo) {
      for (const t of demoTitles) status.set(t.id, { name: t.metadata.info.name, stage: "source" });
      const dir = setName === "full" ? ".cache/demo-sources" : `.cache/demo-sources-${setName}`;
      // The first title encodes while the later sources are still being made.
      files = startDemoSources(path.resolve(dir), caps, {
        signal: controller.signal,
        titles: demoTitles,
        onProgress: (done, total, id) => {
          status.set(id, { stage: "waiting" });
          progress.line(`demo source ${done}/${total} ready: ${id}`);
        },
      });
    }
    const hashOfSettings = settingsHash(settings);
    const seen = new Map<string, string>();
    for (const [n, pending] of files.entries()) {
      let file: string;
      try {
        file = await pending;
      } catch (error) {
        // A demo source that cannot be made stops the run, and the sources still being made.
        controller.abort();
        throw error;
      }
      const titleStart = Date.now();
      const label = path.basename(file);
      try {
        const metadata = await readMetadata(file);
        const id = metadata.id;
        const info = metadata.info;
        const other = seen.get(id);
        if (other)
          throw new InputError(
            file,
            `title id "${id}" is already taken by ${other}; rename one or give an "id" in its sidecar`,
          );
        seen.set(id, file);
        status.set(id, { name: info.name, stage: "waiting" });
        const source = await probeSource(file, controller.signal, {
          toneMap: settings.toneMap,
          canToneMap: caps.toneMap,
        });
        const inputHash = createHash("sha256")
          .update(await sha256File(file))
          .update(hashOfSettings)
          .digest("hex")
          .slice(0, 32);
        const catalog = await store.read();
        const { series, episode } = metadata;
        if (!args.values.force && store.isCurrent(catalog, id, inputHash)) {
          await store.updateInfo(
            id,
            { ...info, ...(episode ? { episode, kind: "episode" as const } : {}) },
            series,
          );
          outcomes.push({
            id,
            file,
            status: "unchanged",
            detail: "",
            seconds: (Date.now() - titleStart) / 1000,
          });
          status.set(id, { stage: "done" });
          progress.line(`${id}: unchanged`);
          continue;
        }
        for (const note of source.notes) progress.line(`${id}: ${note}`);
        const stagingDir = store.stagingDir(id, inputHash);
        const built = await buildTitle(
          {
            id,
            source,
            metadata,
            inputHash,
            stagingDir,
            catalogPath: store.catalogPath(id, inputHash),
          },
          {
            caps,
            settings,
            signal: controller.signal,
            onStep: (step: Step, fraction: number) => {
              status.set(id, { stage: step, fraction });
              progress.update(
                `${n + 1}/${files.length} ${id}`,
                step,
                STEPS.indexOf(step),
                fraction,
              );
            },
          },
        );
        if (controller.signal.aborted) throw new CancelledError();
        await store.publish(built.title, series, stagingDir);
        status.set(id, { stage: "done" });
        const h264 = built.title.renditions.filter((r) => r.codec === "h264");
        outcomes.push({
          id,
          file,
          status: "encoded",
          detail: "",
          renditions: h264.map((r) => `${r.height}p`).join(" "),
          topKbps: Math.round(Math.max(...h264.map((r) => r.averageBitrateBps)) / 1000),
          bdRate: built.title.encoding.bdRatePercent,
          codecBdRate: built.title.encoding.codecBdRatePercent ?? {},
          seconds: (Date.now() - titleStart) / 1000,
        });
        progress.line(`${id}: encoded in ${((Date.now() - titleStart) / 1000).toFixed(1)} s`);
      } catch (error) {
        if (error instanceof CancelledError || controller.signal.aborted)
          throw new CancelledError();
        if (!(error instanceof InputError)) {
          if (error instanceof EncoderError) throw error;
          // A failure inside ffmpeg on one title: report it against the file and go on.
          progress.error(`error: ${label}: ${(error as Error).message}`);
        } else {
          progress.error(`error: ${error.message}`);
        }
        // Named by its id when it had one, so the app's pending card goes.
        status.set([...seen].find(([, f]) => f === file)?.[0] ?? label, { stage: "failed" });
        outcomes.push({
          id: label,
          file,
          status: "failed",
          detail: (error as Error).message,
          seconds: (Date.now() - titleStart) / 1000,
        });
      }
    }
    finished = true;
  } finally {
    await status.finish(finished ? "finished" : "stopped");
    progress.stop();
    await store.sweep().catch(() => undefined);
    await unlock();
  }
  printSummary(outcomes, root, (Date.now() - started) / 1000);
  return outcomes.some((o) => o.status === "failed") ? 1 : 0;
}

function printSummary(outcomes: Outcome[], root: string, seconds: number): void {
  if (outcomes.length === 0) return;
  const table = new Table({
    head: [
      "title",
      "status",
      "H.264 ladder",
      "top kbit/s",
      "BD-rate",
      "VP9 vs H.264",
      "AV1 vs H.264",
      "time (s)",
    ],
  });
  const percent = (p: number | null | undefined) =>
    p === undefined ? "" : p === null ? "n/a" : `${p > 0 ? "+" : ""}${p}%`;
  for (const o of outcomes) {
    table.push([
      o.id,
      o.status === "failed" ? `failed: ${o.detail.slice(0, 60)}` : o.status,
      o.renditions ?? "",
      o.topKbps ?? "",
      percent(o.bdRate),
      percent(o.codecBdRate?.vp9),
      percent(o.codecBdRate?.av1),
      o.seconds.toFixed(1),
    ]);
  }
  console.log(table.toString());
  const counts = (s: Outcome["status"]) => outcomes.filter((o) => o.status === s).length;
  console.log(
    `${counts("encoded")} encoded, ${counts("unchanged")} unchanged, ${counts("failed")} failed in ${seconds.toFixed(1)} s; catalog: ${path.join(root, "catalog.json")}`,
  );
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof CancelledError) {
      console.error("encode: cancelled; the catalog holds only the titles finished before it");
      process.exit(130);
    }
    if (error instanceof EncoderError) {
      console.error(`encode: ${error.message}`);
      process.exit(2);
    }
    console.error(error);
    process.exit(70);
  },
);
