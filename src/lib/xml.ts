/**
 * XML text and attribute escaping, shared by the encoder's MPD writer and the steering
 * service's rewritten MPD: both put catalog strings (labels, languages, URLs) into XML.
 */
export function escapeXml(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}
