import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { assertParity, randomizeWeights } from '../../../testing/parity.ts';

function twoBranches(merge: tf.layers.Layer, shape: number[]): tf.LayersModel {
  const input = tf.input({ shape });
  const a = tf.layers.conv2d({ filters: 4, kernelSize: 1 }).apply(input) as tf.SymbolicTensor;
  const b = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same' }).apply(input) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: merge.apply([a, b]) as tf.SymbolicTensor });
  randomizeWeights(model, 2);
  return model;
}

test('Add of two conv branches', async () => {
  const { report } = await assertParity(twoBranches(tf.layers.add(), [5, 5, 3]));
  assert.equal(report.opCounts['Add'], 1);
});

for (const axis of [-1, 1, 2, 3]) {
  test(`Concatenate on tfjs axis ${axis}`, async () => {
    const { report } = await assertParity(twoBranches(tf.layers.concatenate({ axis }), [5, 6, 3]));
    assert.equal(report.opCounts['Concat'], 1);
  });
}

test('Concatenate of two model inputs (rank 2)', async () => {
  const a = tf.input({ shape: [3] });
  const b = tf.input({ shape: [2] });
  const model = tf.model({ inputs: [a, b], outputs: tf.layers.concatenate().apply([a, b]) as tf.SymbolicTensor });
  const { report } = await assertParity(model);
  assert.deepEqual(report.inputs.map((i) => i.name), [a.sourceLayer.name, b.sourceLayer.name]);
});
