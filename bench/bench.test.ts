// The benchmark's own logic: medians, the interleaved schedule, FLOP counting from an ONNX graph, and the
// Markdown tables. (The benchmarks themselves are not tests: they measure, and take minutes.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { exportModel } from '@onnx-edge/export';
import { countFlops } from './inference/flops.ts';
import { matMulModel } from './peak.ts';
import { fmt, formatBrowserTable, markdownTable } from './report.ts';
import { interleave, median } from './stats.ts';

test('median of odd and even counts, unsorted input, and of nothing', () => {
  assert.equal(median([5, 1, 3]), 3);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.throws(() => median([]), /no values/);
});

test('interleave warms every peer up, then times them A B A B, each on its own list', async () => {
  const calls: string[] = [];
  let clock = 0;
  const peer = (name: string, ms: number) => async () => { calls.push(name); clock += ms; };
  const times = await interleave([peer('A', 2), peer('B', 5)], 1, 3, { now: () => clock, settleMs: 1 });
  assert.deepEqual(calls, ['A', 'B', 'A', 'B', 'A', 'B', 'A', 'B']);
  assert.deepEqual(times, [[2, 2, 2], [5, 5, 5]]);
});

test('countFlops: a MatMul of n³ is 2·n³ FLOPs (n rows of 2·n² each)', () => {
  const n = 8;
  const count = countFlops(matMulModel(n));
  assert.equal(count.flopsPerImage * n, 2 * n ** 3);
  assert.equal(count.weightBytes, n * n * 4);
});

test('countFlops: Conv and Gemm of an exported model, 2·MACs per image', () => {
  tf.setBackend('cpu');
  const input = tf.input({ shape: [8, 8, 3] });
  const conv = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', strides: 2 }).apply(input) as tf.SymbolicTensor;
  const flat = tf.layers.flatten().apply(conv) as tf.SymbolicTensor;
  const dense = tf.layers.dense({ units: 10 }).apply(flat) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: dense });
  const count = countFlops(exportModel(model, { labels: Array.from({ length: 10 }, (_, i) => `c${i}`) }).bytes);
  const convMacs = 4 * 4 * 4 * (3 * 3 * 3); // 4×4 outputs (stride 2) × 4 filters × 3×3×3 each
  const gemmMacs = 64 * 10;
  assert.deepEqual(count.byOp, { Conv: 2 * convMacs, Gemm: 2 * gemmMacs });
  model.dispose();
});

test('markdownTable right-aligns numeric columns and pads every cell', () => {
  const table = markdownTable(['net', 'img/s'], [['a', '1.5'], ['bbbb', '100.0']], new Set([1]));
  assert.equal(table, ['| net  | img/s |', '|------|------:|', '| a    |   1.5 |', '| bbbb | 100.0 |'].join('\n'));
  assert.equal(fmt(undefined), '–');
  assert.equal(fmt(Number.NaN), '–');
  assert.equal(fmt(2.345, 2), '2.35');
});

test('the browser table gives the in-page tfjs peer and the ratio where it ran, a dash where it did not', () => {
  const rows = formatBrowserTable([
    { network: 'n', ep: 'wasm', medianMsPerImage: 2, firstInferenceMs: 10, sessionMs: 100, images: 3, tfjs: { backend: 'wasm', threads: 1, medianMsPerImage: 5, setupMs: 50, maxAbsDiffTop5: 1e-8 } },
    { network: 'n', ep: 'webgpu', medianMsPerImage: 100, firstInferenceMs: 10, sessionMs: 100, images: 3 },
  ]).split('\n').slice(2).map((line) => line.split('|').map((cell) => cell.trim()));
  assert.deepEqual(rows[0]!.slice(3, 7), ['2.00', '500.0', '5.00 (wasm, 1 thread)', '2.50×']);
  assert.deepEqual(rows[1]!.slice(5, 7), ['—', '—']);
});
