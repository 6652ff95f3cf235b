// The hostile-input corpus, built at test time from code (sharp, zlib, Buffer) so that every byte sent is
// explained here and nothing opaque is committed. Images are deterministic: the same call gives the same bytes.
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';

/** Deterministic RGB pixels of a width×height image (a diagonal gradient with some texture). */
export function rgbPixels(width: number, height: number): Buffer {
  const raw = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 3;
      raw[p] = (x * 8 + y * 3) % 256;
      raw[p + 1] = (y * 8 + ((x * 5) ^ y)) % 256;
      raw[p + 2] = (x * y + 40) % 256;
    }
  }
  return raw;
}

const rgb = (width = 32, height = 32) => sharp(rgbPixels(width, height), { raw: { width, height, channels: 3 } });

export const png = (width = 32, height = 32) => rgb(width, height).png().toBuffer();
export const jpeg = (width = 32, height = 32) => rgb(width, height).jpeg({ quality: 90 }).toBuffer();
export const webp = (width = 32, height = 32) => rgb(width, height).webp({ quality: 90 }).toBuffer();
export const png16 = () => rgb().toColourspace('rgb16').png().toBuffer();
export const grayscalePng = () => rgb().toColourspace('b-w').png().toBuffer();
export const grayscaleJpeg = () => rgb().toColourspace('b-w').jpeg().toBuffer();
export const cmykJpeg = () => rgb().toColourspace('cmyk').jpeg().toBuffer();
export const palettePng = () => rgb().png({ palette: true, colours: 16 }).toBuffer();
export const rgbaPng = () => rgb().ensureAlpha(0.5).png().toBuffer();
export const progressiveJpeg = () => rgb(64, 48).jpeg({ progressive: true }).toBuffer();

/** Two different frames joined as an animation (WebP or GIF). */
export async function animated(format: 'webp' | 'gif'): Promise<Buffer> {
  const frames = [await png(), await rgb().negate().png().toBuffer()];
  const joined = sharp(frames, { join: { animated: true } });
  return (format === 'webp' ? joined.webp({ lossless: true }) : joined.gif()).toBuffer();
}

/** A two-page TIFF (pages stacked in a raw image, split by pageHeight). */
export function multiPageTiff(): Promise<Buffer> {
  return sharp(rgbPixels(32, 64), { raw: { width: 32, height: 64, channels: 3, pageHeight: 32 } }).tiff().toBuffer();
}

export function truncated(bytes: Buffer, keepFraction = 0.5): Buffer {
  return bytes.subarray(0, Math.floor(bytes.length * keepFraction));
}

function indexOfAscii(bytes: Buffer, text: string): number {
  const at = bytes.indexOf(Buffer.from(text, 'latin1'));
  if (at < 0) throw new Error(`corpus: no '${text}' in the image`);
  return at;
}

/** A copy with every bit of `count` bytes from `offset` inverted. */
export function flipped(bytes: Buffer, offset: number, count = 1): Buffer {
  const out = Buffer.from(bytes);
  for (let i = offset; i < offset + count; i++) out[i] = out[i]! ^ 0xff;
  return out;
}

/** PNG with bits flipped inside the compressed pixel data (IDAT): the chunk's CRC no longer matches. */
export const flippedPng = (bytes: Buffer) => flipped(bytes, indexOfAscii(bytes, 'IDAT') + 12, 4);
/** JPEG with bits flipped in its Huffman table (DHT segment, marker FF C4): a bogus table. */
export const flippedJpeg = (bytes: Buffer) => flipped(bytes, bytes.indexOf(Buffer.from([0xff, 0xc4])) + 5, 8);
/** WebP with bits flipped in the VP8 frame header (its start code). */
export const flippedWebp = (bytes: Buffer) => flipped(bytes, indexOfAscii(bytes, 'VP8') + 8, 8);

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * A well-formed 8-bit grayscale PNG header claiming width×height pixels. With `rows` it carries that many
 * rows of real (zero) pixel data; `complete` deflates every row, which makes a true decompression bomb:
 * a few kilobytes that expand to width×height bytes.
 */
export function grayscalePngClaiming(width: number, height: number, rows: 'one' | 'complete'): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // grayscale
  const rowBytes = width + 1; // filter byte + pixels
  const raw = Buffer.alloc(rows === 'one' ? rowBytes : rowBytes * height);
  const idat = deflateSync(raw, { level: 9 });
  return Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('IDAT', idat), pngChunk('IEND', Buffer.alloc(0))]);
}

