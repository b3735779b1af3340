/**
 * The Range cases both servers must answer alike (RFC 9110 section 14), for a body of
 * `RANGE_BODY_BYTES`: read by the unit test of `range.ts` and, over loopback, by the test that
 * asks the origin and an appliance the same questions.
 */
export const RANGE_BODY_BYTES = 1000;

export interface RangeCase {
  what: string;
  method?: "GET" | "HEAD";
  header: string | undefined;
  status: 200 | 206 | 416;
  /** The bytes sent (first and last, included) for 206; 200 sends them all, 416 none. */
  bytes?: [number, number];
}

export const RANGE_CASES: readonly RangeCase[] = [
  { what: "no Range", header: undefined, status: 200 },
  { what: "valid", header: "bytes=0-99", status: 206, bytes: [0, 99] },
  { what: "valid, the unit in capitals", header: "Bytes=10-19", status: 206, bytes: [10, 19] },
  { what: "last byte past the end", header: "bytes=990-5000", status: 206, bytes: [990, 999] },
  { what: "open-ended", header: "bytes=900-", status: 206, bytes: [900, 999] },
  { what: "suffix", header: "bytes=-100", status: 206, bytes: [900, 999] },
  { what: "suffix longer than the body", header: "bytes=-5000", status: 206, bytes: [0, 999] },
  { what: "an empty list element", header: "bytes=0-9, ", status: 206, bytes: [0, 9] },
  { what: "invalid syntax: letters", header: "bytes=abc", status: 200 },
  { what: "invalid syntax: last before first", header: "bytes=5-2", status: 200 },
  { what: "invalid syntax: no numbers", header: "bytes=-", status: 200 },
  { what: "another unit", header: "items=0-9", status: 200 },
  { what: "multiple ranges", header: "bytes=0-1,5-6", status: 200 },
  { what: "on HEAD (ranges are for GET)", method: "HEAD", header: "bytes=0-9", status: 200 },
  { what: "unsatisfiable: starts at the end", header: "bytes=1000-", status: 416 },
  { what: "unsatisfiable: starts past the end", header: "bytes=5000-6000", status: 416 },
  { what: "unsatisfiable: empty suffix", header: "bytes=-0", status: 416 },
];
