import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crc32, deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { decodeImage, sharpRgbPixels } from './decode.ts';
import { HttpError } from './errors.ts';
import { decodePlainPng } from './plain-png.ts';
import { cifarSample, interleaved } from '../testing/cifar.ts';

const limits = { maxInputPixels: 1_000_000 };

function randomBytes(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let s = seed;
  for (let i = 0; i < length; i++) out[i] = (s = (s * 1103515245 + 12345) >>> 0) >>> 24;
  return out;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE(crc32(body), body.length + 4);
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

interface EncodeOptions {
  /** Filter type of row y is filters[y % filters.length]. */
  filters?: number[];
  colourType?: 2 | 6;
  extraChunks?: Buffer[];
  idatSplits?: number;
}

/** An independent PNG encoder (the spec's forward filters), so every filter type is exercised. */
function encodePng(pixels: Uint8Array, width: number, height: number, options: EncodeOptions = {}): Buffer {
  const channels = options.colourType === 6 ? 4 : 3;
  const stride = width * channels;
  const filters = options.filters ?? [0];
  const rows = Buffer.alloc(height * (stride + 1));
  for (let y = 0; y < height; y++) {
    const filter = filters[y % filters.length]!;
    rows[y * (stride + 1)] = filter;
    for (let i = 0; i < stride; i++) {
      const x = pixels[y * stride + i]!;
      const a = i >= channels ? pixels[y * stride + i - channels]! : 0;
      const b = y > 0 ? pixels[(y - 1) * stride + i]! : 0;
      const c = y > 0 && i >= channels ? pixels[(y - 1) * stride + i - channels]! : 0;
      const predictor = [0, a, b, (a + b) >> 1, paeth(a, b, c)][filter]!;
      rows[y * (stride + 1) + 1 + i] = (x - predictor) & 0xff;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = options.colourType ?? 2;
  const compressed = deflateSync(rows);
  const splits = options.idatSplits ?? 1;
  const step = Math.ceil(compressed.length / splits);
  const idats = Array.from({ length: splits }, (_, i) => chunk('IDAT', compressed.subarray(i * step, (i + 1) * step)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), ...(options.extraChunks ?? []), ...idats, chunk('IEND', new Uint8Array())]);
}

/** A PNG whose image data comes in two IDAT chunks with a tEXt chunk between them (not allowed). */
function splitIdat(rgb: Uint8Array): Buffer {
  const twoIdats = encodePng(rgb, 32, 32, { idatSplits: 2 });
  const ihdrEnd = 8 + 25;
  const firstLength = twoIdats.readUInt32BE(ihdrEnd) + 12;
  const text = chunk('tEXt', Buffer.from('Comment\0between'));
  return Buffer.concat([twoIdats.subarray(0, ihdrEnd + firstLength), text, twoIdats.subarray(ihdrEnd + firstLength)]);
}

async function assertSameAsSharp(png: Uint8Array, what: string) {
  const plain = decodePlainPng(png, 32, 32);
  assert.ok(plain, `${what}: expected the plain-PNG path to take it`);
  assert.deepEqual(Buffer.from(plain), Buffer.from(await sharpRgbPixels(png, limits)), `${what}: differs from sharp`);
}

test('every PNG filter type, RGB and RGBA, one or several IDAT chunks: the same bytes as sharp', async () => {
  for (const colourType of [2, 6] as const) {
    const pixels = randomBytes(32 * 32 * (colourType === 6 ? 4 : 3), colourType);
    for (const filters of [[0], [1], [2], [3], [4], [4, 3, 2, 1, 0]]) {
      for (const idatSplits of [1, 3]) {
        await assertSameAsSharp(encodePng(pixels, 32, 32, { colourType, filters, idatSplits }), `colour type ${colourType}, filters ${filters}, ${idatSplits} IDAT`);
      }
    }
  }
  const withText = encodePng(randomBytes(3072, 9), 32, 32, { filters: [4], extraChunks: [chunk('tEXt', Buffer.from('Comment\0hello')), chunk('pHYs', new Uint8Array(9))] });
  await assertSameAsSharp(withText, 'with tEXt and pHYs');
});

test("real CIFAR-10 images as sharp encodes them (its adaptive filters, several compression levels)", async (t) => {
  const images = await cifarSample(t, 32);
  if (!images) return;
  for (const [i, image] of images.entries()) {
    const raw = sharp(interleaved(image), { raw: { width: 32, height: 32, channels: 3 } });
    await assertSameAsSharp(await raw.clone().png().toBuffer(), `image ${i}, default`);
    await assertSameAsSharp(await raw.clone().png({ compressionLevel: i % 10, adaptiveFiltering: i % 2 === 0 }).toBuffer(), `image ${i}, level ${i % 10}`);
    await assertSameAsSharp(await raw.clone().ensureAlpha(0.5).png().toBuffer(), `image ${i}, with alpha`);
  }
});

test('anything that is not a plain PNG at the asked size is left to sharp', async () => {
  const rgb = randomBytes(3072, 3);
  const plain = encodePng(rgb, 32, 32, { filters: [1] });
  assert.ok(decodePlainPng(plain, 32, 32));
  const toSharp = async (raw: Uint8Array, channels: 1 | 3, options: sharp.PngOptions = {}) =>
    sharp(raw, { raw: { width: 32, height: 32, channels } }).toColourspace(channels === 1 ? 'b-w' : 'srgb').png(options).toBuffer();
  const corruptIdat = Buffer.from(plain);
  corruptIdat[plain.length - 20] ^= 0xff; // inside IDAT: its CRC no longer matches
  const iccp = chunk('iCCP', Buffer.concat([Buffer.from('p\0\0'), deflateSync(Buffer.alloc(8))]));
  const cases: [string, Uint8Array, number?, number?][] = [
    ['another size than asked', plain, 16, 16],
    ['a 64×64 image asked as 32×32', encodePng(randomBytes(64 * 64 * 3, 4), 64, 64)],
    ['palette', await toSharp(rgb, 3, { palette: true, colours: 16 })],
    ['grey', await toSharp(rgb.subarray(0, 1024), 1)],
    ['interlaced', await toSharp(rgb, 3, { progressive: true })],
    ['16 bits per sample', await sharp(rgb, { raw: { width: 32, height: 32, channels: 3 } }).toColourspace('rgb16').png().toBuffer()],
    ['a gAMA chunk', encodePng(rgb, 32, 32, { extraChunks: [chunk('gAMA', Buffer.from([0, 0, 0xb1, 0x8f]))] })],
    ['an ICC profile', encodePng(rgb, 32, 32, { extraChunks: [iccp] })],
    ['EXIF (orientation)', encodePng(rgb, 32, 32, { extraChunks: [chunk('eXIf', Buffer.from('MM\0*\0\0\0\x08\0\0', 'latin1'))] })],
    ['a bad CRC', corruptIdat],
    ['bytes after IEND', Buffer.concat([plain, Buffer.from([0])])],
    ['IDAT chunks not consecutive', splitIdat(rgb)],
    ['truncated', plain.subarray(0, plain.length - 30)],
    ['an unknown filter type', encodePng(rgb, 32, 32, { filters: [5] })],
    ['not a PNG', Buffer.from('GIF89a........................')],
  ];
  for (const [what, bytes, width = 32, height = 32] of cases) assert.equal(decodePlainPng(bytes, width, height), undefined, what);
});

test('decodeImage answers exactly as the sharp-only decode did, for plain and non-plain PNGs', async () => {
  const rgb = randomBytes(3072, 7);
  const plain = encodePng(rgb, 32, 32, { filters: [4, 2] });
  const input = await decodeImage(plain, 'image/png', limits, 'NCHW');
  for (let p = 0; p < 1024; p++) for (let c = 0; c < 3; c++) assert.equal(input[c * 1024 + p], Math.fround(rgb[p * 3 + c]! / 255));

  const corrupt = Buffer.from(plain);
  corrupt[plain.length - 20] ^= 0xff;
  const status = (p: Promise<unknown>) => p.then(() => 200, (e: unknown) => (e instanceof HttpError ? e.status : 500));
  const sharpStatus = await sharpRgbPixels(corrupt, limits).then(() => 200, () => 422);
  assert.equal(await status(decodeImage(corrupt, 'image/png', limits, 'NCHW')), sharpStatus, 'a corrupt image is judged by sharp');
  assert.equal(await status(decodeImage(plain, 'image/png', { maxInputPixels: 1000 }, 'NCHW')), 413, 'the pixel limit applies to plain PNGs too');
});
