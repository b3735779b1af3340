import { describe, expect, it } from "vitest";
import { readSegmentTiming, vp9Codecs } from "./mp4.ts";

/** An ISO-BMFF box: 32-bit size, 4-letter type, payload. */
function box(type: string, ...payload: Uint8Array[]): Uint8Array {
  const size = 8 + payload.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(size);
  new DataView(out.buffer).setUint32(0, size);
  out.set(new TextEncoder().encode(type), 4);
  let offset = 8;
  for (const p of payload) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function u32(...values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  values.forEach((v, i) => {
    new DataView(out.buffer).setUint32(i * 4, v);
  });
  return out;
}

const tfdtV1 = (time: number) => box("tfdt", u32(0x01000000, 0, time));

describe("readSegmentTiming", () => {
  it("sums per-sample durations from trun and reads the start from tfdt", () => {
    // trun flags 0x000101: data offset + sample duration present; 3 samples.
    const trun = box("trun", u32(0x00000101, 3, 0, 1000, 1000, 1024));
    const segment = box("moof", box("traf", box("tfhd", u32(0, 1)), tfdtV1(48000), trun));
    expect(readSegmentTiming(segment, 0)).toEqual({ startTime: 48000, duration: 3024 });
  });

  it("falls back to tfhd's default duration, then to trex's, when samples carry none", () => {
    const trun = box("trun", u32(0x00000001, 4, 0));
    const withTfhdDefault = box(
      "moof",
      box("traf", box("tfhd", u32(0x08, 1, 512)), tfdtV1(0), trun),
    );
    expect(readSegmentTiming(withTfhdDefault, 100).duration).toBe(2048);
    const withoutDefault = box("moof", box("traf", box("tfhd", u32(0, 1)), tfdtV1(0), trun));
    expect(readSegmentTiming(withoutDefault, 100).duration).toBe(400);
  });

  it("adds up several fragments in one segment, starting at the first", () => {
    const frag = (t: number) =>
      box("moof", box("traf", box("tfhd", u32(0x08, 1, 10)), tfdtV1(t), box("trun", u32(0, 5))));
    const both = new Uint8Array([...frag(100), ...box("mdat"), ...frag(150), ...box("mdat")]);
    expect(readSegmentTiming(both, 0)).toEqual({ startTime: 100, duration: 100 });
  });

  it("rejects a segment without tfdt and a box that overruns its parent", () => {
    expect(() => readSegmentTiming(box("moof", box("traf", box("tfhd", u32(0, 1)))), 0)).toThrow(
      /no tfdt/,
    );
    const broken = box("moof");
    new DataView(broken.buffer).setUint32(0, 999);
    expect(() => readSegmentTiming(broken, 0)).toThrow(/overruns/);
  });
});

describe("vp9Codecs", () => {
  it("reads profile, level and bit depth from vpcC", () => {
    // The vpcC payload ffmpeg 5.1 writes for 8-bit 4:2:0 at 640x360 (level 2.1).
    const ffmpeg = Uint8Array.of(1, 0, 0, 0, 0, 21, 0x80, 2, 2, 2, 0, 0);
    expect(vp9Codecs(ffmpeg)).toBe("vp09.00.21.08");
    // Profile 2, level 4.1, 10-bit 4:2:0.
    expect(vp9Codecs(Uint8Array.of(1, 0, 0, 0, 2, 41, 0xa2, 1, 1, 1, 0, 0))).toBe("vp09.02.41.10");
  });

  it("refuses a vpcC version it cannot read", () => {
    expect(() => vp9Codecs(Uint8Array.of(0, 0, 0, 0, 0, 21, 0x80))).toThrow(
      /vpcC version 0 is not 1/,
    );
  });
});
