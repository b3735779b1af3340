/**
 * HLS Content Steering (draft-pantos-hls-rfc8216bis, EXT-X-CONTENT-STEERING and PATHWAY-ID;
 * Apple's "HLS Content Steering Specification"). Pure: playlist text in, playlist text out.
 *
 * A Pathway is the set of Variant Streams that share a PATHWAY-ID. Here one Pathway is one
 * appliance: every variant is repeated per appliance with absolute URIs on that appliance, and
 * every rendition group is repeated too (GROUP-ID suffixed with the pathway), so that audio and
 * subtitles also come from the pathway the player is on.
 */

/** RFC 8216bis: a PATHWAY-ID consists only of [a-z], [A-Z], [0-9], ".", "-" and "_". */
export const PATHWAY_ID = /^[A-Za-z0-9._-]+$/;

/** Steering manifest format version: the only one the spec defines. */
const STEERING_MANIFEST_VERSION = 1 as const;

/** Tags whose URI belongs to a pathway; other tags are copied once, unchanged. */
const STREAM_INF = "#EXT-X-STREAM-INF:";
const IFRAME_STREAM_INF = "#EXT-X-I-FRAME-STREAM-INF:";
const MEDIA = "#EXT-X-MEDIA:";
const CONTENT_STEERING = "#EXT-X-CONTENT-STEERING:";
/** EXT-X-STREAM-INF attributes that name a rendition group (quoted-string when a group). */
const GROUP_REFERENCES = ["AUDIO", "VIDEO", "SUBTITLES", "CLOSED-CAPTIONS"] as const;

export interface Pathway {
  id: string;
  baseUrl: string;
}

type Attribute = { name: string; value: string };

/** Splits an attribute list, keeping quoted values (which may hold commas) whole. */
export function parseAttributes(list: string): Attribute[] {
  const attributes: Attribute[] = [];
  const pattern = /([A-Z0-9-]+)=("[^"\r\n]*"|[^,]*)(?:,|$)/gy;
  for (const match of list.matchAll(pattern)) {
    attributes.push({ name: match[1]!, value: match[2]! });
  }
  return attributes;
}

function formatAttributes(attributes: readonly Attribute[]): string {
  return attributes.map((a) => `${a.name}=${a.value}`).join(",");
}

function unquote(value: string): string | null {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"')
    ? value.slice(1, -1)
    : null;
}

