/**
 * A DASH MPD with every URL that would lead past the proxy sent through it, by parsing the XML
 * (fast-xml-parser, order and whitespace kept) and walking it with the BaseURL in force at each
 * level (ISO/IEC 23009-1 5.6: MPD, Period, AdaptationSet, Representation). Pure.
 *
 * Rewritten: `BaseURL`, `Location` and `PatchLocation` text; `SegmentTemplate` `media`,
 * `initialization`, `index` and `bitstreamSwitching` (templates such as `$Number%05d$` pass
 * through); `SegmentURL` `media` and `index`; `Initialization`, `RepresentationIndex` and
 * `BitstreamSwitching` `sourceURL`; any `xlink:href`. A plain relative URL is left as written:
 * it resolves through the proxied MPD or BaseURL, and a template set on an AdaptationSet must
 * keep resolving against each Representation's own BaseURL. Absolute, scheme-relative and
 * root-relative URLs, and relative ones that climb (`..`), are resolved against the BaseURL in
 * force and mapped. `ContentSteering` is dropped: it would steer the player to the upstream's
 * own locations; our steering orders the appliances.
 */
import { XMLBuilder, XMLParser } from "fast-xml-parser";
import type { UriMapper } from "./rewrite-hls.ts";

const XML_OPTIONS = {
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  commentPropName: "#comment",
  cdataPropName: "#cdata",
  processEntities: true,
  htmlEntities: false,
} as const;

/** Attributes holding a URL, by element. */
const URL_ATTRIBUTES: Record<string, readonly string[]> = {
  SegmentTemplate: ["media", "initialization", "index", "bitstreamSwitching"],
  SegmentURL: ["media", "index"],
  Initialization: ["sourceURL"],
  RepresentationIndex: ["sourceURL"],
  BitstreamSwitching: ["sourceURL"],
};
const URL_TEXT_ELEMENTS = new Set(["BaseURL", "Location", "PatchLocation"]);
const DROPPED_ELEMENTS = new Set(["ContentSteering"]);

/** One node of fast-xml-parser's ordered tree: `{ Tag: children, ":@"?: attributes }`. */
type XmlNode = Record<string, unknown>;

function tagOf(node: XmlNode): string | undefined {
  return Object.keys(node).find((key) => key !== ":@");
}

function childrenOf(node: XmlNode, tag: string): XmlNode[] {
  const children = node[tag];
  return Array.isArray(children) ? (children as XmlNode[]) : [];
}

function textOf(node: XmlNode, tag: string): string | null {
  const texts = childrenOf(node, tag).filter((c) => typeof c["#text"] === "string");
  return texts.length === 1 ? (texts[0]!["#text"] as string) : null;
}

/** Whether a URL would leave the proxied path when resolved as written. */
function leadsAway(url: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith("/") || /(^|\/)\.\.(\/|$)/.test(url);
}

function mapUrl(url: string, base: URL, map: UriMapper): string {
  const trimmed = url.trim();
  if (!leadsAway(trimmed)) return url;
  let resolved: URL;
  try {
    resolved = new URL(trimmed, base);
  } catch {
    return url;
  }
  if (resolved.protocol !== "http:" && resolved.protocol !== "https:") return url;
  return map(resolved);
}

function resolveOr(url: string, base: URL): URL {
  try {
    return new URL(url.trim(), base);
  } catch {
    return base;
  }
}

/** Rewrites a list of sibling nodes in place, `base` being the BaseURL in force above them. */
function walk(nodes: XmlNode[], base: URL, map: UriMapper): XmlNode[] {
  // The first BaseURL among the siblings is the one their level resolves against.
  const firstBase = nodes.find((n) => tagOf(n) === "BaseURL");
  const firstBaseText = firstBase ? textOf(firstBase, "BaseURL") : null;
  const levelBase = firstBaseText === null ? base : resolveOr(firstBaseText, base);
  const kept: XmlNode[] = [];
  for (const node of nodes) {
    const tag = tagOf(node);
    if (tag === undefined || tag.startsWith("#") || tag.startsWith("?")) {
      kept.push(node);
      continue;
    }
    if (DROPPED_ELEMENTS.has(tag)) continue;
    if (URL_TEXT_ELEMENTS.has(tag)) {
      for (const child of childrenOf(node, tag)) {
        if (typeof child["#text"] === "string")
          child["#text"] = mapUrl(child["#text"], tag === "BaseURL" ? base : levelBase, map);
      }
      kept.push(node);
      continue;
    }
    const attributes = node[":@"] as Record<string, string> | undefined;
    if (attributes) {
      for (const name of [...(URL_ATTRIBUTES[tag] ?? []), "xlink:href"]) {
        const value = attributes[`@_${name}`];
        if (typeof value === "string") attributes[`@_${name}`] = mapUrl(value, levelBase, map);
      }
    }
    node[tag] = walk(childrenOf(node, tag), levelBase, map);
    kept.push(node);
  }
  return kept;
}

/** MPD-level BaseURLs made absolute against `url` (one added when there is none), so the
 * walk maps them through the proxy. */
function pinBaseUrl(mpd: XmlNode, url: URL): void {
  const children = childrenOf(mpd, "MPD");
  const bases = children.filter((n) => tagOf(n) === "BaseURL");
  if (bases.length === 0) {
    children.unshift({ BaseURL: [{ "#text": new URL("./", url).href }] });
    mpd.MPD = children;
    return;
  }
  for (const base of bases) {
    for (const child of childrenOf(base, "BaseURL")) {
      if (typeof child["#text"] === "string") child["#text"] = resolveOr(child["#text"], url).href;
    }
  }
}

export type DashRewrite = { ok: true; text: string } | { ok: false; error: string };

/**
 * The MPD at `url` with its URLs mapped, or why it could not be read as XML. `moved`: the MPD
 * was fetched from `url` after a redirect, so relative URLs, which the player resolves against
 * the address it asked for, are pinned with an MPD-level BaseURL to where they really are.
 */
export function rewriteDash(
  text: string,
  url: URL,
  map: UriMapper,
  { moved = false }: { moved?: boolean } = {},
): DashRewrite {
  let tree: XmlNode[];
  try {
    tree = new XMLParser(XML_OPTIONS).parse(text, true) as XmlNode[];
  } catch (error) {
    return { ok: false, error: `the MPD is not well-formed XML: ${(error as Error).message}` };
  }
  const mpd = tree.find((node) => tagOf(node) === "MPD");
  if (!mpd) return { ok: false, error: "the document has no <MPD> root element" };
  if (moved) pinBaseUrl(mpd, url);
  const rewritten = walk(tree, url, map);
  const builder = new XMLBuilder({ ...XML_OPTIONS, suppressEmptyNode: true, format: false });
  return { ok: true, text: builder.build(rewritten) as string };
}
