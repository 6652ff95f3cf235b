// Training on the onnxruntime kernels follows the same loss curve as on the wasm kernels: same seed, same
// batches, the first steps' losses within 1e-3 (relative) of each other. The two paths sum in different
// orders, so the weights differ by rounding only, and a wrong gradient anywhere would show within a step.
// Rounding does not stay small for long under Adam: its first update is lr·sign(g) for every weight, so a
// weight whose gradient is within rounding of zero moves by ±lr on either path. ResNet18 at batch 16 stays
// within 6e-4 for two steps and drifts to 4e-3 at the third; Inception10 at batch 32 stays within 1e-3 for six.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import type { NetworkName } from '@onnx-edge/core';
import { selectBackend } from '../backend/select.ts';
import { batches } from '../data/batches.ts';
import { syntheticCifar } from '../data/synthetic.ts';
import { selectTrainingKernels } from '../kernels/select.ts';
import { buildNetwork } from '../networks/build.ts';
import { trainableVariables, trainStep } from './step.ts';

const MAX_RELATIVE_DIFFERENCE = 1e-3;

before(async () => {
  await selectBackend('wasm', () => {});
});

async function lossCurve(network: NetworkName, kernels: 'ort' | 'wasm', batchSize: number, steps: number): Promise<number[]> {
  const lines: string[] = [];
  const selection = selectTrainingKernels(kernels, 'wasm', (line) => lines.push(line));
  assert.equal(selection.name, kernels, lines.join('\n'));
  try {
    const model = buildNetwork(network, { seed: 11 });
    const optimizer = tf.train.adam(1e-3);
    const variables = trainableVariables(model);
    const losses: number[] = [];
    for (const { xs, ys } of batches(syntheticCifar({ count: batchSize * steps, seed: 5 }), { batchSize, shuffle: true, seed: 3 })) {
      losses.push((await trainStep(model, optimizer, variables, xs, ys)).loss);
      tf.dispose([xs, ys]);
    }
    model.dispose();
    optimizer.dispose();
    return losses;
  } finally {
    selection.release();
  }
}

for (const [network, batchSize, steps] of [['inception10', 32, 6], ['resnet18', 16, 2]] as const) {
  test(`${network}: the loss curve on onnxruntime kernels equals the wasm one within ${MAX_RELATIVE_DIFFERENCE} for ${steps} steps`, async () => {
    const wasm = await lossCurve(network, 'wasm', batchSize, steps);
    const ort = await lossCurve(network, 'ort', batchSize, steps);
    assert.equal(ort.length, steps);
    const differences = wasm.map((loss, i) => Math.abs(ort[i]! - loss) / Math.abs(loss));
    assert.ok(differences.every((d) => d <= MAX_RELATIVE_DIFFERENCE), `losses wasm [${wasm.join(', ')}] vs ort [${ort.join(', ')}]`);
    assert.ok(wasm[0] !== wasm.at(-1), 'the loss did not move: the curve compares nothing');
  });
}
