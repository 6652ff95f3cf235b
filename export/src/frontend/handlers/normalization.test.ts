import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { exportModel } from '../../export.ts';
import { checkModel } from '../../../testing/checker.ts';
import { ABS_TOLERANCE, REL_TOLERANCE, assertParity, randomizeWeights, singleLayerModel } from '../../../testing/parity.ts';
import { createOnnxRunner } from '../../verify/onnx-runtime.ts';
import { toGraphInput } from '../../verify/layout.ts';

test('BatchNormalization on the channel axis of an image stays one BatchNormalization node', async () => {
  const model = singleLayerModel(tf.layers.batchNormalization({ epsilon: 0.01 }), [[4, 5, 3]]);
  randomizeWeights(model, 5);
  const { report } = await assertParity(model);
  assert.deepEqual(report.opCounts, { BatchNormalization: 1, Transpose: 1 }); // the Transpose: NHWC output
});

// tfjs 4.22 itself mis-broadcasts the moving statistics at inference when axis is not the last one (its
// batchNorm kernels index them by flat position, cpu and wasm alike), so this case is checked against the
// layer's definition computed with broadcasting tfjs ops, not against layer.predict.
test('BatchNormalization on a spatial axis becomes Mul + Add and follows the Keras definition', async () => {
  const model = singleLayerModel(tf.layers.batchNormalization({ axis: 1, epsilon: 0.01 }), [[4, 5, 3]]);
  randomizeWeights(model, 6);
  const { bytes, report } = exportModel(model);
  assert.deepEqual(report.opCounts, { Mul: 1, Add: 1, Transpose: 1 });
  checkModel(bytes);
  const x = tf.randomUniform([2, 4, 5, 3], -1, 1, 'float32', 11);
  const [gamma, beta, mean, variance] = model.layers[1]!.getWeights().map((w) => w.reshape([1, 4, 1, 1]));
  const expected = x.sub(mean!).div(variance!.add(0.01).sqrt()).mul(gamma!).add(beta!).dataSync();
  const runner = await createOnnxRunner(bytes);
  const [actual] = await runner.run([toGraphInput(x.dataSync() as Float32Array, x.shape, 'nchw')]);
  await runner.release();
  expected.forEach((e, i) => assert.ok(Math.abs(actual![i]! - e) <= ABS_TOLERANCE + REL_TOLERANCE * Math.abs(e), `element ${i}: ${actual![i]} vs ${e}`));
});

test('BatchNormalization on rank 2, without scale and center', async () => {
  const model = singleLayerModel(tf.layers.batchNormalization({ scale: false, center: false }), [[6]]);
  randomizeWeights(model, 7);
  await assertParity(model);
});

test('BatchNormalization after a Conv2D is folded into it', async () => {
  const input = tf.input({ shape: [6, 6, 3] });
  const conv = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', useBias: false }).apply(input) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: tf.layers.batchNormalization({}).apply(conv) as tf.SymbolicTensor });
  randomizeWeights(model, 8);
  const { report } = await assertParity(model);
  assert.deepEqual(report.opCounts, { Conv: 1, Transpose: 1 });
});

test('BatchNormalization after a Dense is folded into the Gemm', async () => {
  const input = tf.input({ shape: [5] });
  const dense = tf.layers.dense({ units: 4 }).apply(input) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: tf.layers.batchNormalization({}).apply(dense) as tf.SymbolicTensor });
  randomizeWeights(model, 9);
  const { report } = await assertParity(model);
  assert.deepEqual(report.opCounts, { Gemm: 1 });
});
