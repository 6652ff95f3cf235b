// Training on the tfjs WebGPU backend (Dawn in Node, here on Mesa's software Vulkan adapter) must follow the
// same trajectory as on wasm: Inception10 from one seed, the same real CIFAR-10 batches, Adam 1e-3 with sparse
// categorical cross-entropy, losses equal within 1e-3 relative at every step. The webgpu-trained model must then
// export to ONNX and pass the compiler's parity check on real CIFAR-10 test images.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { batches, buildNetwork, type CifarDataset, formatAdapter, loadCifar, moveWeightsToActiveBackend, registerWasmTrainingKernels, setupWebgpu, teardownWebgpu, type WebgpuSetup } from '@onnx-edge/train';
import { checkParity, exportModel, useVerificationBackend, verifyParity } from '@onnx-edge/export';
import { sharedData, sharedDataSkip, unavailableInCi } from '@onnx-edge/core/testing';

const trainData = sharedData('cifar10-train');
const testData = sharedData('cifar10-sample');
const SEED = 20241;
const BATCH = 16;
const STEPS = 3;
const RELATIVE_TOLERANCE = 1e-3;

tf.env().set('PROD', true); // no "install tfjs-node" banner
const dataMissing = sharedDataSkip('cifar10-train', 'cifar10-sample');
const webgpu: WebgpuSetup = await setupWebgpu({ allowSoftwareAdapter: true });
const webgpuMissing = webgpu.ok ? false : unavailableInCi(`a WebGPU adapter (scripts/install-system-deps.sh): ${webgpu.reason}`);

/** Builds Inception10 from SEED (weights made on cpu, so identical whatever backend trains) and trains STEPS batches. */
async function trainOn(backend: 'webgpu' | 'wasm', data: CifarDataset): Promise<{ model: tf.LayersModel; losses: number[] }> {
  await tf.setBackend('cpu');
  const model = buildNetwork('inception10', { seed: SEED });
  assert.ok(await tf.setBackend(backend), `tf.setBackend('${backend}')`);
  if (backend === 'wasm') registerWasmTrainingKernels();
  model.compile({ optimizer: tf.train.adam(1e-3), loss: 'sparseCategoricalCrossentropy' });
  const losses: number[] = [];
  for (const { xs, ys } of batches(data, { batchSize: BATCH })) {
    const labels = tf.cast(ys, 'float32');
    losses.push((await model.trainOnBatch(xs, labels)) as number);
    tf.dispose([xs, ys, labels]);
  }
  return { model, losses };
}

describe('webgpu training parity', { skip: dataMissing || webgpuMissing }, () => {
  after(() => teardownWebgpu());

  it(`Inception10 trains the same on webgpu as on wasm (${STEPS} batches of ${BATCH} real CIFAR-10 images)`, async (t) => {
    const data = await loadCifar(trainData, { limit: STEPS * BATCH });
    const reference = await trainOn('wasm', data);
    const gpu = await trainOn('webgpu', data);
    assert.equal(gpu.losses.length, STEPS);
    gpu.losses.forEach((loss, step) => {
      const expected = reference.losses[step]!;
      assert.ok(Number.isFinite(loss), `step ${step}: loss ${loss}`);
      const relative = Math.abs(loss - expected) / Math.abs(expected);
      assert.ok(relative <= RELATIVE_TOLERANCE, `step ${step}: webgpu ${loss} vs wasm ${expected} (relative ${relative.toExponential(2)})`);
    });
    assert.notEqual(gpu.losses[0], gpu.losses[STEPS - 1], 'the weights changed between steps');
    if (webgpu.ok) t.diagnostic(`adapter ${formatAdapter(webgpu.adapter)}; losses webgpu ${gpu.losses.join(', ')} / wasm ${reference.losses.join(', ')}`);

    reference.model.dispose();

    // The compiler reads weights synchronously, which WebGPU in Node cannot serve: bring them back first.
    await tf.setBackend('cpu');
    await moveWeightsToActiveBackend(gpu.model);
    await useVerificationBackend();
    const { bytes } = exportModel(gpu.model);
    const report = await verifyParity(gpu.model, bytes, { dataDir: testData, count: 64 });
    t.diagnostic(`export parity: ${JSON.stringify(report)}`);
    checkParity(report);
    assert.equal(report.count, 64);
  });
});
