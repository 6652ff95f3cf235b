import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { assertParity, randomizeWeights, singleLayerModel } from '../../../testing/parity.ts';

const convCases: [string, tf.layers.Layer, number[]][] = [
  ['same, bias', tf.layers.conv1d({ filters: 4, kernelSize: 3, padding: 'same' }), [7, 3]],
  ['valid, stride 2, no bias', tf.layers.conv1d({ filters: 3, kernelSize: 3, strides: 2, useBias: false }), [9, 2]],
  ['same, stride 2 on an even length', tf.layers.conv1d({ filters: 3, kernelSize: 4, strides: 2, padding: 'same' }), [8, 2]],
  ['dilation 2, fused tanh', tf.layers.conv1d({ filters: 2, kernelSize: 3, dilationRate: 2, activation: 'tanh' }), [9, 3]],
];
for (const [name, layer, shape] of convCases) {
  test(`Conv1D parity: ${name}`, async () => {
    const model = singleLayerModel(layer, [shape]);
    randomizeWeights(model, 19);
    const { report } = await assertParity(model);
    assert.equal(report.opCounts['Conv'], 1);
  });
}

/** conv1d → layer → conv1d: the pooling sits between channels-first sequences. */
function betweenConvs(layer: tf.layers.Layer, shape: number[]): tf.LayersModel {
  const input = tf.input({ shape });
  let x = tf.layers.conv1d({ filters: 3, kernelSize: 1 }).apply(input) as tf.SymbolicTensor;
  x = layer.apply(x) as tf.SymbolicTensor;
  if (x.shape.length === 3) x = tf.layers.conv1d({ filters: 2, kernelSize: 1 }).apply(x) as tf.SymbolicTensor;
  else x = tf.layers.dense({ units: 2 }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: x });
  randomizeWeights(model, 20);
  return model;
}

const poolCases: [string, () => tf.layers.Layer, string][] = [
  ['MaxPooling1D valid', () => tf.layers.maxPooling1d({ poolSize: 2 }), 'MaxPool'],
  ['MaxPooling1D same, stride 2, size 3', () => tf.layers.maxPooling1d({ poolSize: 3, strides: 2, padding: 'same' }), 'MaxPool'],
  ['AveragePooling1D valid', () => tf.layers.averagePooling1d({ poolSize: 3, strides: 1 }), 'AveragePool'],
  ['AveragePooling1D same (padding excluded from the mean)', () => tf.layers.averagePooling1d({ poolSize: 3, strides: 2, padding: 'same' }), 'AveragePool'],
  ['GlobalAveragePooling1D', () => tf.layers.globalAveragePooling1d(), 'ReduceMean'],
  ['GlobalMaxPooling1D', () => tf.layers.globalMaxPooling1d(), 'ReduceMax'],
];
for (const [name, make, op] of poolCases) {
  test(`${name} between 1-D convs`, async () => {
    const { report } = await assertParity(betweenConvs(make(), [8, 2]));
    assert.equal(report.opCounts[op], 1);
  });
}

test('GlobalAveragePooling1D and GlobalMaxPooling1D straight on the (channels-last) model input, and at opset 18', async () => {
  for (const opset of [17, 18]) {
    const { report } = await assertParity(singleLayerModel(tf.layers.globalAveragePooling1d(), [[5, 3]]), { export: { opset } });
    assert.deepEqual(report.opCounts, { ReduceMean: 1 });
    await assertParity(singleLayerModel(tf.layers.globalMaxPooling1d(), [[5, 3]]), { export: { opset } });
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
