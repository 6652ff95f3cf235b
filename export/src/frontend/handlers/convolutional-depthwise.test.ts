import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { assertParity, randomizeWeights, singleLayerModel } from '../../../testing/parity.ts';

const depthwise: [string, tf.layers.Layer, number[]][] = [
  ['same, multiplier 1', tf.layers.depthwiseConv2d({ kernelSize: 3, padding: 'same' }), [6, 6, 3]],
  ['valid, stride 2, multiplier 2, no bias', tf.layers.depthwiseConv2d({ kernelSize: 3, strides: 2, depthMultiplier: 2, useBias: false }), [7, 7, 3]],
  ['same, stride 2 on an even size, fused relu6', tf.layers.depthwiseConv2d({ kernelSize: [3, 2], strides: 2, padding: 'same', activation: 'relu6' }), [8, 6, 2]],
];
for (const [name, layer, shape] of depthwise) {
  test(`DepthwiseConv2D parity: ${name}`, async () => {
    const model = singleLayerModel(layer, [shape]);
    randomizeWeights(model, 9);
    const { report } = await assertParity(model);
    assert.equal(report.opCounts['Conv'], 1);
    // Only the Transpose back to tfjs' NHWC at the graph output.
    assert.equal(report.opCounts['Transpose'], 1);
  });
}
