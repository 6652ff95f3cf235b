// The noise layers are identities at inference: the export drops them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { assertParity, randomizeWeights } from '../../../testing/parity.ts';

const cases: [string, () => tf.layers.Layer, number[]][] = [
  ['GaussianNoise', () => tf.layers.gaussianNoise({ stddev: 0.3 }), [4, 4, 3]],
  ['GaussianDropout', () => tf.layers.gaussianDropout({ rate: 0.4 }), [4, 4, 3]],
  ['AlphaDropout', () => tf.layers.alphaDropout({ rate: 0.4 }), [6]],
];

for (const [name, make, shape] of cases) {
  test(`${name} is removed at inference`, async () => {
    const input = tf.input({ shape });
    const hidden = tf.layers.dense({ units: 3 }).apply(input) as tf.SymbolicTensor;
    const output = tf.layers.dense({ units: 2 }).apply(make().apply(hidden)) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: output });
    randomizeWeights(model, 15);
    const { report } = await assertParity(model);
    assert.equal(report.opCounts['Identity'], undefined);
  });
}
