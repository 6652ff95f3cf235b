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

function normModel(args: Parameters<typeof tf.layers.layerNormalization>[0], shape: number[]): tf.LayersModel {
  const model = singleLayerModel(tf.layers.layerNormalization(args), [shape]);
  randomizeWeights(model, 24);
  return model;
}

test('LayerNormalization on the last axis of a sequence is one node at opset 17', async () => {
  const { report } = await assertParity(normModel({}, [4, 6]), { inputRange: [-3, 3] });
  assert.deepEqual(report.opCounts, { LayerNormalization: 1 });
});

test('LayerNormalization below opset 17 is decomposed', async () => {
  const { report } = await assertParity(normModel({ epsilon: 1e-5 }, [4, 6]), { inputRange: [-3, 3], export: { opset: 13 } });
  assert.equal(report.opCounts['LayerNormalization'], undefined);
  assert.equal(report.opCounts['ReduceMean'], 2);
});

test('LayerNormalization at opset 18 (ReduceMean axes as an input) when decomposed', async () => {
  const { report } = await assertParity(normModel({}, [3, 4, 5]), { inputRange: [-3, 3], export: { opset: 18 } });
  assert.equal(report.opCounts['ReduceMean'], 2);
});

test('LayerNormalization over the channels of a channels-first image (decomposed, no Transpose inside)', async () => {
  const input = tf.input({ shape: [3, 4, 5] });
  let x = tf.layers.conv2d({ filters: 4, kernelSize: 1 }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.layerNormalization().apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ filters: 2, kernelSize: 1 }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: x });
  randomizeWeights(model, 25);
  const { report } = await assertParity(model, { inputRange: [-3, 3] });
  assert.equal(report.opCounts['Transpose'], 1);
});

test('LayerNormalization over all of H, W, C of an image is one node (trailing in NCHW too)', async () => {
  const { report } = await assertParity(normModel({ axis: [1, 2, 3] }, [3, 4, 5]), { inputRange: [-3, 3] });
  assert.equal(report.opCounts['LayerNormalization'], 1);
});

// tfjs reshapes (does not transpose) gamma [4, 3] of unsorted axes [2, 1] to its broadcast shape [1, 3, 4].
test('LayerNormalization over unsorted axes [2, 1], scale without center', async () => {
  await assertParity(normModel({ axis: [2, 1], center: false }, [3, 4, 2]), { inputRange: [-3, 3] });
});

test('LayerNormalization without scale', async () => {
  await assertParity(normModel({ scale: false }, [5]), { inputRange: [-3, 3] });
});

test('LayerNormalization after a Flatten of conv output: parameters follow the pending feature order', async () => {
  for (const opset of [13, 17]) {
    const input = tf.input({ shape: [2, 3, 2] });
    let x = tf.layers.conv2d({ filters: 3, kernelSize: 1 }).apply(input) as tf.SymbolicTensor;
    x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
    x = tf.layers.layerNormalization().apply(x) as tf.SymbolicTensor;
    x = tf.layers.dense({ units: 4 }).apply(x) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: x });
    randomizeWeights(model, 26);
    const { report } = await assertParity(model, { inputRange: [-3, 3], export: { opset } });
    assert.equal(report.opCounts['Gather'], undefined);
  }
});
