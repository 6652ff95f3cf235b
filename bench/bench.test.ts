// The benchmark's own logic: medians, the interleaved schedule, FLOP counting from an ONNX graph, and the
// Markdown tables. (The benchmarks themselves are not tests: they measure, and take minutes.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { exportModel } from '@onnx-edge/export';
import * as ort from 'onnxruntime-node';
import { onnx } from '@onnx-edge/proto';
import { convChainModel, convChainsToProbe } from './inference/conv-width.ts';
import { countFlops } from './inference/flops.ts';
import { int8MatMulModel, matMulModel } from './peak.ts';
import { fmt, formatBrowserTable, formatGraphModelsTable, formatQuantizedTable, formatTrainPeerTable, formatTrainTable, markdownTable } from './report.ts';
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
  const count = countFlops(exportModel(model, { contract: { labels: Array.from({ length: 10 }, (_, i) => `c${i}`) } }).bytes);
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

test('the training tables name the kernels and workers of each row and give ours ÷ PyTorch by time and by CPU', () => {
  const train = formatTrainTable([{ backend: 'wasm', kernels: 'ort', network: 'inception10', batchSize: 128, workers: 2, medianStepMs: 400, imagesPerSecond: 320, imagesPerCpuSecond: 170 }]);
  assert.deepEqual(train.split('\n')[2]!.split('|').map((c) => c.trim()).filter(Boolean), ['wasm', 'ort', 'inception10', '128', '2', '400', '320.0', '170.0']);
  const side = { medianStepMs: 500, imagesPerSecond: 256, imagesPerCpuSecond: 130 };
  const peer = formatTrainPeerTable([{ network: 'inception10', batchSize: 128, ours: { ...side, kernels: 'ort', workers: 2 }, pytorch: { ...side, threads: 2, medianStepMs: 250, imagesPerSecond: 512, imagesPerCpuSecond: 260 }, ratio: 0.5, cpuRatio: 0.5 }]);
  assert.deepEqual(peer.split('\n')[2]!.split('|').map((c) => c.trim()).filter(Boolean), ['inception10', '128', 'wasm (ort, 2)', '500', '256.0', '250', '512.0', '0.50×', '0.50×']);
});

test('the browser table gives the in-page tfjs peer and the ratio where it ran, a dash where it did not', () => {
  const rows = formatBrowserTable([
    { network: 'n', ep: 'wasm', medianMsPerImage: 2, firstInferenceMs: 10, sessionMs: 100, images: 3, tfjs: { backend: 'wasm', threads: 1, medianMsPerImage: 5, setupMs: 50, maxAbsDiffTop5: 1e-8 } },
    { network: 'n', ep: 'webgpu', medianMsPerImage: 100, firstInferenceMs: 10, sessionMs: 100, images: 3 },
  ]).split('\n').slice(2).map((line) => line.split('|').map((cell) => cell.trim()));
  assert.deepEqual(rows[0]!.slice(3, 7), ['2.00', '500.0', '5.00 (wasm, 1 thread)', '2.50×']);
  assert.deepEqual(rows[1]!.slice(5, 7), ['—', '—']);
});

test('the convolution probe: every width does the same FLOPs, counted from its graph', () => {
  const chains = convChainsToProbe([16, 32, 64], [3, 5]);
  assert.deepEqual(chains.map((c) => [c.kernel, c.channels, c.batch]), [[3, 16, 128], [3, 32, 32], [3, 64, 8], [5, 16, 128], [5, 32, 32], [5, 64, 8]]);
  for (const chain of chains) {
    const perBatch = countFlops(convChainModel(chain)).flopsPerImage * chain.batch;
    assert.equal(perBatch, 2 * chain.depth * chain.channels ** 2 * chain.kernel ** 2 * chain.map ** 2 * chain.batch);
  }
});

