import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { assertParity, randomizeWeights } from '../../../testing/parity.ts';

/** input [steps, features] → layer (→ more layers), every output of the last one a model output. */
function sequenceModel(layers: tf.layers.Layer[], shape = [5, 3], seed = 31): tf.LayersModel {
  const input = tf.input({ shape });
  let x: tf.SymbolicTensor | tf.SymbolicTensor[] = input;
  for (const layer of layers) x = layer.apply(x) as tf.SymbolicTensor | tf.SymbolicTensor[];
  const model = tf.model({ inputs: input, outputs: x });
  randomizeWeights(model, seed);
  return model;
}

const cases: [string, () => tf.layers.Layer[], string][] = [
  ['SimpleRNN (tanh), last output', () => [tf.layers.simpleRNN({ units: 4 })], 'RNN'],
  ['SimpleRNN (relu), sequences, no bias', () => [tf.layers.simpleRNN({ units: 3, activation: 'relu', useBias: false, returnSequences: true })], 'RNN'],
  ['LSTM (default hardSigmoid recurrent activation), last output', () => [tf.layers.lstm({ units: 4 })], 'LSTM'],
  ['LSTM (sigmoid), sequences and states', () => [tf.layers.lstm({ units: 3, recurrentActivation: 'sigmoid', returnSequences: true, returnState: true })], 'LSTM'],
  ['LSTM going backwards, sequences', () => [tf.layers.lstm({ units: 3, goBackwards: true, returnSequences: true })], 'LSTM'],
  ['GRU (default hardSigmoid), last output', () => [tf.layers.gru({ units: 4 })], 'GRU'],
  ['GRU going backwards, sequences and state', () => [tf.layers.gru({ units: 3, goBackwards: true, returnSequences: true, returnState: true })], 'GRU'],
  ['GRU (sigmoid, relu), no bias', () => [tf.layers.gru({ units: 3, recurrentActivation: 'sigmoid', activation: 'relu', useBias: false })], 'GRU'],
];

for (const [name, make, op] of cases) {
  test(`${name}: parity`, async () => {
    const { report } = await assertParity(sequenceModel(make()));
    assert.equal(report.opCounts[op], 1);
  });
}

test('stacked LSTMs pass the time-major sequence on without a Transpose', async () => {
  const { report } = await assertParity(sequenceModel([
    tf.layers.lstm({ units: 4, returnSequences: true }),
    tf.layers.lstm({ units: 3, returnSequences: true }),
    tf.layers.gru({ units: 2 }),
  ]));
  // One at the input ([N, T, F] → [T, N, F]); the last GRU returns [N, units] directly.
  assert.equal(report.opCounts['Transpose'], 1);
});

test('Conv1D → LSTM → Dense', async () => {
  await assertParity(sequenceModel([
    tf.layers.conv1d({ filters: 4, kernelSize: 2, activation: 'relu' }),
    tf.layers.lstm({ units: 3 }),
    tf.layers.dense({ units: 2, activation: 'softmax' }),
  ], [6, 3]));
});
