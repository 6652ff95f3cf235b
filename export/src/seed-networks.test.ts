// The seed networks end to end: built by @onnx-edge/train, trained for a few batches on real CIFAR-10 (so
// weights move off their initialisation), BatchNorm moving statistics set to non-trivial values (two
// batches at momentum 0.99 barely move them), exported, checked by the official checker, and compared with
// tfjs on real test images. Their graphs must hold no BatchNormalization (folded) and no Transpose.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { buildNetwork, loadCifar, registerWasmTrainingKernels, toNHWCFloat, type CifarDataset } from '@onnx-edge/train';
import { exportModel } from './export.ts';
import { checkModel } from '../testing/checker.ts';
import { type NetworkName, seededRandom, uniform, type Variant } from '@onnx-edge/core';
import { useVerificationBackend } from './verify/backend.ts';
import { sharedData, sharedDataSkip } from '@onnx-edge/core/testing';
import { checkParity, verifyParity } from './verify/parity.ts';

const sampleDir = sharedData('cifar10-sample');
const skip = sharedDataSkip('cifar10-sample');

let dataset: CifarDataset;

before(async () => {
  if (skip) return;
  await useVerificationBackend();
  registerWasmTrainingKernels();
  dataset = await loadCifar(sampleDir, { limit: 1000 });
});

async function trainFewBatches(model: tf.LayersModel, batches: number, batchSize: number): Promise<void> {
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'sparseCategoricalCrossentropy' });
  const x = tf.tensor(toNHWCFloat(dataset, 0, batches * batchSize), [batches * batchSize, 32, 32, 3]);
  const y = tf.tensor(Array.from(dataset.labels.subarray(0, batches * batchSize)), [batches * batchSize], 'float32');
  await model.fit(x, y, { batchSize, epochs: 1, shuffle: false, verbose: 0 });
  x.dispose();
  y.dispose();
}

function setBatchNormStatistics(model: tf.LayersModel, seed: number): void {
  const random = seededRandom(seed);
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    const [gamma, beta] = layer.getWeights();
    const channels = gamma!.size;
    const stats = [tf.tensor(uniform(random, channels, -0.2, 0.2)), tf.tensor(uniform(random, channels, 0.6, 1.6))];
    layer.setWeights([gamma!, beta!, ...stats]);
    stats.forEach((t) => t.dispose());
  }
}

// Every network is checked trained (a few batches); Inception10 and ResNet18 also straight from their
// random initialisation. Image counts keep the file near a minute on two cores; one network sees 1,000.
const cases: { name: NetworkName; variant: Variant; trainBatches: number; images: number }[] = [
  { name: 'inception10', variant: 'seed', trainBatches: 2, images: 1000 },
  { name: 'inception10', variant: 'standard', trainBatches: 0, images: 200 },
  { name: 'resnet18', variant: 'seed', trainBatches: 1, images: 200 },
  { name: 'resnet18', variant: 'seed', trainBatches: 0, images: 50 },
  { name: 'resnet18', variant: 'standard', trainBatches: 1, images: 50 },
  { name: 'resnet34', variant: 'seed', trainBatches: 1, images: 50 },
  { name: 'resnet34', variant: 'standard', trainBatches: 0, images: 50 },
];

// ONNX_EDGE_PARITY_IMAGES=1000 runs every case on that many images (the full measurement quoted in the
// compiler's notes); the default counts keep `npm test` short.
const imagesOverride = Number(process.env.ONNX_EDGE_PARITY_IMAGES ?? 0);
if (!Number.isInteger(imagesOverride) || imagesOverride < 0 || imagesOverride > 1000) {
  throw new Error(`ONNX_EDGE_PARITY_IMAGES must be an integer 1..1000, got '${process.env.ONNX_EDGE_PARITY_IMAGES}'`);
}
if (imagesOverride) for (const c of cases) c.images = imagesOverride;

for (const c of cases) {
  test(`${c.name} (${c.variant}${c.trainBatches ? `, trained ${c.trainBatches} batch${c.trainBatches > 1 ? 'es' : ''}` : ''}) matches tfjs on ${c.images} real images`, { skip }, async (t) => {
    const model = buildNetwork(c.name, { variant: c.variant, seed: 42 });
    if (c.trainBatches) await trainFewBatches(model, c.trainBatches, c.name === 'inception10' ? 16 : 8);
    setBatchNormStatistics(model, 7);
    const { bytes, report } = exportModel(model);
    checkModel(bytes); // throws when invalid, or when the checker is missing in CI
    assert.equal(report.opCounts['BatchNormalization'], undefined, 'BatchNorm is folded');
    assert.equal(report.opCounts['Transpose'], undefined, 'no Transpose in an NCHW graph');
    assert.deepEqual(report.inputs, [{ name: 'input', shape: ['N', 3, 32, 32] }]);
    assert.deepEqual(report.outputs, [{ name: 'probabilities', shape: ['N', 10] }]);
    const parity = await verifyParity(model, bytes, { dataDir: sampleDir, count: c.images, batchSize: 50 });
    assert.equal(parity.count, c.images);
    t.diagnostic(`parity ${JSON.stringify(parity)}; export ${report.timings.totalMs.toFixed(0)} ms`);
    checkParity(parity);
    model.dispose();
  });
}
