// An image's width and height as its own header states them, read before anything is decoded, so that the
// side and pixel limits hold for every format: PNG's IHDR (which allows sides of 2³¹ - 1), JPEG's frame
// header (a SOFn segment, up to 65,535 per side), WebP's VP8, VP8L or VP8X header (up to 16,384). Decoding
// time grows with rows as well as pixels — a 1×10,000,000 PNG is within any pixel limit, deflates to 10 KB
// and takes seconds of a decoder thread — hence a limit on the longest side too.
import type { ImageType } from './decode.ts';

export const MAX_IMAGE_SIDE = 16_384;

export interface ImageSize {
  width: number;
  height: number;
}

const ascii = (bytes: Uint8Array, offset: number, length: number) => String.fromCharCode(...bytes.subarray(offset, offset + length));

function pngSize(bytes: Uint8Array, view: DataView): ImageSize | undefined {
  // Signature (8 bytes), then the IHDR chunk: length (4), type (4), width (4), height (4).
  if (bytes.length < 24 || ascii(bytes, 12, 4) !== 'IHDR') return undefined;
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** SOF0-3, 5-7, 9-11, 13-15: the frame headers (C4 is DHT, C8 reserved, CC is DAC). */
const isFrameHeader = (marker: number) => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
/** Markers without a length: TEM, RST0-7, SOI. */
const isStandalone = (marker: number) => marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8);

function jpegSize(bytes: Uint8Array, view: DataView): ImageSize | undefined {
  // Segments from the start of the image: FF, marker, length (2, itself included), payload. The frame header
  // comes before the first scan (SOS); a frame of height 0 announces its height later (DNL), which the
  // decoder does not support either.
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return undefined;
    let marker = bytes[at + 1]!;
    while (marker === 0xff && at + 2 < bytes.length) marker = bytes[++at + 1]!; // fill bytes
    at += 2;
    if (isStandalone(marker)) continue;
    if (marker === 0xda || marker === 0xd9 || at + 2 > bytes.length) return undefined;
    if (isFrameHeader(marker)) {
      if (at + 7 > bytes.length) return undefined;
      const size = { width: view.getUint16(at + 5), height: view.getUint16(at + 3) };
      return size.width > 0 && size.height > 0 ? size : undefined;
    }
    const length = view.getUint16(at);
    if (length < 2) return undefined;
    at += length;
  }
  return undefined;
}

function webpSize(bytes: Uint8Array, view: DataView): ImageSize | undefined {
  // RIFF header (12 bytes), then the first chunk: fourcc (4), size (4), payload from offset 20.
  if (bytes.length < 32) return undefined;
  switch (ascii(bytes, 12, 4)) {
    case 'VP8 ': // lossy: frame tag (3), start code 9D 01 2A, then 14-bit width and height (2 scale bits each)
      if (bytes[23] !== 0x9d || bytes[24] !== 0x01 || bytes[25] !== 0x2a) return undefined;
      return { width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff };
    case 'VP8L': { // lossless: signature 2F, then width - 1 and height - 1 in 14 bits each
      if (bytes[20] !== 0x2f) return undefined;
      const bits = view.getUint32(21, true);
      return { width: (bits & 0x3fff) + 1, height: ((bits >>> 14) & 0x3fff) + 1 };
    }
    case 'VP8X': // extended: flags (4), canvas width - 1 and height - 1 in 24 bits each
      return { width: (view.getUint32(24, true) & 0xffffff) + 1, height: (view.getUint32(27, true) & 0xffffff) + 1 };
    default:
      return undefined;
  }
}

/** The size the image's header states, or undefined when the header cannot be read. */
export function imageSize(bytes: Uint8Array, type: ImageType): ImageSize | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (type === 'image/png') return pngSize(bytes, view);
  if (type === 'image/jpeg') return jpegSize(bytes, view);
  return webpSize(bytes, view);
}
