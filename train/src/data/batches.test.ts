import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { batches, toNCHWFloat, toNHWCFloat } from './batches.ts';
import { emptyDataset, IMAGE_BYTES } from './format.ts';
import { syntheticCifar } from './synthetic.ts';

test('NHWC and NCHW views hold the same pixels ÷255', () => {
  const data = emptyDataset(2, ['a', 'b']);
  // Image 1: R plane all 51, G plane all 102, B plane 0 except pixel (row 1, col 2) = 255.
  data.images.fill(51, IMAGE_BYTES, IMAGE_BYTES + 1024);
  data.images.fill(102, IMAGE_BYTES + 1024, IMAGE_BYTES + 2048);
  data.images[IMAGE_BYTES + 2048 + 32 + 2] = 255;
  const nhwc = toNHWCFloat(data, 1, 1);
  const nchw = toNCHWFloat(data, 1, 1);
  const pixel = (1 * 32 + 2) * 3;
  assert.deepEqual([...nhwc.subarray(pixel, pixel + 3)], [0.2, 0.4, 1].map(Math.fround));
  assert.equal(nchw[0], Math.fround(0.2));
  assert.equal(nchw[1024], Math.fround(0.4));
  assert.equal(nchw[2048 + 32 + 2], 1);
  assert.throws(() => toNHWCFloat(data, 1, 2), /outside the dataset's 2 records/);
});

test('batches cover every record once, shuffled reproducibly by seed', () => {
  const data = syntheticCifar({ count: 25, seed: 1 });
  const epoch = (seed: number) => {
    const labels: number[] = [];
    const sizes: number[] = [];
    for (const { xs, ys } of batches(data, { batchSize: 10, shuffle: true, seed })) {
      assert.equal(xs.dtype, 'float32');
      assert.equal(ys.dtype, 'int32');
      sizes.push(xs.shape[0]);
      labels.push(...ys.dataSync());
      tf.dispose([xs, ys]);
    }
    return { labels, sizes };
  };
  const a = epoch(5);
  assert.deepEqual(a.sizes, [10, 10, 5]);
  assert.deepEqual([...a.labels].sort(), [...data.labels].sort());
  assert.deepEqual(epoch(5), a);
  assert.notDeepEqual(epoch(6).labels, a.labels);
  assert.deepEqual([...batches(data, { batchSize: 10, dropRemainder: true })].map((b) => (tf.dispose([b.xs, b.ys]), b.xs.shape[0])), [10, 10]);
});

test('an unshuffled batch equals the NHWC view', () => {
  const data = syntheticCifar({ count: 3, seed: 2 });
  const [first] = batches(data, { batchSize: 3 });
  assert.deepEqual(first!.xs.shape, [3, 32, 32, 3]);
  assert.deepEqual(first!.xs.dataSync(), toNHWCFloat(data, 0, 3));
  assert.deepEqual([...first!.ys.dataSync()], [0, 1, 2]);
  tf.dispose([first!.xs, first!.ys]);
});
