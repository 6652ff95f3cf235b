import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { assertParity, betweenConvs, randomizeWeights, singleLayerModel } from '../../../testing/parity.ts';

test('Dense on rank 2 is one Gemm', async () => {
  const model = singleLayerModel(tf.layers.dense({ units: 4 }), [[6]]);
  randomizeWeights(model, 1);
  const { report } = await assertParity(model);
  assert.deepEqual(report.opCounts, { Gemm: 1 });
});

test('Dense without bias, fused softmax', async () => {
  const model = singleLayerModel(tf.layers.dense({ units: 5, useBias: false, activation: 'softmax' }), [[3]]);
  randomizeWeights(model, 2);
  const { report } = await assertParity(model);
  assert.deepEqual(report.opCounts, { Gemm: 1, Softmax: 1 });
});

test('Dense on rank 4 (channels-first) is a 1x1 Conv', async () => {
  const model = singleLayerModel(tf.layers.dense({ units: 4, activation: 'relu' }), [[3, 5, 6]]);
  randomizeWeights(model, 3);
  const { report } = await assertParity(model);
  assert.equal(report.opCounts['Conv'], 1);
});

test('Dense on rank 3 is MatMul + Add', async () => {
  const model = singleLayerModel(tf.layers.dense({ units: 4 }), [[3, 5]]);
  randomizeWeights(model, 4);
  const { report } = await assertParity(model);
  assert.deepEqual(report.opCounts, { MatMul: 1, Add: 1 });
});

test('Flatten after a conv keeps tfjs element order by permuting the Dense rows, without a Transpose', async () => {
  const input = tf.input({ shape: [4, 5, 3] });
  let x = tf.layers.conv2d({ filters: 6, kernelSize: 3, padding: 'same' }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 7 }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: x });
  randomizeWeights(model, 5);
  const { report } = await assertParity(model);
  assert.deepEqual(report.opCounts, { Conv: 1, Flatten: 1, Gemm: 1 });
});

test('Flatten as the model output restores tfjs element order', async () => {
  const { report } = await assertParity(singleLayerModel(tf.layers.flatten(), [[3, 4, 2]]));
  assert.deepEqual(report.opCounts, { Flatten: 1, Gather: 1 });
});

test('Dropout is removed at inference', async () => {
  const input = tf.input({ shape: [4] });
  const hidden = tf.layers.dense({ units: 3 }).apply(input) as tf.SymbolicTensor;
  const output = tf.layers.dense({ units: 2 }).apply(tf.layers.dropout({ rate: 0.5 }).apply(hidden)) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output });
  randomizeWeights(model, 6);
  const { report } = await assertParity(model);
  assert.deepEqual(report.opCounts, { Gemm: 2 });
});

test('SpatialDropout1D is removed at inference', async () => {
  const input = tf.input({ shape: [5, 3] });
  const hidden = tf.layers.dense({ units: 3 }).apply(input) as tf.SymbolicTensor;
  const output = tf.layers.dense({ units: 2 }).apply(tf.layers.spatialDropout1d({ rate: 0.5 }).apply(hidden)) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output });
  randomizeWeights(model, 15);
  const { report } = await assertParity(model);
  assert.equal(report.opCounts['Identity'], undefined);
});

test('InputLayer: an NHWC input gets exactly one Transpose', async () => {
  const model = singleLayerModel(tf.layers.conv2d({ filters: 2, kernelSize: 1 }), [[3, 3, 2]]);
  randomizeWeights(model, 7);
  const { report } = await assertParity(model, { export: { inputLayout: 'nhwc' } });
  assert.deepEqual(report.inputs, [{ name: 'input', shape: ['N', 3, 3, 2] }]);
  // One at the input, one turning the image output back to NHWC.
  assert.equal(report.opCounts['Transpose'], 2);
});

test('Reshape of a channels-first conv output keeps tfjs element order', async () => {
  const { report } = await assertParity(betweenConvs(tf.layers.reshape({ targetShape: [6, 2, 3] }), [3, 4, 2], 13));
  assert.equal(report.opCounts['Reshape'], 1);
});

test('Reshape rank 2 → rank 4 (feeding a conv) and rank 4 → rank 3 with -1', async () => {
  await assertParity(singleLayerModel(tf.layers.reshape({ targetShape: [2, 3, 4] }), [[24]]));
  await assertParity(singleLayerModel(tf.layers.reshape({ targetShape: [-1, 4] }), [[3, 2, 4]]));
});

test('Reshape after a Dense on a flattened conv output', async () => {
  const input = tf.input({ shape: [2, 3, 2] });
  let x = tf.layers.conv2d({ filters: 2, kernelSize: 1 }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  x = tf.layers.reshape({ targetShape: [3, 4] }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: x });
  randomizeWeights(model, 14);
  await assertParity(model);
});

for (const dims of [[2, 1, 3], [3, 1, 2], [1, 3, 2]]) {
  test(`Permute ${JSON.stringify(dims)} between convs moves no data itself`, async () => {
    const { report } = await assertParity(betweenConvs(tf.layers.permute({ dims }), [3, 4, 2], 13));
    assert.equal(report.opCounts['Identity'], undefined);
  });
}

test('Permute of a rank-3 tensor as the model output', async () => {
  const { report } = await assertParity(singleLayerModel(tf.layers.permute({ dims: [2, 1] }), [[3, 5]]));
  assert.deepEqual(report.opCounts, { Transpose: 1 });
});

test('RepeatVector of a Dense output, feeding an LSTM', async () => {
  const input = tf.input({ shape: [3] });
  let x = tf.layers.dense({ units: 4 }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.repeatVector({ n: 5 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.lstm({ units: 2, returnSequences: true }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: x });
  randomizeWeights(model, 15);
  const { report } = await assertParity(model);
  assert.equal(report.opCounts['Tile'], 1);
});

test('RepeatVector of a flattened conv output restores tfjs feature order', async () => {
  const input = tf.input({ shape: [2, 2, 2] });
  let x = tf.layers.conv2d({ filters: 2, kernelSize: 1 }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  x = tf.layers.repeatVector({ n: 3 }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: x });
  randomizeWeights(model, 16);
  await assertParity(model);
});
