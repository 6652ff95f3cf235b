import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { assertParity, randomizeWeights, singleLayerModel } from '../../../testing/parity.ts';

/** conv → layer → conv: the layer sits between channels-first tensors, as in a real CNN. */
function betweenConvs(layer: tf.layers.Layer, shape: number[]): tf.LayersModel {
  const input = tf.input({ shape });
  let x = tf.layers.conv2d({ filters: 3, kernelSize: 1 }).apply(input) as tf.SymbolicTensor;
  x = layer.apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ filters: 2, kernelSize: 1 }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: x });
  randomizeWeights(model, 13);
  return model;
}

test('Reshape of a channels-first conv output keeps tfjs element order', async () => {
  const { report } = await assertParity(betweenConvs(tf.layers.reshape({ targetShape: [6, 2, 3] }), [3, 4, 2]));
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
    const { report } = await assertParity(betweenConvs(tf.layers.permute({ dims }), [3, 4, 2]));
    assert.equal(report.opCounts['Identity'], undefined);
  });
}

test('Permute of a rank-3 tensor as the model output', async () => {
  const { report } = await assertParity(singleLayerModel(tf.layers.permute({ dims: [2, 1] }), [[3, 5]]));
  assert.deepEqual(report.opCounts, { Transpose: 1 });
});

test('ZeroPadding2D: default, symmetric and asymmetric', async () => {
  for (const padding of [undefined, [2, 1], [[1, 0], [2, 3]]] as const) {
    const layer = tf.layers.zeroPadding2d(padding === undefined ? {} : { padding: padding as [number, number] });
    const { report } = await assertParity(betweenConvs(layer, [3, 4, 2]));
    assert.equal(report.opCounts['Pad'], 1);
    assert.equal(report.opCounts['Transpose'], 1);
  }
});

test('Cropping2D: symmetric and asymmetric', async () => {
  for (const cropping of [1, [[1, 0], [0, 2]]] as const) {
    const layer = tf.layers.cropping2D({ cropping: cropping as number });
    const { report } = await assertParity(betweenConvs(layer, [5, 6, 2]));
    assert.equal(report.opCounts['Slice'], 1);
    assert.equal(report.opCounts['Transpose'], 1);
  }
});

for (const interpolation of ['nearest', 'bilinear'] as const) {
  test(`UpSampling2D ${interpolation}, size 2 and size [3, 2]`, async () => {
    for (const size of [[2, 2], [3, 2]]) {
      const { report } = await assertParity(betweenConvs(tf.layers.upSampling2d({ size, interpolation }), [3, 4, 2]));
      assert.equal(report.opCounts['Resize'], 1);
      assert.equal(report.opCounts['Transpose'], 1);
    }
  });
}

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
