/**
 * index.html as the app server sends it: the build's page with the runtime config and resource
 * hints (hints.ts) added to its head. Pure string work.
 */
import { type RuntimeConfig, runtimeConfigScript } from "../src/schemas/runtime-config.ts";

/** Adds `tags` at the end of the head; the build's page must have one. */
export function injectIntoHead(html: string, tags: readonly string[]): string {
  const at = html.search(/<\/head>/i);
  if (at === -1) throw new Error("index.html has no </head>: the runtime config has nowhere to go");
  const before = html.slice(0, at);
  // Indented one step inside the head, as the lines before them are.
  const indent = /[ \t]*$/.exec(before)?.[0] ?? "";
  return `${before}${tags.map((tag) => `  ${tag}\n${indent}`).join("")}${html.slice(at)}`;
}

/** The config goes first, though any place in the head runs before the app's deferred module. */
export function renderPage(html: string, config: RuntimeConfig, hints: readonly string[]): string {
  return injectIntoHead(html, [runtimeConfigScript(config), ...hints]);
}
