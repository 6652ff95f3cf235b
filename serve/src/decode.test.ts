import assert from 'node:assert/strict';
import { test } from 'node:test';
import sharp from 'sharp';
import { decodeImage, imageTypeOf } from './decode.ts';
import { HttpError } from './errors.ts';
import { imageToInput, resizeByArea, SEED_IMAGE_INPUT } from '@onnx-edge/core';

const limits = { maxInputPixels: 1_000_000 };

function randomPixels(width: number, height: number, channels: number, seed: number): Buffer {
  const raw = Buffer.alloc(width * height * channels);
  let s = seed;
  for (let i = 0; i < raw.length; i++) raw[i] = (s = (s * 1103515245 + 12345) >>> 0) >>> 24;
  return raw;
}

test('a 32×32 PNG is used pixel for pixel (no resampling), ÷255, in NCHW or NHWC', async () => {
  const raw = randomPixels(32, 32, 3, 1);
  const png = await sharp(raw, { raw: { width: 32, height: 32, channels: 3 } }).png().toBuffer();
  const nchw = await decodeImage(png, 'image/png', limits, 'NCHW');
  const nhwc = await decodeImage(png, 'image/png', limits, 'NHWC');
  for (let p = 0; p < 1024; p++) {
    for (let c = 0; c < 3; c++) {
      assert.equal(nchw[c * 1024 + p], Math.fround(raw[p * 3 + c]! / 255));
      assert.equal(nhwc[p * 3 + c], Math.fround(raw[p * 3 + c]! / 255));
    }
  }
});

test('alpha is dropped and grey images become RGB', async () => {
  const rgba = randomPixels(32, 32, 4, 2);
  const png = await sharp(rgba, { raw: { width: 32, height: 32, channels: 4 } }).png().toBuffer();
  const input = await decodeImage(png, 'image/png', limits, 'NCHW');
  assert.equal(input.length, 3072);
  for (let p = 0; p < 1024; p++) assert.equal(input[p], Math.fround(rgba[p * 4]! / 255), 'colour kept as is, not blended with alpha');

  const grey = randomPixels(32, 32, 1, 3);
  // sharp writes a 1-channel raw image as RGB unless told the colour space: b-w makes a real grey PNG.
  const greyPng = await sharp(grey, { raw: { width: 32, height: 32, channels: 1 } }).toColourspace('b-w').png().toBuffer();
  assert.equal(greyPng[25], 0, 'PNG colour type 0 (grey)');
  const g = await decodeImage(greyPng, 'image/png', limits, 'NCHW');
  for (const p of [0, 500, 1023]) assert.deepEqual([g[p], g[1024 + p], g[2048 + p]], Array(3).fill(Math.fround(grey[p]! / 255)));
});

test('other sizes are resized to 32×32 by the area average the web demo uses, alpha dropped', async () => {
  for (const [width, height, channels] of [[300, 100, 3], [45, 20, 4]] as const) {
    const raw = randomPixels(width, height, channels, 4);
    const png = await sharp(raw, { raw: { width, height, channels } }).png().toBuffer();
    const input = await decodeImage(png, 'image/png', limits, 'NCHW');
    const pixels = resizeByArea(raw, width, height, channels, { width: 32, height: 32, channels: 3 });
    assert.deepEqual(input, imageToInput(pixels, 3, { width: 32, height: 32 }, SEED_IMAGE_INPUT), `${width}x${height}x${channels}`);
  }
});

test('untrusted input is refused with a client error, never a crash', async () => {
  const png = await sharp(randomPixels(32, 32, 3, 5), { raw: { width: 32, height: 32, channels: 3 } }).png().toBuffer();
  const big = await sharp({ create: { width: 1200, height: 1000, channels: 3, background: 'white' } }).png().toBuffer();
  const status = (p: Promise<unknown>) => p.then(() => 200, (e: unknown) => (e instanceof HttpError ? e.status : 500));
  assert.equal(await status(decodeImage(big, 'image/png', limits, 'NCHW')), 413);
  assert.equal(await status(decodeImage(png.subarray(0, 60), 'image/png', limits, 'NCHW')), 422);
  assert.equal(await status(decodeImage(Buffer.from('GIF89a....'), 'image/png', limits, 'NCHW')), 422);
  assert.equal(await status(decodeImage(png, 'image/webp', limits, 'NCHW')), 422);
  assert.equal(imageTypeOf('image/PNG; charset=binary'), 'image/png');
  assert.throws(() => imageTypeOf('image/svg+xml'), (e: unknown) => e instanceof HttpError && e.status === 415);
  assert.throws(() => imageTypeOf(undefined), (e: unknown) => e instanceof HttpError && e.status === 415);
});
