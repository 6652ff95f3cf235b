import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { exportModel } from '../export.ts';
import { randomizeWeights } from '../../testing/parity.ts';
import { checkParity, ParityError, verifyParity } from './parity.ts';

function classifier(seed: number): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 3] });
  const conv = tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu' }).apply(input) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({}).apply(conv) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 10, activation: 'softmax' }).apply(pooled) as tf.SymbolicTensor });
  randomizeWeights(model, seed);
  return model;
}

test('verifyParity on seeded random images: the export agrees with its own model', async () => {
  const model = classifier(1);
  const report = await verifyParity(model, exportModel(model).bytes, { count: 30, batchSize: 8 });
  assert.equal(report.count, 30);
  assert.equal(report.top1Agreement, 1);
  assert.ok(report.maxAbsDiff <= 1e-6, `max |Δ| ${report.maxAbsDiff}`);
  assert.ok(report.maxRelDiff >= report.maxAbsDiff);
  checkParity(report);
});

test('an ONNX file from other weights fails the check with the numbers in the message', async () => {
  const report = await verifyParity(classifier(1), exportModel(classifier(2)).bytes, { count: 20 });
  assert.ok(report.maxAbsDiff > 1e-4);
  assert.throws(() => checkParity(report), (e: unknown) => e instanceof ParityError && /parity check failed on 20 inputs: max \|Δ\| .* exceeds 0.0001/.test(e.message));
});

test('checkParity: a top-1 disagreement alone fails; NaN never passes', () => {
  assert.throws(() => checkParity({ maxAbsDiff: 1e-6, maxRelDiff: 1e-5, top1Agreement: 0.999, count: 1000 }), /top-1 agreement 99.90% is below 100%/);
  assert.throws(() => checkParity({ maxAbsDiff: NaN, maxRelDiff: 0, top1Agreement: 1, count: 1 }), /max \|Δ\| NaN exceeds/);
  checkParity({ maxAbsDiff: 1e-4, maxRelDiff: 1, top1Agreement: 1, count: 1 });
});
