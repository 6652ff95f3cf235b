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
