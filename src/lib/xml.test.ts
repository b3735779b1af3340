import { describe, expect, it } from "vitest";
import { escapeXml } from "./xml.ts";

describe("escapeXml", () => {
  it("escapes the characters that end text or a quoted attribute", () => {
    expect(escapeXml(`a&b <c> "d"`)).toBe("a&amp;b &lt;c&gt; &quot;d&quot;");
  });
  it("escapes an ampersand once, before the others", () => {
    expect(escapeXml("&lt;")).toBe("&amp;lt;");
  });
});
