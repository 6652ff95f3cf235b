import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { exportModel } from '../export.ts';
import { assertParity, randomizeWeights } from '../../testing/parity.ts';
import { UnsupportedLayerError } from './errors.ts';

test('a nested Sequential inside a functional model is flattened into one graph', async () => {
  const inner = tf.sequential({ name: 'stem', layers: [
    tf.layers.conv2d({ inputShape: [6, 6, 3], filters: 4, kernelSize: 3, padding: 'same' }),
    tf.layers.batchNormalization({}),
    tf.layers.activation({ activation: 'relu' }),
  ] });
  const input = tf.input({ shape: [6, 6, 3] });
  const features = tf.layers.globalAveragePooling2d({}).apply(inner.apply(input)) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 3, activation: 'softmax' }).apply(features) as tf.SymbolicTensor });
  randomizeWeights(model, 1);
  randomizeWeights(inner, 2);
  const { report } = await assertParity(model);
  assert.deepEqual(report.opCounts, { Conv: 1, Relu: 1, GlobalAveragePool: 1, Flatten: 1, Gemm: 1, Softmax: 1 });
});

test('a nested functional model called twice (shared sub-model) gets one set of nodes per call', async () => {
  const subInput = tf.input({ shape: [4] });
  const sub = tf.model({ name: 'block', inputs: subInput, outputs: tf.layers.dense({ units: 4, activation: 'relu' }).apply(subInput) as tf.SymbolicTensor });
  const input = tf.input({ shape: [4] });
  const twice = sub.apply(sub.apply(input)) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: twice });
  randomizeWeights(model, 3);
  const { report } = await assertParity(model);
  assert.deepEqual(report.opCounts, { Gemm: 2, Relu: 2 });
});

test('a shared layer (one Dense applied to two inputs) reuses one weight constant', async () => {
  const a = tf.input({ shape: [5] });
  const b = tf.input({ shape: [5] });
  const shared = tf.layers.dense({ units: 3 });
  const sum = tf.layers.add().apply([shared.apply(a) as tf.SymbolicTensor, shared.apply(b) as tf.SymbolicTensor]) as tf.SymbolicTensor;
  const model = tf.model({ inputs: [a, b], outputs: sum });
  randomizeWeights(model, 4);
  const { report } = await assertParity(model);
  assert.deepEqual(report.opCounts, { Gemm: 2, Add: 1 });
  assert.equal(report.parameters, 5 * 3 + 3, 'kernel and bias stored once');
});

test('multi-output models keep every output, named after its layer', async () => {
  const input = tf.input({ shape: [6] });
  const logits = tf.layers.dense({ units: 4, name: 'logits' }).apply(input) as tf.SymbolicTensor;
  const probabilities = tf.layers.activation({ activation: 'softmax', name: 'probabilities' }).apply(logits) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: [logits, probabilities] });
  randomizeWeights(model, 5);
  const { report } = await assertParity(model);
  assert.deepEqual(report.outputs, [{ name: 'logits', shape: ['N', 4] }, { name: 'probabilities', shape: ['N', 4] }]);
});

test('an unsupported layer names its path, its class and the supported classes', () => {
  // ConvLSTM2D: a tfjs layer class the exporter does not translate.
  const inner = tf.sequential({ name: 'block1', layers: [tf.layers.convLstm2d({ inputShape: [2, 4, 4, 2], filters: 2, kernelSize: 3, name: 'lstm' })] });
  const input = tf.input({ shape: [2, 4, 4, 2] });
  const model = tf.model({ inputs: input, outputs: inner.apply(input) as tf.SymbolicTensor });
  assert.throws(() => exportModel(model), (err: unknown) => {
    assert.ok(err instanceof UnsupportedLayerError);
    assert.match(err.message, /^layer 'block1\/lstm' of class 'ConvLSTM2D' is not supported — supported: .*Conv2D/);
    return true;
  });
});

test('a known layer with a setting the exporter cannot translate is named too', () => {
  const input = tf.input({ shape: [3, 8, 8] });
  const conv = tf.layers.conv2d({ filters: 2, kernelSize: 3, dataFormat: 'channelsFirst', name: 'conv' });
  const model = tf.model({ inputs: input, outputs: conv.apply(input) as tf.SymbolicTensor });
  assert.throws(() => exportModel(model), /^UnsupportedLayerError|layer 'conv' of class 'Conv2D': only dataFormat 'channelsLast'/);
});

test('a top-level Sequential holding a nested Sequential exports like its functional twin', async () => {
  const block = tf.sequential({ name: 'block', layers: [
    tf.layers.conv2d({ inputShape: [6, 6, 3], filters: 4, kernelSize: 3, strides: 2, padding: 'same' }),
    tf.layers.reLU({}),
  ] });
  const model = tf.sequential({ layers: [block, tf.layers.flatten(), tf.layers.dense({ units: 5, activation: 'softmax', name: 'probabilities' })] });
  randomizeWeights(model, 6);
  randomizeWeights(block, 7);
  const { report } = await assertParity(model);
  assert.deepEqual(report.inputs, [{ name: 'input', shape: ['N', 3, 6, 6] }]);
  assert.deepEqual(report.outputs, [{ name: 'probabilities', shape: ['N', 5] }]);
  assert.deepEqual(report.opCounts, { Conv: 1, Relu: 1, Flatten: 1, Gemm: 1, Softmax: 1 });
});
