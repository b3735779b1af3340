/**
 * Just enough ISO-BMFF (MP4) reading to write exact manifests: the RFC 6381 codecs string
 * and timescale from an init segment, and each media segment's start and duration from its
 * `tfdt` and `trun`. Reading the boxes beats asking ffprobe per segment: it is exact, and it
 * takes microseconds.
 */

export interface Box {
  type: string;
  /** Offset of the box's payload (after the header) in the buffer. */
  start: number;
  end: number;
}

export function* boxes(buf: Uint8Array, start = 0, end = buf.length): Generator<Box> {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let offset = start;
  while (offset + 8 <= end) {
    let size = view.getUint32(offset);
    const type = String.fromCharCode(
      buf[offset + 4]!,
      buf[offset + 5]!,
      buf[offset + 6]!,
      buf[offset + 7]!,
    );
    let header = 8;
    if (size === 1) {
      size = Number(view.getBigUint64(offset + 8));
      header = 16;
    } else if (size === 0) {
      size = end - offset;
    }
    if (size < header || offset + size > end)
      throw new Error(`malformed MP4: box "${type}" overruns its parent`);
    yield { type, start: offset + header, end: offset + size };
    offset += size;
  }
}

/** The first box at a path of types, e.g. `["moov", "trak", "mdia", "mdhd"]`. */
export function findBox(
  buf: Uint8Array,
  pathTypes: readonly string[],
  start = 0,
  end = buf.length,
): Box | undefined {
  const [first, ...rest] = pathTypes;
  for (const box of boxes(buf, start, end)) {
    if (box.type !== first) continue;
    return rest.length === 0 ? box : findBox(buf, rest, box.start, box.end);
  }
  return undefined;
}

const hex2 = (n: number) => n.toString(16).padStart(2, "0");
const dec2 = (n: number) => String(n).padStart(2, "0");

/** Sizes of the fixed part of sample entries, before their child boxes (ISO 14496-12). */
const VISUAL_SAMPLE_ENTRY_BYTES = 78;
const AUDIO_SAMPLE_ENTRY_BYTES = 28;

export interface InitInfo {
  codecs: string;
  timescale: number;
  /** trex default sample duration, used when a fragment does not carry durations. */
  defaultSampleDuration: number;
}

export function readInit(buf: Uint8Array): InitInfo {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const mdhd = findBox(buf, ["moov", "trak", "mdia", "mdhd"]);
  const stsd = findBox(buf, ["moov", "trak", "mdia", "minf", "stbl", "stsd"]);
  if (!mdhd || !stsd) throw new Error("not an init segment: no mdhd or stsd");
  const timescale = view.getUint32(mdhd.start + (buf[mdhd.start] === 1 ? 20 : 12));
  const trex = findBox(buf, ["moov", "mvex", "trex"]);
  const defaultSampleDuration = trex ? view.getUint32(trex.start + 12) : 0;

  // stsd: version/flags (4) + entry count (4), then the sample entries.
  const entry = boxes(buf, stsd.start + 8, stsd.end).next().value;
  if (!entry) throw new Error("stsd has no sample entry");
  return { codecs: codecsOf(buf, entry), timescale, defaultSampleDuration };
}

function codecsOf(buf: Uint8Array, entry: Box): string {
  if (entry.type === "avc1" || entry.type === "avc3") {
    const avcC = findBox(buf, ["avcC"], entry.start + VISUAL_SAMPLE_ENTRY_BYTES, entry.end);
    if (!avcC) throw new Error(`${entry.type} sample entry has no avcC`);
    return `${entry.type}.${hex2(buf[avcC.start + 1]!)}${hex2(buf[avcC.start + 2]!)}${hex2(buf[avcC.start + 3]!)}`;
  }
  if (entry.type === "av01") {
    const av1C = findBox(buf, ["av1C"], entry.start + VISUAL_SAMPLE_ENTRY_BYTES, entry.end);
    if (!av1C) throw new Error("av01 sample entry has no av1C");
    const b1 = buf[av1C.start + 1]!;
    const b2 = buf[av1C.start + 2]!;
    const profile = b1 >> 5;
    const level = b1 & 0x1f;
    const tier = b2 & 0x80 ? "H" : "M";
    const highBitDepth = (b2 & 0x40) !== 0;
    const twelveBit = (b2 & 0x20) !== 0;
    const bitDepth = highBitDepth ? (twelveBit ? 12 : 10) : 8;
    return `av01.${profile}.${dec2(level)}${tier}.${dec2(bitDepth)}`;
  }
  if (entry.type === "vp09") {
    const vpcC = findBox(buf, ["vpcC"], entry.start + VISUAL_SAMPLE_ENTRY_BYTES, entry.end);
    if (!vpcC) throw new Error("vp09 sample entry has no vpcC");
    return vp9Codecs(buf.subarray(vpcC.start, vpcC.end));
  }
  if (entry.type === "mp4a") {
    const esds = findBox(buf, ["esds"], entry.start + AUDIO_SAMPLE_ENTRY_BYTES, entry.end);
    return `mp4a.40.${esds ? audioObjectType(buf, esds) : 2}`;
  }
  if (entry.type === "Opus") return "opus";
  throw new Error(`unsupported sample entry "${entry.type}"`);
}

