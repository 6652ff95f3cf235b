import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { assertParity, betweenConvs, randomizeWeights, singleLayerModel } from '../../../testing/parity.ts';

function parityCase(name: string, layer: tf.layers.Layer, shape: number[], seed: number, check: (ops: Record<string, number>) => void): void {
  test(name, async () => {
    const model = singleLayerModel(layer, [shape]);
    randomizeWeights(model, seed);
    const { report } = await assertParity(model);
    check(report.opCounts);
    // Image outputs go back to tfjs' NHWC order: one Transpose at the graph's edge, none inside.
    assert.equal(report.opCounts['Transpose'], 1);
  });
}

const conv1d: [string, tf.layers.Layer, number[]][] = [
  ['same, bias', tf.layers.conv1d({ filters: 4, kernelSize: 3, padding: 'same' }), [7, 3]],
  ['valid, stride 2, no bias', tf.layers.conv1d({ filters: 3, kernelSize: 3, strides: 2, useBias: false }), [9, 2]],
  ['same, stride 2 on an even length', tf.layers.conv1d({ filters: 3, kernelSize: 4, strides: 2, padding: 'same' }), [8, 2]],
  ['dilation 2, fused tanh', tf.layers.conv1d({ filters: 2, kernelSize: 3, dilationRate: 2, activation: 'tanh' }), [9, 3]],
];
for (const [name, layer, shape] of conv1d) {
  test(`Conv1D parity: ${name}`, async () => {
    const model = singleLayerModel(layer, [shape]);
    randomizeWeights(model, 19);
    const { report } = await assertParity(model);
    assert.equal(report.opCounts['Conv'], 1);
  });
}

const conv2d: [string, tf.layers.Layer, number[]][] = [
  ['same, stride 1, bias', tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same' }), [7, 7, 3]],
  ['valid, stride 2, no bias', tf.layers.conv2d({ filters: 5, kernelSize: 3, strides: 2, useBias: false }), [9, 9, 2]],
  ['same, stride 2 on an even size (pad at the end)', tf.layers.conv2d({ filters: 3, kernelSize: 3, strides: 2, padding: 'same' }), [8, 8, 3]],
  ['same, 5x5, stride 2 on an odd size', tf.layers.conv2d({ filters: 2, kernelSize: 5, strides: 2, padding: 'same' }), [7, 7, 2]],
  ['non-square kernel and strides', tf.layers.conv2d({ filters: 3, kernelSize: [3, 1], strides: [1, 2], padding: 'same' }), [6, 8, 2]],
  ['dilation 2, same', tf.layers.conv2d({ filters: 3, kernelSize: 3, dilationRate: 2, padding: 'same' }), [9, 9, 2]],
  ['dilation 2, valid', tf.layers.conv2d({ filters: 3, kernelSize: 3, dilationRate: 2 }), [9, 9, 2]],
  ['fused relu', tf.layers.conv2d({ filters: 4, kernelSize: 1, activation: 'relu' }), [5, 5, 3]],
  ['fused softmax (channel axis)', tf.layers.conv2d({ filters: 4, kernelSize: 1, activation: 'softmax' }), [5, 5, 3]],
];

for (const [name, layer, shape] of conv2d) {
  parityCase(`Conv2D parity: ${name}`, layer, shape, 3, (ops) => assert.equal(ops['Conv'], 1));
}

const separable: [string, tf.layers.Layer, number[]][] = [
  ['same, multiplier 1', tf.layers.separableConv2d({ filters: 4, kernelSize: 3, padding: 'same' }), [6, 6, 3]],
  ['valid, stride 2, multiplier 2, no bias', tf.layers.separableConv2d({ filters: 5, kernelSize: 3, strides: 2, depthMultiplier: 2, useBias: false }), [7, 7, 3]],
  ['same, dilation 2, fused relu', tf.layers.separableConv2d({ filters: 3, kernelSize: 3, dilationRate: 2, padding: 'same', activation: 'relu' }), [7, 7, 2]],
];
for (const [name, layer, shape] of separable) {
  parityCase(`SeparableConv2D parity: ${name}`, layer, shape, 9, (ops) => assert.equal(ops['Conv'], 2));
}

const transpose: [string, tf.layers.Layer, number[]][] = [
  ['same, stride 2, kernel 3 (k > s)', tf.layers.conv2dTranspose({ filters: 4, kernelSize: 3, strides: 2, padding: 'same' }), [4, 5, 3]],
  ['same, stride 2, kernel 2 (k = s)', tf.layers.conv2dTranspose({ filters: 3, kernelSize: 2, strides: 2, padding: 'same' }), [4, 4, 2]],
  ['same, stride 3, kernel 2 (k < s)', tf.layers.conv2dTranspose({ filters: 3, kernelSize: 2, strides: 3, padding: 'same' }), [3, 4, 2]],
  ['same, stride 1, kernel 4 (even k)', tf.layers.conv2dTranspose({ filters: 2, kernelSize: 4, padding: 'same' }), [5, 5, 2]],
  ['valid, stride 2, kernel 3, no bias', tf.layers.conv2dTranspose({ filters: 4, kernelSize: 3, strides: 2, useBias: false }), [4, 4, 3]],
  ['valid, stride 3, kernel 2 (k < s), fused sigmoid', tf.layers.conv2dTranspose({ filters: 2, kernelSize: [2, 3], strides: 3, activation: 'sigmoid' }), [3, 3, 2]],
  ['valid, non-square strides', tf.layers.conv2dTranspose({ filters: 2, kernelSize: 3, strides: [1, 2] }), [4, 3, 2]],
];
for (const [name, layer, shape] of transpose) {
  parityCase(`Conv2DTranspose parity: ${name}`, layer, shape, 9, (ops) => assert.equal(ops['ConvTranspose'], 1));
}

/** layer → BatchNormalization with non-trivial statistics (randomizeWeights). */
function withBatchNorm(layer: tf.layers.Layer, shape: number[]): tf.LayersModel {
  const input = tf.input({ shape });
  const y = tf.layers.batchNormalization().apply(layer.apply(input)) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: y });
  randomizeWeights(model, 10);
  return model;
}

