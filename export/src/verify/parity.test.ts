import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { exportModel } from '../export.ts';
import { randomizeWeights, singleLayerModel } from '../../testing/parity.ts';
import { checkParity, ParityError, verifyParity } from './parity.ts';
import { useVerificationBackend } from './backend.ts';

// tfjs' wasm backend, as verification uses it (registered first, so it must be ready before any op).
before(() => useVerificationBackend());

function classifier(seed: number): tf.LayersModel {
  const input = tf.input({ shape: [8, 8, 3] });
  const conv = tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu' }).apply(input) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({}).apply(conv) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 10, activation: 'softmax' }).apply(pooled) as tf.SymbolicTensor });
  randomizeWeights(model, seed);
  return model;
}

/** A fully convolutional 2× upscaler: any height and width. */
function upscaler(): tf.LayersModel {
  const input = tf.input({ shape: [null, null, 3] });
  let x = tf.layers.conv2d({ filters: 8, kernelSize: 3, padding: 'same', activation: 'relu' }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.upSampling2d({ size: [2, 2] }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ filters: 3, kernelSize: 3, strides: 2, padding: 'same' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.upSampling2d({ size: [2, 2] }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: x });
  randomizeWeights(model, 3);
  return model;
}

test('verifyParity on seeded random images: the export agrees with its own model', async () => {
  const model = classifier(1);
  const report = await verifyParity(model, exportModel(model).bytes, { count: 30, batchSize: 8 });
  assert.equal(report.count, 30);
  assert.equal(report.top1Agreement, 1);
  assert.ok(report.maxAbsDiff <= 1e-6, `max |Δ| ${report.maxAbsDiff}`);
  assert.ok(report.maxRelDiff >= report.maxAbsDiff);
  assert.deepEqual(report.sizes, [[[8, 8, 8, 3]]]);
  assert.equal(report.outputs!.length, 1);
  assert.ok(report.outputs![0]!.worst.ratio <= 1);
  checkParity(report);
});

test('an ONNX file from other weights fails the check, naming the output, the element and both values', async () => {
  const report = await verifyParity(classifier(1), exportModel(classifier(2)).bytes, { count: 20 });
  assert.ok(report.maxAbsDiff > 1e-4);
  assert.throws(() => checkParity(report), (e: unknown) => e instanceof ParityError
    && /^parity check failed on 20 inputs: output '\w+' \|Δ\| [\d.e-]+ exceeds 0.0001 \+ 0.0001·\|ref\| at \[\d\] of input \d+ of \[20,8,8,3\] \(tfjs [\d.e-]+, onnxruntime [\d.e-]+\)/.test(e.message));
});

test('checkParity: a top-1 disagreement alone fails; NaN never passes; the criterion is atol + rtol·|ref|', () => {
  assert.throws(() => checkParity({ maxAbsDiff: 1e-6, maxRelDiff: 1e-5, top1Agreement: 0.999, count: 1000 }), /top-1 agreement 99.90% is below 100%/);
  assert.throws(() => checkParity({ maxAbsDiff: NaN, maxRelDiff: 0, top1Agreement: 1, count: 1 }), /max \|Δ\| NaN exceeds/);
  checkParity({ maxAbsDiff: 1e-4, maxRelDiff: 1, top1Agreement: 1, count: 1 });
  const worst = { ratio: 0.9, size: 0, sample: 0, index: [5], reference: 200, actual: 200.018 };
  checkParity({ maxAbsDiff: 0.018, maxRelDiff: 9e-5, count: 1, outputs: [{ name: 'y', maxAbsDiff: 0.018, maxRelDiff: 9e-5, worst }] });
  assert.throws(() => checkParity({ maxAbsDiff: 0.018, maxRelDiff: 9e-5, count: 1, outputs: [{ name: 'y', maxAbsDiff: 0.018, maxRelDiff: 9e-5, worst: { ...worst, ratio: Infinity } }] }), /output 'y'/);
});

test('unknown dimensions are verified on two sizes (64×64, 48×80) by default, or on the shapes given', async () => {
  const model = upscaler();
  const { bytes } = exportModel(model);
  const report = await verifyParity(model, bytes, { count: 3 });
  assert.deepEqual(report.sizes, [[[3, 64, 64, 3]], [[3, 48, 80, 3]]]);
  assert.equal(report.count, 6);
  assert.equal(report.top1Agreement, undefined, 'image outputs are not class scores');
  checkParity(report);
  const given = await verifyParity(model, bytes, { count: 2, shapes: [[[1, 20, 30, 3]]] });
  assert.deepEqual(given.sizes, [[[1, 20, 30, 3]]]);
  await assert.rejects(verifyParity(model, bytes, { shapes: [[[1, 20, 30, 4]]] }), /--verify-shape \[1,20,30,4\] does not fit input 0 of shape \[\?,\?,\?,3\]/);
});

test('inputs are drawn from the verification range, and tfjs memory is back where it was afterwards', async () => {
  const input = tf.input({ shape: [16, 16, 3] });
  const model = tf.model({ inputs: input, outputs: [
    tf.layers.globalMaxPooling2d({}).apply(input) as tf.SymbolicTensor,
    tf.layers.upSampling2d({ size: [8, 8] }).apply(input) as tf.SymbolicTensor,
  ] });
  const { bytes } = exportModel(model);
  const before = tf.memory().numTensors;
  const report = await verifyParity(model, bytes, { count: 100, range: [0, 255] });
  assert.equal(tf.memory().numTensors, before);
  // Inputs of 16×16×3 with 128×128×3 outputs: about 50,000 elements each, so 20 per batch (1 M elements).
  assert.deepEqual(report.sizes, [[[20, 16, 16, 3]]]);
  const maxima = report.outputs![0]!;
  assert.ok(Math.abs(maxima.worst.reference) > 200 && Math.abs(maxima.worst.reference) < 255, `max ${maxima.worst.reference}`);
  assert.equal(report.outputs!.length, 2);
  checkParity(report);
});

test('where tfjs is the wrong reference (BatchNormalization, Softmax on a non-last axis) the layer is named and checked against the Keras formula', async () => {
  const bn = singleLayerModel(tf.layers.batchNormalization({ axis: 1, epsilon: 0.01, name: 'bn' }), [[4, 5, 3]]);
  randomizeWeights(bn, 6);
  const bnReport = await verifyParity(bn, exportModel(bn).bytes, { count: 4 });
  assert.equal(bnReport.tfjsDeviations!.length, 1);
  const [deviation] = bnReport.tfjsDeviations!;
  assert.equal(deviation!.layer, 'bn');
  assert.match(deviation!.problem, /tfjs 4.22 computes BatchNormalization on a non-last axis wrongly/);
  assert.ok(deviation!.tfjsMaxAbsDiff! > 0.1, `tfjs is off by ${deviation!.tfjsMaxAbsDiff}`);
  assert.ok(bnReport.maxAbsDiff < 1e-5, `the export matches the formula: ${bnReport.maxAbsDiff}`);
  checkParity(bnReport);

  const softmax = singleLayerModel(tf.layers.softmax({ axis: 1, name: 'sm' }), [[4, 5]]);
  const smReport = await verifyParity(softmax, exportModel(softmax).bytes, { count: 4, range: [-3, 3] });
  assert.deepEqual(smReport.tfjsDeviations, [{ layer: 'sm', className: 'Softmax', problem: 'tfjs 4.22 refuses to run Softmax on a non-last axis' }]);
  checkParity(smReport);
  // On the last axis tfjs is right and is the reference.
  const last = singleLayerModel(tf.layers.batchNormalization({ axis: -1 }), [[4, 5, 3]]);
  assert.equal((await verifyParity(last, exportModel(last).bytes, { count: 2 })).tfjsDeviations, undefined);
});
