import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '@onnx-edge/train';
import { HISTOGRAM_BINS, TensorStatistics } from './ranges.ts';

function gaussian(random: () => number, n: number, sigma: number): Float32Array {
  return Float32Array.from({ length: n }, () => sigma * Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random()));
}

test('minmax: the exact extremes over every batch', () => {
  const stats = new TensorStatistics(false);
  stats.add(new Float32Array([0.5, -2, 3]));
  stats.add(new Float32Array([7, 0]));
  assert.deepEqual(stats.range('minmax'), { min: -2, max: 7 });
  assert.equal(stats.count, 5);
  assert.throws(() => new TensorStatistics(false).range('minmax'), /no values/);
});

test('the histogram grows by merging bins and equals one built at its final width', () => {
  const random = seededRandom(3);
  const batches = [Float32Array.from({ length: 5000 }, () => random()), Float32Array.from({ length: 5000 }, () => -3 * random()), Float32Array.from({ length: 100 }, () => 40 * random())];
  const stats = new TensorStatistics(true);
  stats.add(new Float32Array(10)); // zeros before any width exists
  for (const batch of batches) stats.add(batch);
  const { bins, binWidth } = stats.histogram();
  // Independent: bin every value directly at the final width.
  const direct = new Float64Array(HISTOGRAM_BINS);
  for (const batch of batches) for (const v of batch) if (v !== 0) direct[Math.min(HISTOGRAM_BINS - 1, Math.floor(Math.abs(v) / binWidth))]!++;
  assert.deepEqual([...bins], [...direct]);
  // Exact zeros are counted apart.
  assert.equal(stats.zeros, 10);
  assert.equal(bins.reduce((a, b) => a + b, stats.zeros), stats.count);
  assert.ok(binWidth * HISTOGRAM_BINS > stats.max);
});

test('percentile clips a handful of outliers; entropy clips a Gaussian tail; both keep a plain range', () => {
  const random = seededRandom(4);
  const bulk = Float32Array.from({ length: 200_000 }, () => random());
  const withOutliers = new TensorStatistics(true);
  withOutliers.add(bulk);
  withOutliers.add(new Float32Array([500, 800]));
  const percentile = withOutliers.range('percentile');
  assert.equal(percentile.min, withOutliers.min);
  assert.ok(percentile.max > 0.9 && percentile.max < 2, `percentile max ${percentile.max}`);
  assert.deepEqual(withOutliers.range('minmax'), { min: withOutliers.min, max: 800 });

  const normal = new TensorStatistics(true);
  normal.add(gaussian(random, 200_000, 1));
  const entropy = normal.range('entropy');
  // Signed data: the clip is symmetric and falls well inside the extremes but beyond the bulk.
  assert.ok(entropy.max > 2 && entropy.max < normal.max, `entropy clip ${entropy.max} of max ${normal.max}`);
  assert.equal(entropy.min, -entropy.max);

  // Uniform data has no tail worth clipping: entropy keeps (almost) all of it.
  const uniform = new TensorStatistics(true);
  uniform.add(bulk);
  assert.ok(uniform.range('entropy').max > 0.95, `uniform entropy clip ${uniform.range('entropy').max}`);
  // After a ReLU half the values are exactly 0: that spike says nothing about where to clip.
  const relu = new TensorStatistics(true);
  relu.add(Float32Array.from(bulk, (v, i) => (i % 2 === 0 ? 0 : v)));
  assert.ok(relu.range('entropy').max > 0.95, `ReLU-like entropy clip ${relu.range('entropy').max}`);
  // All zeros: no histogram width, the plain range.
  const zeros = new TensorStatistics(true);
  zeros.add(new Float32Array(8));
  assert.deepEqual(zeros.range('entropy'), { min: 0, max: 0 });
});
