// Recognises an image file from its first bytes and reads its pixel size without decoding it, so the demo
// can refuse a non-image or a huge image before handing it to the browser's decoder.

export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'webp' | 'bmp' | 'avif';

export interface ImageHeader {
  format: ImageFormat;
  /** Pixel size when the header states it (always for PNG/GIF/BMP/WebP; JPEG when its SOF is in the bytes read). */
  width?: number;
  height?: number;
}

const ascii = (bytes: Uint8Array, at: number, length: number): string =>
  String.fromCharCode(...bytes.subarray(at, at + length));

/** Identifies the format from the magic bytes; undefined when the bytes are not an image we can decode. */
export function sniffFormat(bytes: Uint8Array): ImageFormat | undefined {
  if (bytes.length >= 8 && ascii(bytes, 1, 3) === 'PNG' && bytes[0] === 0x89 && bytes[4] === 0x0d) return 'png';
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return 'jpeg';
  if (bytes.length >= 6 && (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a')) return 'gif';
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return 'webp';
  if (bytes.length >= 26 && ascii(bytes, 0, 2) === 'BM') return 'bmp';
  if (bytes.length >= 12 && ascii(bytes, 4, 4) === 'ftyp' && ['avif', 'avis'].includes(ascii(bytes, 8, 4))) return 'avif';
  return undefined;
}

/** Reads the format and, where the header holds it, the pixel size. Undefined for non-images. */
export function readImageHeader(bytes: Uint8Array): ImageHeader | undefined {
  const format = sniffFormat(bytes);
  if (!format) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const size = sizeReaders[format](view, bytes);
  return size ? { format, ...size } : { format };
}

type Size = { width: number; height: number } | undefined;

const sizeReaders: Record<ImageFormat, (view: DataView, bytes: Uint8Array) => Size> = {
  // IHDR is always the first chunk: width and height big-endian at 16 and 20.
  png: (view) => (view.byteLength >= 24 ? { width: view.getUint32(16), height: view.getUint32(20) } : undefined),
  gif: (view) => ({ width: view.getUint16(6, true), height: view.getUint16(8, true) }),
  // BITMAPINFOHEADER: signed 32-bit width/height at 18/22; a negative height means top-down rows.
  bmp: (view) => ({ width: Math.abs(view.getInt32(18, true)), height: Math.abs(view.getInt32(22, true)) }),
  webp: readWebpSize,
  jpeg: readJpegSize,
  avif: () => undefined, // the size sits in an 'ispe' box deep inside 'meta'; the decode limit still applies
};

function readWebpSize(view: DataView, bytes: Uint8Array): Size {
  if (view.byteLength < 30) return undefined;
  const chunk = ascii(bytes, 12, 4);
  if (chunk === 'VP8X') {
    const uint24 = (at: number) => view.getUint8(at) | (view.getUint8(at + 1) << 8) | (view.getUint8(at + 2) << 16);
    return { width: uint24(24) + 1, height: uint24(27) + 1 };
  }
  if (chunk === 'VP8L') {
    const bits = view.getUint32(21, true);
    return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
  }
  if (chunk === 'VP8 ') return { width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff };
  return undefined;
}

/** Walks the JPEG marker segments up to the first SOFn, which holds the frame's height and width. */
function readJpegSize(view: DataView): Size {
  let at = 2;
  while (at + 9 < view.byteLength) {
    if (view.getUint8(at) !== 0xff) return undefined;
    const marker = view.getUint8(at + 1);
    if (marker === 0xff) { at++; continue; } // fill byte
    const isStartOfFrame = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isStartOfFrame) return { height: view.getUint16(at + 5), width: view.getUint16(at + 7) };
    at += 2 + view.getUint16(at + 2);
  }
  return undefined;
}
