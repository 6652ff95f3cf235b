import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { assertParity, randomizeWeights, singleLayerModel } from '../../../testing/parity.ts';

function normModel(args: Parameters<typeof tf.layers.layerNormalization>[0], shape: number[]): tf.LayersModel {
  const model = singleLayerModel(tf.layers.layerNormalization(args), [shape]);
  randomizeWeights(model, 24);
  return model;
}

test('LayerNormalization on the last axis of a sequence is one node at opset 17', async () => {
  const { report } = await assertParity(normModel({}, [4, 6]), { inputRange: [-3, 3] });
  assert.deepEqual(report.opCounts, { LayerNormalization: 1 });
});

test('LayerNormalization below opset 17 is decomposed', async () => {
  const { report } = await assertParity(normModel({ epsilon: 1e-5 }, [4, 6]), { inputRange: [-3, 3], export: { opset: 13 } });
  assert.equal(report.opCounts['LayerNormalization'], undefined);
  assert.equal(report.opCounts['ReduceMean'], 2);
});

test('LayerNormalization at opset 18 (ReduceMean axes as an input) when decomposed', async () => {
  const { report } = await assertParity(normModel({}, [3, 4, 5]), { inputRange: [-3, 3], export: { opset: 18 } });
  assert.equal(report.opCounts['ReduceMean'], 2);
});

test('LayerNormalization over the channels of a channels-first image (decomposed, no Transpose inside)', async () => {
  const input = tf.input({ shape: [3, 4, 5] });
  let x = tf.layers.conv2d({ filters: 4, kernelSize: 1 }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.layerNormalization().apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ filters: 2, kernelSize: 1 }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: x });
  randomizeWeights(model, 25);
  const { report } = await assertParity(model, { inputRange: [-3, 3] });
  assert.equal(report.opCounts['Transpose'], 1);
});

test('LayerNormalization over all of H, W, C of an image is one node (trailing in NCHW too)', async () => {
  const { report } = await assertParity(normModel({ axis: [1, 2, 3] }, [3, 4, 5]), { inputRange: [-3, 3] });
  assert.equal(report.opCounts['LayerNormalization'], 1);
});

// tfjs reshapes (does not transpose) gamma [4, 3] of unsorted axes [2, 1] to its broadcast shape [1, 3, 4].
test('LayerNormalization over unsorted axes [2, 1], scale without center', async () => {
  await assertParity(normModel({ axis: [2, 1], center: false }, [3, 4, 2]), { inputRange: [-3, 3] });
});

test('LayerNormalization without scale', async () => {
  await assertParity(normModel({ scale: false }, [5]), { inputRange: [-3, 3] });
});

test('LayerNormalization after a Flatten of conv output: parameters follow the pending feature order', async () => {
  for (const opset of [13, 17]) {
    const input = tf.input({ shape: [2, 3, 2] });
    let x = tf.layers.conv2d({ filters: 3, kernelSize: 1 }).apply(input) as tf.SymbolicTensor;
    x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
    x = tf.layers.layerNormalization().apply(x) as tf.SymbolicTensor;
    x = tf.layers.dense({ units: 4 }).apply(x) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: x });
    randomizeWeights(model, 26);
    const { report } = await assertParity(model, { inputRange: [-3, 3], export: { opset } });
    assert.equal(report.opCounts['Gather'], undefined);
  }
});