/**
 * `vp09.PP.LL.DD` from a vpcC box's payload (VP Codec ISO-BMFF binding, version 1: version and
 * flags, profile, level, then bit depth in the high 4 bits). The short form: the optional
 * fields after it (chroma, colour, range) then mean 4:2:0 BT.709 limited range, which is what
 * we encode, while ffmpeg writes "unspecified" colour for lavfi sources, a value browsers may
 * refuse in the long form.
 */
export function vp9Codecs(vpcC: Uint8Array): string {
  if (vpcC.length < 7 || vpcC[0] !== 1)
    throw new Error(`vpcC version ${vpcC[0]} is not 1: cannot read the VP9 profile and level`);
  const profile = vpcC[4]!;
  const level = vpcC[5]!;
  const bitDepth = vpcC[6]! >> 4;
  return `vp09.${dec2(profile)}.${dec2(level)}.${dec2(bitDepth)}`;
}

/** Walk the esds descriptors to the AudioSpecificConfig and read its object type (2 = AAC-LC). */
function audioObjectType(buf: Uint8Array, esds: Box): number {
  let offset = esds.start + 4; // version and flags
  const readDescriptor = () => {
    const tag = buf[offset++]!;
    let length = 0;
    for (let i = 0; i < 4; i++) {
      const byte = buf[offset++]!;
      length = (length << 7) | (byte & 0x7f);
      if (!(byte & 0x80)) break;
    }
    return { tag, length };
  };
  const es = readDescriptor();
  if (es.tag !== 0x03) return 2;
  const flags = buf[offset + 2]!;
  offset += 3;
  if (flags & 0x80) offset += 2;
  if (flags & 0x40) offset += 1 + buf[offset]!;
  if (flags & 0x20) offset += 2;
  const config = readDescriptor();
  if (config.tag !== 0x04) return 2;
  offset += 13;
  const specific = readDescriptor();
  if (specific.tag !== 0x05) return 2;
  return buf[offset]! >> 3;
}

export interface SegmentTiming {
  /** Decode time of the first sample, in the track's timescale. */
  startTime: number;
  duration: number;
}

/** Start and duration of a media segment (one or more moof/mdat pairs). */
export function readSegmentTiming(buf: Uint8Array, defaultSampleDuration: number): SegmentTiming {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let startTime: number | undefined;
  let duration = 0;
  for (const moof of boxes(buf)) {
    if (moof.type !== "moof") continue;
    const traf = findBox(buf, ["traf"], moof.start, moof.end);
    if (!traf) continue;
    let sampleDefault = defaultSampleDuration;
    for (const box of boxes(buf, traf.start, traf.end)) {
      if (box.type === "tfdt" && startTime === undefined) {
        startTime =
          buf[box.start] === 1
            ? Number(view.getBigUint64(box.start + 4))
            : view.getUint32(box.start + 4);
      } else if (box.type === "tfhd") {
        const flags = view.getUint32(box.start) & 0xffffff;
        let offset = box.start + 8; // version/flags + track id
        if (flags & 0x01) offset += 8; // base data offset
        if (flags & 0x02) offset += 4; // sample description index
        if (flags & 0x08) sampleDefault = view.getUint32(offset);
      } else if (box.type === "trun") {
        duration += trunDuration(view, box, sampleDefault);
      }
    }
  }
  if (startTime === undefined) throw new Error("media segment has no tfdt");
  return { startTime, duration };
}

function trunDuration(view: DataView, trun: Box, sampleDefault: number): number {
  const flags = view.getUint32(trun.start) & 0xffffff;
  const count = view.getUint32(trun.start + 4);
  if (!(flags & 0x100)) return count * sampleDefault;
  let offset = trun.start + 8;
  if (flags & 0x01) offset += 4; // data offset
  if (flags & 0x04) offset += 4; // first sample flags
  const stride = 4 * [0x100, 0x200, 0x400, 0x800].filter((f) => flags & f).length;
  let total = 0;
  for (let i = 0; i < count; i++) total += view.getUint32(offset + i * stride);
  return total;
}
