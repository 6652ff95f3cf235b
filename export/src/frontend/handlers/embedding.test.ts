import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { assertParity, randomizeWeights, singleLayerModel } from '../../testing/parity.ts';

test('Embedding of float indices (truncated like tfjs) gives [N, steps, dim]', async () => {
  const model = singleLayerModel(tf.layers.embedding({ inputDim: 7, outputDim: 4 }), [[5]]);
  randomizeWeights(model, 21);
  const { report } = await assertParity(model, { inputRange: [0, 7] });
  assert.deepEqual(report.opCounts, { Cast: 1, Gather: 1 });
});

test('Embedding → Conv1D → GlobalMaxPooling1D → Dense (a small text CNN)', async () => {
  const input = tf.input({ shape: [6] });
  let x = tf.layers.embedding({ inputDim: 9, outputDim: 4 }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.conv1d({ filters: 3, kernelSize: 3, activation: 'relu' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.globalMaxPooling1d().apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 2, activation: 'softmax' }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: x });
  randomizeWeights(model, 23);
  await assertParity(model, { inputRange: [0, 9] });
});
