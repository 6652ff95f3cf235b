import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { assertParity, randomizeWeights } from '../../../testing/parity.ts';

/** Three conv branches of one image merged by `merge`: channels-first inputs, no Transpose between. */
function threeBranches(merge: tf.layers.Layer): tf.LayersModel {
  const input = tf.input({ shape: [4, 5, 3] });
  const branches = [1, 3, 1].map((k) => tf.layers.conv2d({ filters: 4, kernelSize: k, padding: 'same' }).apply(input) as tf.SymbolicTensor);
  const model = tf.model({ inputs: input, outputs: merge.apply(branches) as tf.SymbolicTensor });
  randomizeWeights(model, 17);
  return model;
}

const cases: [string, () => tf.layers.Layer, string, number][] = [
  ['Multiply', () => tf.layers.multiply(), 'Mul', 2],
  ['Average', () => tf.layers.average(), 'Mean', 1],
  ['Maximum', () => tf.layers.maximum(), 'Max', 1],
  ['Minimum', () => tf.layers.minimum(), 'Min', 1],
];

for (const [name, make, op, count] of cases) {
  test(`${name} of three conv branches`, async () => {
    const { report } = await assertParity(threeBranches(make()));
    assert.equal(report.opCounts[op], count);
    assert.equal(report.opCounts['Transpose'], 1);
  });

  test(`${name} of a flattened conv output and a Dense output (feature orders differ)`, async () => {
    const input = tf.input({ shape: [2, 3, 2] });
    const conv = tf.layers.conv2d({ filters: 2, kernelSize: 1 }).apply(input) as tf.SymbolicTensor;
    const flat = tf.layers.flatten().apply(conv) as tf.SymbolicTensor;
    const dense = tf.layers.dense({ units: 12 }).apply(tf.layers.flatten().apply(input)) as tf.SymbolicTensor;
    const merged = make().apply([flat, dense]) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 3 }).apply(merged) as tf.SymbolicTensor });
    randomizeWeights(model, 18);
    await assertParity(model);
  });
}