function quoted(value: string): string {
  if (/["\r\n]/.test(value)) throw new Error(`cannot quote ${JSON.stringify(value)} in HLS`);
  return `"${value}"`;
}

function checkPathways(pathways: readonly Pathway[]): void {
  if (pathways.length === 0) throw new Error("at least one pathway is needed");
  const seen = new Set<string>();
  for (const p of pathways) {
    if (!PATHWAY_ID.test(p.id)) throw new Error(`invalid pathway id ${JSON.stringify(p.id)}`);
    if (seen.has(p.id)) throw new Error(`duplicate pathway id "${p.id}"`);
    seen.add(p.id);
  }
}

/** Where the title's relative URIs resolve on a pathway (always ends in "/"). */
function titleRoot(pathway: Pathway, titleBaseUrl: string | undefined): URL {
  const root = new URL(titleBaseUrl ?? "", pathway.baseUrl);
  if (!root.pathname.endsWith("/")) root.pathname += "/";
  return root;
}

function rewrite(
  attributes: readonly Attribute[],
  pathwayId: string,
  root: URL,
  renamed: (name: string) => boolean,
): Attribute[] {
  return attributes.map(({ name, value }) => {
    const text = unquote(value);
    if (name === "URI" && text !== null) return { name, value: quoted(new URL(text, root).href) };
    if (renamed(name) && text !== null) return { name, value: quoted(`${text}-${pathwayId}`) };
    return { name, value };
  });
}

export interface SteeredMultivariantInput {
  /** In priority order; the first is the PATHWAY-ID the player starts on. */
  pathways: Pathway[];
  /** The steering manifest URL (absolute, or relative to the multivariant playlist). */
  steeringUri: string;
  /**
   * The title folder relative to each pathway's baseUrl, e.g. "titles/x--1a2b/". Without it,
   * each baseUrl is taken to be the title folder itself.
   */
  titleBaseUrl?: string;
}

/**
 * The title's multivariant playlist, steered: EXT-X-CONTENT-STEERING, then every rendition
 * and every variant once per pathway. Throws on a playlist without variants or a bad
 * pathway id; a steering tag already in the input is replaced.
 */
export function steeredMultivariant(master: string, input: SteeredMultivariantInput): string {
  checkPathways(input.pathways);
  const lines = master.split(/\r?\n/);
  if (lines[0]?.trim() !== "#EXTM3U") throw new Error("not an HLS playlist: no #EXTM3U");

  const header: string[] = [];
  const media: Attribute[][] = [];
  const variants: { tag: string; attributes: Attribute[]; uri: string }[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "" || line.startsWith(CONTENT_STEERING)) continue;
    if (line.startsWith(MEDIA)) {
      media.push(parseAttributes(line.slice(MEDIA.length)));
    } else if (line.startsWith(STREAM_INF)) {
      // The variant's URI is the next line that is neither blank nor a comment/tag.
      let j = i + 1;
      while (j < lines.length && (lines[j]!.trim() === "" || lines[j]!.startsWith("#"))) j++;
      const uri = lines[j]?.trim();
      if (!uri) throw new Error(`EXT-X-STREAM-INF on line ${i + 1} has no URI`);
      variants.push({
        tag: STREAM_INF,
        attributes: parseAttributes(line.slice(STREAM_INF.length)),
        uri,
      });
      i = j;
    } else if (line.startsWith(IFRAME_STREAM_INF)) {
      variants.push({
        tag: IFRAME_STREAM_INF,
        attributes: parseAttributes(line.slice(IFRAME_STREAM_INF.length)),
        uri: "",
      });
    } else if (line.startsWith("#")) {
      header.push(line);
    }
  }
  if (variants.length === 0) throw new Error("the playlist has no EXT-X-STREAM-INF variants");

  const out = ["#EXTM3U", ...header];
  out.push(
    `${CONTENT_STEERING}SERVER-URI=${quoted(input.steeringUri)},PATHWAY-ID=${quoted(input.pathways[0]!.id)}`,
    "",
  );
  const isGroupId = (name: string) => name === "GROUP-ID";
  const isGroupReference = (name: string) => (GROUP_REFERENCES as readonly string[]).includes(name);
  for (const pathway of input.pathways) {
    const root = titleRoot(pathway, input.titleBaseUrl);
    for (const attributes of media) {
      out.push(`${MEDIA}${formatAttributes(rewrite(attributes, pathway.id, root, isGroupId))}`);
    }
  }
  if (media.length > 0) out.push("");
  for (const pathway of input.pathways) {
    const root = titleRoot(pathway, input.titleBaseUrl);
    for (const variant of variants) {
      const attributes = rewrite(
        variant.attributes.filter((a) => a.name !== "PATHWAY-ID"),
        pathway.id,
        root,
        isGroupReference,
      );
      attributes.push({ name: "PATHWAY-ID", value: quoted(pathway.id) });
      out.push(`${variant.tag}${formatAttributes(attributes)}`);
      if (variant.tag === STREAM_INF) out.push(new URL(variant.uri, root).href);
    }
  }
  out.push("");
  return out.join("\n");
}

export interface HlsSteeringManifest {
  VERSION: 1;
  TTL: number;
  "RELOAD-URI": string;
  "PATHWAY-PRIORITY": string[];
}

/** The JSON steering manifest. Throws on an empty or repeated priority list (the spec's MUSTs). */
export function steeringManifest(input: {
  pathwayPriority: string[];
  ttlSec: number;
  reloadUri: string;
}): HlsSteeringManifest {
  checkPathways(input.pathwayPriority.map((id) => ({ id, baseUrl: "" })));
  return {
    ...steeringManifestBase(input.ttlSec, input.reloadUri),
    "PATHWAY-PRIORITY": [...input.pathwayPriority],
  };
}

/** The fields HLS and DASH steering manifests share; throws on a TTL that is not a positive whole number. */
export function steeringManifestBase(ttlSec: number, reloadUri: string) {
  if (!Number.isInteger(ttlSec) || ttlSec <= 0) {
    throw new Error(`TTL must be a positive whole number of seconds, got ${ttlSec}`);
  }
  return { VERSION: STEERING_MANIFEST_VERSION, TTL: ttlSec, "RELOAD-URI": reloadUri };
}

/**
 * A throughput query value in bit/s. The spec says decimal-integer; hls.js sends its raw
 * (fractional) estimate, so a decimal is accepted and rounded. Zero means "no estimate".
 */
export function parseThroughputBps(value: string | null | undefined): number | null {
  if (value === null || value === undefined || !/^\d{1,16}(\.\d+)?$/.test(value)) return null;
  const bps = Math.round(Number(value));
  return bps > 0 && Number.isSafeInteger(bps) ? bps : null;
}

/** What the player says about itself when it reloads the steering manifest. Never throws. */
export function readHlsSteeringQuery(url: URL): {
  pathway: string | null;
  throughputBps: number | null;
} {
  const pathway = url.searchParams.get("_HLS_pathway");
  return {
    pathway: pathway !== null && PATHWAY_ID.test(pathway) ? pathway : null,
    throughputBps: parseThroughputBps(url.searchParams.get("_HLS_throughput")),
  };
}
