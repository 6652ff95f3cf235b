import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { assertParity, randomizeWeights, singleLayerModel } from '../../../testing/parity.ts';

const cases: [string, tf.layers.Layer, number[]][] = [
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

for (const [name, layer, shape] of cases) {
  test(`Conv2D parity: ${name}`, async () => {
    const model = singleLayerModel(layer, [shape]);
    randomizeWeights(model, 3);
    const { report } = await assertParity(model);
    assert.equal(report.opCounts['Conv'], 1);
    // Image outputs go back to tfjs' NHWC order: one Transpose at the graph's edge, none inside.
    assert.equal(report.opCounts['Transpose'], 1);
  });
}