test('the convolution probe computes ReLU(conv) with zero \'same\' padding, layer after layer (onnxruntime vs a direct loop)', async () => {
  const chain = { channels: 2, kernel: 3, map: 4, batch: 1, depth: 2 };
  const bytes = convChainModel(chain);
  const weights = onnx.ModelProto.decode(bytes).graph!.initializer!.filter((t) => t.name!.startsWith('w')).map((t) => new Float32Array(new Uint8Array(t.rawData!).buffer));
  const { channels: c, kernel: k, map } = chain;
  let x = Float32Array.from({ length: c * map * map }, (_, i) => (i % 7) / 7);
  const input = x.slice();
  for (const w of weights) {
    const y = new Float32Array(x.length);
    for (let o = 0; o < c; o++) for (let r = 0; r < map; r++) for (let q = 0; q < map; q++) {
      let sum = 0;
      for (let i = 0; i < c; i++) for (let dr = 0; dr < k; dr++) for (let dq = 0; dq < k; dq++) {
        const rr = r + dr - 1, qq = q + dq - 1;
        if (rr >= 0 && rr < map && qq >= 0 && qq < map) sum += x[(i * map + rr) * map + qq]! * w[((o * c + i) * k + dr) * k + dq]!;
      }
      y[(o * map + r) * map + q] = Math.max(0, sum);
    }
    x = y;
  }
  const session = await ort.InferenceSession.create(bytes);
  const out = await session.run({ x: new ort.Tensor('float32', input, [1, c, map, map]) });
  const got = out[session.outputNames[0]!]!.data as Float32Array;
  await session.release();
  assert.ok(x.some((v) => v > 0), 'the reference is not all zeros');
  for (let i = 0; i < x.length; i++) assert.ok(Math.abs(got[i]! - x[i]!) < 1e-5, `element ${i}: ${got[i]} vs ${x[i]}`);
});

test('the int8 MatMul probe computes the integer product uint8 A × int8 B in int32 (onnxruntime vs a direct loop)', async () => {
  const n = 16;
  const bytes = int8MatMulModel(n);
  const b = new Int8Array(new Uint8Array(onnx.ModelProto.decode(bytes).graph!.initializer![0]!.rawData!).buffer.slice(0));
  const a = Uint8Array.from({ length: n * n }, (_, i) => (i * 37) % 256);
  const session = await ort.InferenceSession.create(bytes);
  const got = (await session.run({ A: new ort.Tensor('uint8', a, [n, n]) })).Y!.data as Int32Array;
  await session.release();
  assert.ok(b.some((v) => v < 0) && b.some((v) => v > 0), 'B holds both signs');
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += a[r * n + k]! * b[k * n + c]!;
      assert.equal(got[r * n + c], sum, `Y[${r},${c}]`);
    }
  }
});

test('the quantized table: ratios, shares of each precision\'s peak, and the three file sizes', () => {
  const table = formatQuantizedTable([{
    network: 'resnet18', bytes: { fp32: 1000, int8: 260, fp16: 500 },
    rows: [{ batch: 32, fp32ImagesPerSecond: 100, int8ImagesPerSecond: 250, int8OverFp32: 2.5, fp32Gflops: 50, int8Gops: 125, fp32PeakGflops: 100, int8PeakGops: 400 }],
  }]);
  const [speed, sizes] = table.split('\n\n').map((t) => t.split('\n').slice(2).map((line) => line.split('|').map((cell) => cell.trim())));
  assert.deepEqual(speed![0]!.slice(1, 9), ['resnet18', '32', '100.0', '250.0', '2.50×', '50.0 (50%)', '125.0 (31%)', '100 / 400']);
  assert.deepEqual(sizes![0]!.slice(1, 5), ['resnet18', '1000', '260 (0.260)', '500 (0.500)']);
});

test('the graph-models table gives each measured model its ratio, a refused one its refusal, and the geometric mean', () => {
  const table = formatGraphModelsTable({
    settings: { tfjsBackend: 'wasm' },
    geometricMeanOrtOverTfjs: 2,
    rows: [
      { model: 'a', kind: 'graph', input: 'float32 [1,8,8,3]', exportMs: 12.3, ortImagesPerSecond: 400, tfjsImagesPerSecond: 100, ortOverTfjs: 4 },
      { model: 'b', kind: 'graph', refused: 'b.json uses 1 TF op the exporter does not translate: Mish ×1' },
    ],
  }).split('\n');
  assert.match(table[0]!, /\| model +\| kind +\| input \(batch 1\) +\| export ms \| ort img\/s \| tfjs-wasm img\/s \| ort ÷ tfjs \|/);
  assert.match(table[2]!, /\| a +\| graph \| float32 \[1,8,8,3\] \| +12 \| +400\.0 \| +100\.0 \| +4\.00× \|/);
  assert.match(table[3]!, /\| b +\| graph \| – +\| +– \| +– \| +– \| +refused \|/);
  assert.match(table[4]!, /\| geometric mean \|.*\| +2\.00× \|$/);
});
