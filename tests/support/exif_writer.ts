/** One entry of a TIFF directory; `value` holds the bytes as stored (in the block's byte order). */
export interface TiffEntry {
  tag: number;
  type: number;
  count: number;
  value: Uint8Array;
  /** Point the entry here instead of where the writer put its value. */
  offset?: number;
}

const encoder = new TextEncoder();

/** An ASCII (type 2) entry, zero-terminated. */
export function asciiEntry(tag: number, text: string): TiffEntry {
  const value = new Uint8Array([...encoder.encode(text), 0]);
  return { tag, type: 2, count: value.length, value };
}

/** A UserComment (0x9286, UNDEFINED) with its 8-byte character-code prefix. */
export function userCommentEntry(
  text: string,
  encoding: "ascii" | "unicode-be" | "unicode-le" | "unicode-bom-le",
): TiffEntry {
  let body: Uint8Array;
  let prefix = "UNICODE\0";
  if (encoding === "ascii") {
    prefix = "ASCII\0\0\0";
    body = encoder.encode(text);
  } else {
    const little = encoding !== "unicode-be";
    const bom = encoding === "unicode-bom-le" ? 1 : 0;
    body = new Uint8Array((text.length + bom) * 2);
    const view = new DataView(body.buffer);
    if (bom) view.setUint16(0, 0xfeff, true);
    for (let i = 0; i < text.length; i++) view.setUint16((i + bom) * 2, text.charCodeAt(i), little);
  }
  const value = new Uint8Array([...encoder.encode(prefix), ...body]);
  return { tag: 0x9286, type: 7, count: value.length, value };
}

/** What goes into a TIFF block: IFD0 entries and, when given, an Exif directory. */
export interface TiffSpec {
  littleEndian?: boolean;
  ifd0?: TiffEntry[];
  exif?: TiffEntry[];
  /** Where IFD0's Exif pointer points, instead of the Exif directory. */
  exifPointer?: number;
}

/** A TIFF block (the body of an Exif APP1 segment or a WebP EXIF chunk). */
export function buildTiff(spec: TiffSpec): Uint8Array {
  const little = spec.littleEndian ?? false;
  const ifd0 = [...(spec.ifd0 ?? [])];
  const exif = spec.exif ?? [];
  if (spec.exif || spec.exifPointer !== undefined) {
    ifd0.push({ tag: 0x8769, type: 4, count: 1, value: new Uint8Array(4) });
  }
  const ifd0At = 8;
  const exifAt = ifd0At + 2 + ifd0.length * 12 + 4;
  let dataAt = exifAt + (spec.exif ? 2 + exif.length * 12 + 4 : 0);
  const size = dataAt +
    [...ifd0, ...exif].reduce(
      (n, e) => n + (e.value.length > 4 ? e.value.length + (e.value.length % 2) : 0),
      0,
    );
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out.set(little ? [0x49, 0x49] : [0x4d, 0x4d]);
  view.setUint16(2, 42, little);
  view.setUint32(4, ifd0At, little);
  const writeIfd = (at: number, entries: TiffEntry[]) => {
    view.setUint16(at, entries.length, little);
    entries.forEach((e, i) => {
      const p = at + 2 + i * 12;
      view.setUint16(p, e.tag, little);
      view.setUint16(p + 2, e.type, little);
      view.setUint32(p + 4, e.count, little);
      if (e.tag === 0x8769) {
        view.setUint32(p + 8, spec.exifPointer ?? exifAt, little);
      } else if (e.value.length <= 4 && e.offset === undefined) {
        out.set(e.value, p + 8);
      } else {
        view.setUint32(p + 8, e.offset ?? dataAt, little);
        if (e.value.length > 4) {
          out.set(e.value, dataAt);
          dataAt += e.value.length + (e.value.length % 2);
        }
      }
    });
    view.setUint32(at + 2 + entries.length * 12, 0, little);
  };
  writeIfd(ifd0At, ifd0);
  if (spec.exif) writeIfd(exifAt, exif);
  return out;
}

/** A JPEG segment: marker, big-endian length (data + 2), data. */
export function jpegSegment(marker: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + data.length);
  out[0] = 0xff;
  out[1] = marker;
  new DataView(out.buffer).setUint16(2, data.length + 2);
  out.set(data, 4);
  return out;
}

/** An Exif APP1 segment around a TIFF block. */
export function exifApp1(tiff: Uint8Array): Uint8Array {
  return jpegSegment(0xe1, new Uint8Array([...encoder.encode("Exif\0\0"), ...tiff]));
}

/** The JPEG with segments inserted right after its SOI marker. */
export function insertJpegSegments(jpeg: Uint8Array, ...segments: Uint8Array[]): Uint8Array {
  const parts = [jpeg.subarray(0, 2), ...segments, jpeg.subarray(2)];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), at += p.length);
  return out;
}

/** A RIFF chunk: fourcc, little-endian size, data, a pad byte when the size is odd. */
export function riffChunk(type: string, data: Uint8Array, declaredSize?: number): Uint8Array {
  const out = new Uint8Array(8 + data.length + (data.length % 2));
  out.set(encoder.encode(type));
  new DataView(out.buffer).setUint32(4, declaredSize ?? data.length, true);
  out.set(data, 8);
  return out;
}

/** A WebP file from chunks; the RIFF size is computed unless given. */
export function webpFile(chunks: Uint8Array[], declaredSize?: number): Uint8Array {
  const body = chunks.reduce((n, c) => n + c.length, 0);
  const out = new Uint8Array(12 + body);
  out.set(encoder.encode("RIFF"));
  new DataView(out.buffer).setUint32(4, declaredSize ?? 4 + body, true);
  out.set(encoder.encode("WEBP"), 8);
  let at = 12;
  for (const c of chunks) (out.set(c, at), at += c.length);
  return out;
}

/**
 * Turns a simple WebP (one VP8 or VP8L chunk) into the extended format with an EXIF chunk,
 * as libwebp's muxer does: VP8X (EXIF flag, canvas size), the image chunk, then EXIF.
 */
export function webpWithExif(simple: Uint8Array, tiff: Uint8Array, withPrefix = false): Uint8Array {
  const image = simple.subarray(12);
  const view = new DataView(simple.buffer, simple.byteOffset);
  const type = String.fromCharCode(...simple.subarray(12, 16));
  let width: number;
  let height: number;
  if (type === "VP8 ") {
    width = view.getUint16(26, true) & 0x3fff;
    height = view.getUint16(28, true) & 0x3fff;
  } else {
    const bits = view.getUint32(21, true);
    width = (bits & 0x3fff) + 1;
    height = ((bits >>> 14) & 0x3fff) + 1;
  }
  const vp8x = new Uint8Array(10);
  vp8x[0] = 0x08 | (type === "VP8L" ? 0x10 : 0);
  vp8x.set([(width - 1) & 0xff, ((width - 1) >> 8) & 0xff, (width - 1) >> 16], 4);
  vp8x.set([(height - 1) & 0xff, ((height - 1) >> 8) & 0xff, (height - 1) >> 16], 7);
  const exif = withPrefix ? new Uint8Array([...encoder.encode("Exif\0\0"), ...tiff]) : tiff;
  return webpFile([riffChunk("VP8X", vp8x), image, riffChunk("EXIF", exif)]);
}