test('DepthwiseConv2D and SeparableConv2D followed by BatchNormalization: folded away', async () => {
  for (const layer of [tf.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2 }), tf.layers.separableConv2d({ filters: 3, kernelSize: 3, padding: 'same' })]) {
    const { report } = await assertParity(withBatchNorm(layer, [5, 5, 2]));
    assert.equal(report.opCounts['BatchNormalization'], undefined);
  }
});

test('Conv2DTranspose followed by BatchNormalization: folded into the ConvTranspose', async () => {
  for (const layer of [tf.layers.conv2dTranspose({ filters: 3, kernelSize: 3, strides: 2, padding: 'same' }), tf.layers.conv2dTranspose({ filters: 4, kernelSize: 2, strides: 3, useBias: false })]) {
    const { report } = await assertParity(withBatchNorm(layer, [3, 3, 2]));
    assert.equal(report.opCounts['ConvTranspose'], 1);
    assert.equal(report.opCounts['BatchNormalization'], undefined);
  }
});

test('Conv1D followed by BatchNormalization: folded away', async () => {
  const input = tf.input({ shape: [6, 3] });
  const conv = tf.layers.conv1d({ filters: 4, kernelSize: 3, padding: 'same' }).apply(input);
  const model = tf.model({ inputs: input, outputs: tf.layers.batchNormalization().apply(conv) as tf.SymbolicTensor });
  randomizeWeights(model, 21);
  const { report } = await assertParity(model);
  assert.equal(report.opCounts['BatchNormalization'], undefined);
});

test('Cropping2D: symmetric and asymmetric', async () => {
  for (const cropping of [1, [[1, 0], [0, 2]]] as const) {
    const layer = tf.layers.cropping2D({ cropping: cropping as number });
    const { report } = await assertParity(betweenConvs(layer, [5, 6, 2], 13));
    assert.equal(report.opCounts['Slice'], 1);
    assert.equal(report.opCounts['Transpose'], 1);
  }
});

for (const interpolation of ['nearest', 'bilinear'] as const) {
  test(`UpSampling2D ${interpolation}, size 2 and size [3, 2]`, async () => {
    for (const size of [[2, 2], [3, 2]]) {
      const { report } = await assertParity(betweenConvs(tf.layers.upSampling2d({ size, interpolation }), [3, 4, 2], 13));
      assert.equal(report.opCounts['Resize'], 1);
      assert.equal(report.opCounts['Transpose'], 1);
    }
  });
}
