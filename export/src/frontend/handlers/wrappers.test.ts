import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { assertParity, randomizeWeights } from '../../../testing/parity.ts';

/** input → layers, every output of the last one a model output. */
function model(shape: number[], layers: tf.layers.Layer[], seed = 41): tf.LayersModel {
  const input = tf.input({ shape });
  let x: tf.SymbolicTensor | tf.SymbolicTensor[] = input;
  for (const layer of layers) x = layer.apply(x) as tf.SymbolicTensor | tf.SymbolicTensor[];
  const m = tf.model({ inputs: input, outputs: x });
  randomizeWeights(m, seed);
  return m;
}

test('TimeDistributed(Dense) on a sequence', async () => {
  const { report } = await assertParity(model([4, 3], [tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 2, activation: 'tanh' }) })]));
  assert.equal(report.opCounts['Gemm'], 1);
});

test('TimeDistributed(Conv2D) on a sequence of frames keeps the frames channels-first', async () => {
  const { report } = await assertParity(model([3, 5, 5, 2], [
    tf.layers.timeDistributed({ layer: tf.layers.conv2d({ filters: 3, kernelSize: 3, padding: 'same' }) }),
    tf.layers.timeDistributed({ layer: tf.layers.maxPooling2d({ poolSize: 2 }) }),
  ]));
  assert.equal(report.opCounts['Conv'], 1);
});

test('TimeDistributed(Conv2D) → TimeDistributed(Flatten) → LSTM (a small video classifier)', async () => {
  await assertParity(model([3, 4, 4, 2], [
    tf.layers.timeDistributed({ layer: tf.layers.conv2d({ filters: 2, kernelSize: 3, activation: 'relu' }) }),
    tf.layers.timeDistributed({ layer: tf.layers.flatten() }),
    tf.layers.lstm({ units: 3 }),
    tf.layers.dense({ units: 2 }),
  ]));
});

test('TimeDistributed(TimeDistributed(Dense)) and TimeDistributed(RepeatVector)', async () => {
  await assertParity(model([2, 3, 4], [tf.layers.timeDistributed({ layer: tf.layers.timeDistributed({ layer: tf.layers.dense({ units: 2 }) }) })]));
  await assertParity(model([3, 4], [tf.layers.timeDistributed({ layer: tf.layers.repeatVector({ n: 2 }) })]));
});

test('TimeDistributed of an unsupported layer names the wrapped class', async () => {
  const m = model([3, 4], [tf.layers.timeDistributed({ layer: tf.layers.masking() })]);
  const { exportModel } = await import('../../export.ts');
  assert.throws(() => exportModel(m), /wrapping 'Masking' is not supported/);
});

const bidirectional: [string, () => tf.layers.Layer][] = [
  ['LSTM, concat, sequences', () => tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 3, returnSequences: true }) as tf.RNN })],
  ['GRU, sum, last output', () => tf.layers.bidirectional({ layer: tf.layers.gru({ units: 3 }) as tf.RNN, mergeMode: 'sum' })],
  ['SimpleRNN, ave, sequences', () => tf.layers.bidirectional({ layer: tf.layers.simpleRNN({ units: 2, returnSequences: true }) as tf.RNN, mergeMode: 'ave' })],
  ['LSTM, mul, last output', () => tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 2 }) as tf.RNN, mergeMode: 'mul' })],
  ['GRU, no merge (two outputs), sequences', () => tf.layers.bidirectional({ layer: tf.layers.gru({ units: 2, returnSequences: true }) as tf.RNN, mergeMode: null as unknown as 'concat' })],
  ['LSTM, concat, with states', () => tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 2, returnState: true }) as tf.RNN })],
];

for (const [name, make] of bidirectional) {
  test(`Bidirectional ${name}: parity`, async () => {
    const { report } = await assertParity(model([5, 3], [make()], 31));
    assert.equal(Object.keys(report.opCounts).filter((op) => ['RNN', 'LSTM', 'GRU'].includes(op)).length, 1);
  });
}