function pngRows(pixels: Buffer, width: number, height: number): Buffer {
  const rows = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) pixels.copy(rows, y * (width * 3 + 1) + 1, y * width * 3, (y + 1) * width * 3);
  return deflateSync(rows);
}

function frameControl(sequence: number, width: number, height: number): Buffer {
  const fctl = Buffer.alloc(26);
  fctl.writeUInt32BE(sequence, 0);
  fctl.writeUInt32BE(width, 4);
  fctl.writeUInt32BE(height, 8);
  fctl.writeUInt16BE(1, 20); // delay 1/10 s
  fctl.writeUInt16BE(10, 22);
  return fctl;
}

/** A 2-frame animated PNG (APNG) of 32×32 RGB, built chunk by chunk: acTL, fcTL + IDAT, fcTL + fdAT. */
export function animatedPng(): Buffer {
  const [width, height] = [32, 32];
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2; // truecolour
  const actl = Buffer.alloc(8);
  actl.writeUInt32BE(2, 0); // frames
  const first = rgbPixels(width, height);
  const second = Buffer.from(first.map((v) => 255 - v));
  const fdatSequence = Buffer.alloc(4);
  fdatSequence.writeUInt32BE(2, 0); // after fcTL 0 and fcTL 1
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', ihdr),
    pngChunk('acTL', actl),
    pngChunk('fcTL', frameControl(0, width, height)),
    pngChunk('IDAT', pngRows(first, width, height)),
    pngChunk('fcTL', frameControl(1, width, height)),
    pngChunk('fdAT', Buffer.concat([fdatSequence, pngRows(second, width, height)])),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A real JPEG whose frame header (SOF0) is rewritten to claim width×height: a bomb announced by its header. */
export function jpegClaiming(bytes: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(bytes);
  const sof = out.indexOf(Buffer.from([0xff, 0xc0]));
  if (sof < 0) throw new Error('corpus: no SOF0 marker in the JPEG');
  // FF C0, length (2), precision (1), height (2), width (2)
  out.writeUInt16BE(height, sof + 5);
  out.writeUInt16BE(width, sof + 7);
  return out;
}

/**
 * A WebP with an alpha channel (so its first chunk is the extended header, VP8X) whose canvas size is rewritten
 * to width×height: WebP's own frames stop at 16,383 pixels a side, but its canvas may claim 16,777,216.
 */
export async function webpClaiming(width: number, height: number): Promise<Buffer> {
  const out = await sharp(rgbPixels(32, 32), { raw: { width: 32, height: 32, channels: 3 } }).ensureAlpha(0.5).webp({ quality: 80 }).toBuffer();
  if (out.toString('latin1', 12, 16) !== 'VP8X') throw new Error('corpus: sharp wrote no VP8X header');
  out.writeUIntLE(width - 1, 24, 3);
  out.writeUIntLE(height - 1, 27, 3);
  return out;
}

export interface Part {
  name: string;
  filename?: string;
  type?: string;
  data: Buffer | string;
}

/** A multipart/form-data body and its content type. */
export function multipart(parts: Part[], boundary = 'reliability-boundary-7d1f'): { body: Buffer; contentType: string } {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename !== undefined ? `; filename="${part.filename}"` : ''}`;
    const headers = `--${boundary}\r\nContent-Disposition: ${disposition}\r\n${part.type ? `Content-Type: ${part.type}\r\n` : ''}\r\n`;
    chunks.push(Buffer.from(headers, 'latin1'), Buffer.isBuffer(part.data) ? part.data : Buffer.from(part.data), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** A JSON text nesting `depth` arrays around one number: [[[…[0.5]…]]]. */
export function deeplyNestedJson(depth: number): string {
  return `${'['.repeat(depth)}0.5${']'.repeat(depth)}`;
}

/** A v2 inference body for `batch` items of the 3×32×32 input, every value `fill`. */
export function v2Body(overrides: Record<string, unknown> = {}, input: Record<string, unknown> = {}, batch = 1): Record<string, unknown> {
  return {
    inputs: [{ name: 'input', shape: [batch, 3, 32, 32], datatype: 'FP32', data: new Array(batch * 3072).fill(0.5), ...input }],
    ...overrides,
  };
}
