import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { assertParity, randomizeWeights, singleLayerModel } from '../../../testing/parity.ts';

test('ReLU layer, plain and with maxValue', async () => {
  await assertParity(singleLayerModel(tf.layers.reLU({}), [[6]]), { inputRange: [-3, 3] });
  const { report } = await assertParity(singleLayerModel(tf.layers.reLU({ maxValue: 1.5 }), [[6]]), { inputRange: [-3, 3] });
  assert.deepEqual(report.opCounts, { Clip: 1 });
});

const elementwiseCases: [string, tf.layers.Layer, string][] = [
  ['LeakyReLU (default alpha)', tf.layers.leakyReLU(), 'LeakyRelu'],
  ['LeakyReLU (alpha 0.1)', tf.layers.leakyReLU({ alpha: 0.1 }), 'LeakyRelu'],
  ['ELU', tf.layers.elu(), 'Elu'],
  ['ThresholdedReLU (theta 0.5)', tf.layers.thresholdedReLU({ theta: 0.5 }), 'ThresholdedRelu'],
];

for (const [name, layer, op] of elementwiseCases) {
  test(`${name} parity on an image tensor`, async () => {
    const { report } = await assertParity(singleLayerModel(layer, [[3, 4, 5]]), { inputRange: [-3, 3] });
    assert.equal(report.opCounts[op], 1);
  });
}

test('PReLU on an image tensor: per-element slope laid out channels-first', async () => {
  const model = singleLayerModel(tf.layers.prelu(), [[3, 4, 5]]);
  randomizeWeights(model, 4);
  const { report } = await assertParity(model, { inputRange: [-3, 3] });
  assert.equal(report.opCounts['PRelu'], 1);
});

test('PReLU with shared spatial axes (one slope per channel)', async () => {
  const model = singleLayerModel(tf.layers.prelu({ sharedAxes: [1, 2] }), [[3, 4, 5]]);
  randomizeWeights(model, 5);
  await assertParity(model, { inputRange: [-3, 3] });
});

test('PReLU after a Flatten of channels-first data follows the pending feature order', async () => {
  const input = tf.input({ shape: [2, 3, 4] });
  let x = tf.layers.conv2d({ filters: 3, kernelSize: 1 }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.flatten().apply(x) as tf.SymbolicTensor;
  x = tf.layers.prelu().apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 4 }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: x });
  randomizeWeights(model, 6);
  const { report } = await assertParity(model, { inputRange: [-3, 3] });
  assert.equal(report.opCounts['Transpose'], undefined);
  assert.equal(report.opCounts['Gather'], undefined);
});

// tfjs only implements softmax on the last axis, which is the channel axis (1) of the NCHW graph.
test('Softmax layer on an image tensor', async () => {
  const { bytes } = await assertParity(singleLayerModel(tf.layers.softmax({ axis: -1 }), [[3, 4, 5]]), { inputRange: [-3, 3] });
  assert.ok(bytes.length > 0);
});

// tfjs itself only runs a single-axis softmax on the last axis; a list of axes is a joint softmax.
test('Softmax layer over several axes of a channels-first image (joint softmax), opsets 13, 17, 18', async () => {
  for (const [axis, opset] of [[[1, 2], 17], [[2, 3], 18], [[1, 2, 3], 13]] as const) {
    const input = tf.input({ shape: [3, 4, 2] });
    const conv = tf.layers.conv2d({ filters: 3, kernelSize: 1 }).apply(input) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: tf.layers.softmax({ axis: [...axis] as unknown as number }).apply(conv) as tf.SymbolicTensor });
    randomizeWeights(model, 7);
    const { report } = await assertParity(model, { inputRange: [-3, 3], export: { opset } });
    assert.equal(report.opCounts['ReduceSum'], 1);
  }
});

test('Softmax layer with a one-element axis list is a plain Softmax', async () => {
  const { report } = await assertParity(singleLayerModel(tf.layers.softmax({ axis: [-1] as unknown as number }), [[4, 3]]), { inputRange: [-3, 3] });
  assert.deepEqual(report.opCounts, { Softmax: 1 });
});
