import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { assertParity, randomizeWeights, singleLayerModel } from '../../../testing/parity.ts';

test('Rescaling (1/255, no offset) on an image input is one Mul', async () => {
  const { report } = await assertParity(singleLayerModel(tf.layers.rescaling({ scale: 1 / 255 }), [[3, 4, 3]]), { inputRange: [0, 255] });
  assert.deepEqual(report.opCounts, { Mul: 1, Transpose: 1 });
});

test('Rescaling with an offset before a conv', async () => {
  const input = tf.input({ shape: [4, 4, 2] });
  let x = tf.layers.rescaling({ scale: 1 / 127.5, offset: -1 }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ filters: 2, kernelSize: 3 }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: x });
  randomizeWeights(model, 61);
  const { report } = await assertParity(model, { inputRange: [0, 255] });
  assert.equal(report.opCounts['Add'], 1);
});
