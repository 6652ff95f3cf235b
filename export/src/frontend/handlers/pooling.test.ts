import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { assertParity, singleLayerModel } from '../../../testing/parity.ts';

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
