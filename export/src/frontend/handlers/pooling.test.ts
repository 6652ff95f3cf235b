import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { assertParity, betweenConvs, singleLayerModel } from '../../../testing/parity.ts';

const cases: [string, tf.layers.Layer, number[], string][] = [
  ['MaxPooling2D 2x2 valid', tf.layers.maxPooling2d({ poolSize: 2 }), [8, 8, 3], 'MaxPool'],
  ['MaxPooling2D 3x3 stride 1 same', tf.layers.maxPooling2d({ poolSize: 3, strides: 1, padding: 'same' }), [7, 7, 2], 'MaxPool'],
  ['MaxPooling2D 3x3 stride 2 same, odd size', tf.layers.maxPooling2d({ poolSize: 3, strides: 2, padding: 'same' }), [7, 7, 2], 'MaxPool'],
  ['AveragePooling2D 2x2 valid', tf.layers.averagePooling2d({ poolSize: 2 }), [8, 8, 3], 'AveragePool'],
  // tfjs excludes the padding from 'same' averages: border windows divide by fewer pixels.
  ['AveragePooling2D 3x3 stride 1 same', tf.layers.averagePooling2d({ poolSize: 3, strides: 1, padding: 'same' }), [6, 6, 2], 'AveragePool'],
  ['AveragePooling2D 2x2 stride 2 same, odd size', tf.layers.averagePooling2d({ poolSize: 2, strides: 2, padding: 'same' }), [5, 5, 2], 'AveragePool'],
  ['GlobalAveragePooling2D', tf.layers.globalAveragePooling2d({}), [5, 6, 4], 'GlobalAveragePool'],
  ['GlobalMaxPooling2D', tf.layers.globalMaxPooling2d({}), [5, 6, 4], 'GlobalMaxPool'],
];

for (const [name, layer, shape, op] of cases) {
  test(`pooling parity: ${name}`, async () => {
    const { report } = await assertParity(singleLayerModel(layer, [shape]));
    assert.equal(report.opCounts[op], 1);
  });
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
    const { report } = await assertParity(betweenConvs(make(), [8, 2], 20));
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
