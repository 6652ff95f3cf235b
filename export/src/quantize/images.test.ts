import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { seededRandom } from '@onnx-edge/train';
import { sharedData, sharedDataSkip, withTempDir } from '@onnx-edge/core/testing';
import { CIFAR10_LABELS, resizeByArea, SEED_IMAGE_INPUT } from '@onnx-edge/core';
import { openImages } from './images.ts';
import { modelBatches } from './model-input.ts';

const randomPixels = (random: () => number, n: number) => Uint8Array.from({ length: n }, () => Math.floor(random() * 256));

test('an image folder: decoded by sharp, other sizes area-resized as the server does, labelled by class folder', async () => {
  await withTempDir('quantize-images-', async (dir) => {
    const random = seededRandom(2);
    const small = randomPixels(random, 32 * 32 * 3);
    const large = randomPixels(random, 64 * 48 * 3);
    await mkdir(join(dir, 'cat'));
    await mkdir(join(dir, 'ship'));
    await sharp(small, { raw: { width: 32, height: 32, channels: 3 } }).png().toFile(join(dir, 'cat', 'a.png'));
    await sharp(large, { raw: { width: 64, height: 48, channels: 3 } }).png().toFile(join(dir, 'ship', 'b.png'));
    const images = await openImages(dir, { labels: CIFAR10_LABELS });
    assert.equal(images.count, 2);
    assert.deepEqual([...images.labels!], [CIFAR10_LABELS.indexOf('cat'), CIFAR10_LABELS.indexOf('ship')]);
    assert.match(images.description, /^2 images from .* \(labelled by folder\)$/);
    assert.deepEqual(await images.firstSize(), { width: 32, height: 32 });
    const pixels = await images.pixels(0, 2, { width: 32, height: 32 });
    assert.deepEqual(pixels.subarray(0, 3072), small);
    assert.deepEqual(pixels.subarray(3072), resizeByArea(large, 64, 48, 3, { width: 32, height: 32, channels: 3 }));
    // Another size asked for: every image comes area-resized to it.
    const wide = await images.pixels(1, 1, { width: 16, height: 8 });
    assert.deepEqual(wide, resizeByArea(large, 64, 48, 3, { width: 16, height: 8, channels: 3 }));
    // Folders that are not the model's classes: unlabelled; a limit takes the first images in path order.
    const unlabelled = await openImages(dir, { labels: ['a', 'b'], limit: 1 });
    assert.equal(unlabelled.labels, undefined);
    assert.equal(unlabelled.count, 1);
  });
});

test('a damaged image is named in a one-line error', async () => {
  await withTempDir('quantize-images-', async (dir) => {
    await sharp(new Uint8Array(32 * 32 * 3), { raw: { width: 32, height: 32, channels: 3 } }).png().toFile(join(dir, 'good.png'));
    const bytes = await readFile(join(dir, 'good.png'));
    await writeFile(join(dir, 'bad.png'), bytes.subarray(0, 40));
    const images = await openImages(dir, { labels: CIFAR10_LABELS });
    await assert.rejects(images.pixels(0, 2, { width: 32, height: 32 }), /^QuantizeError: cannot decode image .*bad\.png: [^\n]*$/);
  });
});

test('CIFAR-10 records: planar bytes become interleaved RGB, labels kept for CIFAR-10 models only', { skip: sharedDataSkip('cifar10-sample') }, async () => {
  const sample = sharedData('cifar10-sample');
  const images = await openImages(sample, { labels: CIFAR10_LABELS, limit: 3 });
  const records = await readFile(join(sample, 'sample_batch_000.bin'));
  const pixels = await images.pixels(1, 2, { width: 32, height: 32 });
  for (let i = 0; i < 2; i++) {
    const record = records.subarray((1 + i) * 3073, (2 + i) * 3073);
    assert.equal(images.labels![1 + i], record[0]);
    for (const [y, x, c] of [[0, 0, 0], [5, 17, 1], [31, 31, 2]] as const) {
      assert.equal(pixels[i * 3072 + (y * 32 + x) * 3 + c], record[1 + c * 1024 + y * 32 + x]);
    }
  }
  assert.equal((await openImages(sample, { labels: ['x', 'y'], limit: 3 })).labels, undefined);
  // Model input through the contract: /255, in the model's layout, in batches.
  const g = (image: number) => pixels[image * 3072 + (5 * 32 + 17) * 3 + 1]! / 255;
  for (const layout of ['NCHW', 'NHWC'] as const) {
    const input = { name: 'input', image: { ...SEED_IMAGE_INPUT, layout }, labels: CIFAR10_LABELS };
    const batches = [];
    for await (const batch of modelBatches(input, images, 2)) batches.push(batch);
    assert.deepEqual(batches.map((b) => [b.start, b.n, b.dims]), [[0, 2, [2, ...(layout === 'NCHW' ? [3, 32, 32] : [32, 32, 3])]], [2, 1, [1, ...(layout === 'NCHW' ? [3, 32, 32] : [32, 32, 3])]]]);
    const at = layout === 'NCHW' ? 3072 + 1024 + 5 * 32 + 17 : 3072 + (5 * 32 + 17) * 3 + 1;
    // Batch 0 holds images 0 and 1; `pixels` above are images 1 and 2.
    assert.equal(batches[0]!.data[at], Math.fround(g(0)), layout);
  }
});
