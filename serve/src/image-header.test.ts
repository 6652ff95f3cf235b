import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { imageSize } from './image-header.ts';

const image = (width: number, height: number, channels: 3 | 4 = 3) => sharp({ create: { width, height, channels, background: { r: 10, g: 20, b: 30, alpha: 0.5 } } });

test('the header sizes equal what sharp reads, for every format and variant the server takes', async () => {
  const cases: [string, 'image/png' | 'image/jpeg' | 'image/webp', Promise<Buffer>][] = [
    ['PNG', 'image/png', image(300, 17).png().toBuffer()],
    ['baseline JPEG', 'image/jpeg', image(301, 19).jpeg().toBuffer()],
    ['progressive JPEG (SOF2)', 'image/jpeg', image(64, 48).jpeg({ progressive: true }).toBuffer()],
    ['JPEG with EXIF before the frame header', 'image/jpeg', image(40, 30).jpeg().withMetadata({ orientation: 6 }).toBuffer()],
    ['lossy WebP (VP8)', 'image/webp', image(123, 45).webp({ quality: 50 }).toBuffer()],
    ['lossless WebP (VP8L)', 'image/webp', image(77, 31).webp({ lossless: true }).toBuffer()],
    ['WebP with alpha (VP8X)', 'image/webp', image(99, 13, 4).webp({ quality: 50, alphaQuality: 50 }).toBuffer()],
  ];
  for (const [what, type, bytes] of cases) {
    const buffer = await bytes;
    const meta = await sharp(buffer).metadata();
    assert.deepEqual(imageSize(buffer, type), { width: meta.width, height: meta.height }, what);
  }
});

test('a frame header claiming more than the image holds is read as claimed; a missing one is undefined', async () => {
  const jpeg = await image(32, 32).jpeg().toBuffer();
  const claimed = Buffer.from(jpeg);
  const sof = claimed.indexOf(Buffer.from([0xff, 0xc0]));
  claimed.writeUInt16BE(610, sof + 5);
  claimed.writeUInt16BE(65000, sof + 7);
  assert.deepEqual(imageSize(claimed, 'image/jpeg'), { width: 65000, height: 610 });
  assert.equal(imageSize(jpeg.subarray(0, sof), 'image/jpeg'), undefined, 'cut before its frame header');
  const png = await image(32, 32).png().toBuffer();
  assert.equal(imageSize(png.subarray(0, 20), 'image/png'), undefined, 'cut inside IHDR');
  const webp = await image(32, 32).webp().toBuffer();
  assert.equal(imageSize(webp.subarray(0, 24), 'image/webp'), undefined);
});
