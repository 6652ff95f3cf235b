// Data-parallel steps: the shard a worker thread computes gives the same gradient as computing that shard
// here, and the step applies the size-weighted average of the shard gradients.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../backend/select.ts';
import { buildNetwork } from '../../networks/build.ts';
import { batchObjective, trainableVariables } from '../step.ts';
import { dataParallelStepper, shardSizes } from './data-parallel.ts';
import { flatten } from './flat.ts';

before(async () => {
  await selectBackend('wasm', () => {});
});

test('shards are as equal as possible, larger first', () => {
  assert.deepEqual(shardSizes(128, 2), [64, 64]);
  assert.deepEqual(shardSizes(7, 3), [3, 2, 2]);
  assert.deepEqual(shardSizes(1, 2), [1, 0]);
});

test('a two-thread step equals the weighted average of the two shards\' gradients, applied once', async () => {
  const recipe = { model: 'inception10' as const, variant: 'seed' as const, batchSize: 12, learningRate: 1e-3, seed: 4, workers: 2 };
  const xs = tf.randomUniform([12, 32, 32, 3], 0, 1, 'float32', 7) as tf.Tensor4D;
  const ys = tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1], 'int32');

  const model = buildNetwork('inception10', { seed: 4 });
  const optimizer = tf.train.adam(1e-3);
  const variables = trainableVariables(model);
  const stepper = await dataParallelStepper(model, optimizer, variables, recipe, 'wasm', 2);
  await stepper.step(xs, ys);
  await stepper.close();

  const reference = buildNetwork('inception10', { seed: 4 });
  const referenceOptimizer = tf.train.adam(1e-3);
  const referenceVariables = trainableVariables(reference);
  const shardGradient = (start: number, size: number) =>
    tf.tidy(() => {
      const { grads } = tf.variableGrads(() => batchObjective(reference, tf.slice(xs, start, size), tf.slice(ys, start, size), (a) => a.dispose()), referenceVariables);
      return flatten(referenceVariables.map((v) => grads[v.name]!));
    });
  const [first, second] = [shardGradient(0, 6), shardGradient(6, 6)];
  const average = first.map((g, i) => g * 0.5 + second[i]! * 0.5);
  let at = 0;
  referenceOptimizer.applyGradients(
    referenceVariables.map((v) => {
      const tensor = tf.tensor(average.subarray(at, at + v.size), v.shape);
      at += v.size;
      return { name: v.name, tensor };
    }),
  );

  const got = flatten(variables);
  const want = flatten(referenceVariables);
  let worst = 0;
  for (let i = 0; i < want.length; i++) worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
  assert.ok(worst <= 1e-6, `weights differ by up to ${worst}`);
  const initial = flatten(trainableVariables(buildNetwork('inception10', { seed: 4 })));
  assert.ok(want.some((w, i) => w !== initial[i]), 'the step changed no weight: the comparison would be vacuous');
});
