import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classCounts, IMAGE_BYTES } from './format.ts';
import { SYNTHETIC_CLASS_NAMES, syntheticCifar } from './synthetic.ts';

test('synthetic data is deterministic by seed, balanced, with its own class names', () => {
  const a = syntheticCifar({ count: 40, seed: 9 });
  assert.deepEqual(syntheticCifar({ count: 40, seed: 9 }), a);
  assert.notDeepEqual(syntheticCifar({ count: 40, seed: 10 }).images, a.images);
  assert.deepEqual(classCounts(a), new Array(10).fill(4));
  assert.equal(new Set(SYNTHETIC_CLASS_NAMES).size, 10);
  assert.deepEqual(a.classNames, SYNTHETIC_CLASS_NAMES);
  assert.throws(() => syntheticCifar({ count: 0 }), /count must be a positive integer/);
});

test('synthetic classes are separable: a nearest-class-mean classifier beats chance by far', () => {
  // Class means from one seed, scored on another: if a linear-ish rule works, the networks will learn it.
  const train = syntheticCifar({ count: 1000, seed: 1 });
  const held = syntheticCifar({ count: 200, seed: 2 });
  const means = Array.from({ length: 10 }, () => new Float64Array(IMAGE_BYTES));
  const counts = classCounts(train);
  for (let i = 0; i < train.count; i++) {
    const mean = means[train.labels[i]!]!;
    for (let p = 0; p < IMAGE_BYTES; p++) mean[p]! += train.images[i * IMAGE_BYTES + p]! / counts[train.labels[i]!]!;
  }
  let correct = 0;
  for (let i = 0; i < held.count; i++) {
    let best = -1;
    let bestDistance = Infinity;
    means.forEach((mean, c) => {
      let d = 0;
      for (let p = 0; p < IMAGE_BYTES; p++) d += (held.images[i * IMAGE_BYTES + p]! - mean[p]!) ** 2;
      if (d < bestDistance) [best, bestDistance] = [c, d];
    });
    if (best === held.labels[i]) correct++;
  }
  assert.ok(correct / held.count > 0.5, `nearest-mean accuracy ${correct / held.count}`);
});
