// Verification of models with several inputs and outputs: every input gets its own data (index inputs
// random integers within their Embedding table) and every output is compared.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { exportModel } from '../export.ts';
import { checkModel, randomizeWeights } from '../../testing/index.ts';
import { checkParity, verifyParity } from './parity.ts';
import { useVerificationBackend } from './backend.ts';

// tfjs' wasm backend, as verification uses it (registered first, so it must be ready before any op).
before(() => useVerificationBackend());

test('two image inputs, a Concatenate of five merges, two outputs: every output verified', async () => {
  const a = tf.input({ shape: [6, 6, 3], name: 'left' });
  const b = tf.input({ shape: [6, 6, 3], name: 'right' });
  const merges = [tf.layers.add({}), tf.layers.multiply({}), tf.layers.average({}), tf.layers.maximum({}), tf.layers.minimum({})]
    .map((layer) => layer.apply([a, b]) as tf.SymbolicTensor);
  const joined = tf.layers.concatenate({}).apply(merges) as tf.SymbolicTensor;
  const features = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', activation: 'relu', name: 'features' }).apply(joined) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({}).apply(features) as tf.SymbolicTensor;
  const scores = tf.layers.dense({ units: 5, activation: 'softmax', name: 'scores' }).apply(pooled) as tf.SymbolicTensor;
  const model = tf.model({ inputs: [a, b], outputs: [features, scores] });
  randomizeWeights(model, 11);
  const { bytes, report: exported } = exportModel(model);
  checkModel(bytes);
  assert.deepEqual(exported.inputs.map((i) => i.name), ['left', 'right']);
  const report = await verifyParity(model, bytes, { count: 12 });
  assert.deepEqual(report.outputs!.map((o) => o.name), ['features', 'scores']);
  assert.equal(report.outputs![0]!.top1Agreement, undefined);
  assert.equal(report.outputs![1]!.top1Agreement, 1);
  assert.deepEqual(report.sizes, [[[12, 6, 6, 3], [12, 6, 6, 3]]]);
  checkParity(report);
});

for (const dtype of ['float32', 'int32'] as const) {
  test(`an Embedding model with ${dtype} indices: random integers within the table, both outputs verified`, async () => {
    const tokens = tf.input({ shape: [7], dtype, name: 'tokens' });
    const embedded = tf.layers.embedding({ inputDim: 30, outputDim: 4, name: 'embedded' }).apply(tokens) as tf.SymbolicTensor;
    const flat = tf.layers.flatten({}).apply(embedded) as tf.SymbolicTensor;
    const scores = tf.layers.dense({ units: 3, activation: 'softmax', name: 'scores' }).apply(flat) as tf.SymbolicTensor;
    const model = tf.model({ inputs: tokens, outputs: [scores, embedded] });
    randomizeWeights(model, 12);
    const { bytes } = exportModel(model);
    checkModel(bytes);
    // Indices outside the table make onnxruntime's Gather fail: passing shows they are in range.
    const report = await verifyParity(model, bytes, { count: 20, range: [0, 255] });
    assert.deepEqual(report.outputs!.map((o) => o.name), ['scores', 'embedded']);
    assert.ok(report.maxAbsDiff < 1e-5, `max |Δ| ${report.maxAbsDiff}`);
    checkParity(report);
  });
}
