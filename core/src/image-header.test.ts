import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { readImageHeader, sniffFormat } from './image-header.ts';

const WIDTH = 37;
const HEIGHT = 23;
const pixels = Buffer.alloc(WIDTH * HEIGHT * 3, 120);
const image = () => sharp(pixels, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } });

for (const format of ['png', 'jpeg', 'gif'] as const) {
  test(`reads the size of a ${format} from its header`, async () => {
    const bytes = new Uint8Array(await image().toFormat(format).toBuffer());
    assert.deepEqual(readImageHeader(bytes), { format, width: WIDTH, height: HEIGHT });
  });
}

test('reads the size of lossy, lossless and extended WebP files', async () => {
  const variants = [
    await image().webp({ quality: 80 }).toBuffer(), // VP8
    await image().webp({ lossless: true }).toBuffer(), // VP8L
    await sharp(Buffer.alloc(WIDTH * HEIGHT * 4, 90), { raw: { width: WIDTH, height: HEIGHT, channels: 4 } }).webp({ quality: 80, alphaQuality: 50 }).withMetadata().toBuffer(), // VP8X
  ];
  assert.deepEqual(variants.map((bytes) => bytes.toString('ascii', 12, 16)), ['VP8 ', 'VP8L', 'VP8X']);
  for (const bytes of variants) assert.deepEqual(readImageHeader(new Uint8Array(bytes)), { format: 'webp', width: WIDTH, height: HEIGHT });
});

test('finds a JPEG frame header behind a large EXIF block', async () => {
  const bytes = await image().jpeg().withExif({ IFD0: { ImageDescription: 'x'.repeat(50_000) } }).toBuffer();
  assert.ok(bytes.length > 50_000);
  assert.deepEqual(readImageHeader(new Uint8Array(bytes)), { format: 'jpeg', width: WIDTH, height: HEIGHT });
});

test('reads a BMP header, top-down rows included', () => {
  const header = Buffer.alloc(54);
  header.write('BM', 0, 'ascii');
  header.writeInt32LE(640, 18);
  header.writeInt32LE(-480, 22);
  assert.deepEqual(readImageHeader(new Uint8Array(header)), { format: 'bmp', width: 640, height: 480 });
});

test('recognises AVIF without a size (the decode limit still applies)', async () => {
  const bytes = await image().avif().toBuffer();
  assert.deepEqual(readImageHeader(new Uint8Array(bytes)), { format: 'avif' });
});

test('refuses what is not an image', () => {
  for (const text of ['hello, not an image', '', '%PDF-1.7\n', 'RIFF\0\0\0\0WAVEfmt ']) {
    assert.equal(readImageHeader(new TextEncoder().encode(text)), undefined, JSON.stringify(text));
  }
  assert.equal(sniffFormat(new Uint8Array([0x89, 0x50, 0x4e])), undefined, 'a PNG signature cut short');
});

test('a PNG cut inside its IHDR is recognised but has no size', async () => {
  const bytes = new Uint8Array(await image().png().toBuffer()).subarray(0, 20);
  assert.deepEqual(readImageHeader(bytes), { format: 'png' });
});
