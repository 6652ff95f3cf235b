import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { exportModel } from '../../export.ts';
import { checkModel } from '../../../testing/checker.ts';
import { ABS_TOLERANCE, REL_TOLERANCE, assertParity, randomizeWeights, singleLayerModel } from '../../../testing/parity.ts';

test('Embedding of float indices (truncated like tfjs) gives [N, steps, dim]', async () => {
  const model = singleLayerModel(tf.layers.embedding({ inputDim: 7, outputDim: 4 }), [[5]]);
  randomizeWeights(model, 21);
  const { report } = await assertParity(model, { inputRange: [0, 7] });
  assert.deepEqual(report.opCounts, { Cast: 1, Gather: 1 });
});

// The float-only harness cannot feed an int32 graph input, so this one runs onnxruntime itself.
test('Embedding of an int32 input gathers directly (no Cast), same values as tfjs', async () => {
  const input = tf.input({ shape: [4], dtype: 'int32' });
  const model = tf.model({ inputs: input, outputs: tf.layers.embedding({ inputDim: 6, outputDim: 3 }).apply(input) as tf.SymbolicTensor });
  randomizeWeights(model, 22);
  const { bytes, report } = exportModel(model);
  assert.deepEqual(report.opCounts, { Gather: 1 });
  checkModel(bytes);
  const indices = Int32Array.from([0, 5, 2, 2, 3, 1, 4, 0]);
  const expected = tf.tidy(() => (model.predict(tf.tensor(indices, [2, 4], 'int32')) as tf.Tensor).dataSync());
  const session = await ort.InferenceSession.create(bytes);
  try {
    const results = await session.run({ [session.inputNames[0]!]: new ort.Tensor('int32', indices, [2, 4]) });
    const actual = results[session.outputNames[0]!]!.data as Float32Array;
    assert.equal(actual.length, expected.length);
    actual.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) <= ABS_TOLERANCE + REL_TOLERANCE * Math.abs(expected[i]!), `element ${i}: ${v} vs ${expected[i]}`));
  } finally {
    await session.release();
  }
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

test('Embedding with maskZero is refused with the fix in the message', () => {
  const model = singleLayerModel(tf.layers.embedding({ inputDim: 5, outputDim: 2, maskZero: true }), [[3]]);
  assert.throws(() => exportModel(model), /maskZero is not supported .*set maskZero to false/);
});
