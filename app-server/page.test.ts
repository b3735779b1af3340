import { describe, expect, it } from "vitest";
import { RUNTIME_CONFIG_GLOBAL } from "../src/schemas/runtime-config.ts";
import { injectIntoHead, renderPage } from "./page.ts";

const built = `<!doctype html>
<html lang="en">
  <head>
    <title>Streamlab</title>
    <script type="module" crossorigin src="/assets/index-abc123.js"></script>
  </head>
  <body><div id="root"></div></body>
</html>`;

describe("injectIntoHead", () => {
  it("adds the tags at the end of the head, one per line, indented like the head", () => {
    expect(injectIntoHead(built, ["<a>", "<b>"])).toContain(
      `src="/assets/index-abc123.js"></script>
    <a>
    <b>
  </head>`,
    );
  });

  it("leaves the page as it was without tags", () => {
    expect(injectIntoHead(built, [])).toBe(built);
  });

  it("refuses a page without a head", () => {
    expect(() => injectIntoHead("<html><body></body></html>", ["<a>"])).toThrow(/no <\/head>/);
  });
});

describe("renderPage", () => {
  it("puts the config script before the hints", () => {
    const page = renderPage(
      built,
      { originUrl: "http://o:1", steeringUrl: "http://s:2", adminUrl: "http://a:3" },
      ['<link rel="preconnect" href="http://s:2">'],
    );
    const config = page.indexOf(`window.${RUNTIME_CONFIG_GLOBAL}=`);
    expect(config).toBeGreaterThan(0);
    expect(config).toBeLessThan(page.indexOf('rel="preconnect"'));
    expect(page).toContain('"originUrl":"http://o:1"');
  });
});
