// Precise BatchNorm: every BatchNorm's moving statistics become the population statistics of its inputs, computed
// in inference mode with the upstream BatchNorms already re-estimated, on a seeded subset; the same seed gives the
// same subset and statistics.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { batches } from '../data/batches.ts';
import { syntheticCifar } from '../data/synthetic.ts';
import { buildNetwork } from '../networks/build.ts';
import { batchNormLevels, reestimateBatchNorm, seededSubset } from './precise-bn.ts';

await tf.setBackend('cpu');

/** input → conv → BN → relu → conv → BN → pooled softmax: the second BatchNorm depends on the first. */
function twoBatchNormModel(): tf.LayersModel {
  const input = tf.input({ shape: [32, 32, 3] });
  let x = tf.layers.conv2d({ filters: 4, kernelSize: 3, padding: 'same', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ name: 'bn1' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.activation({ activation: 'relu' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.conv2d({ filters: 5, kernelSize: 3, strides: 2, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ name: 'bn2' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
  const output = tf.layers.dense({ units: 10, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: output });
}

/** Per-channel mean and variance of `output` of `model` (inference mode) over all of `images`, in one tensor pass. */
function inferenceMoments(model: tf.LayersModel, output: tf.SymbolicTensor, images: ReturnType<typeof syntheticCifar>) {
  const probe = tf.model({ inputs: model.inputs, outputs: output });
  const all = [...batches(images, { batchSize: images.count })][0]!;
  const result = tf.tidy(() => {
    const { mean, variance } = tf.moments(probe.predict(all.xs) as tf.Tensor, [0, 1, 2]);
    return { mean: Array.from(mean.dataSync()), variance: Array.from(variance.dataSync()) };
  });
  tf.dispose([all.xs, all.ys]);
  return result;
}

function weight(model: tf.LayersModel, layer: string, name: string): number[] {
  return Array.from(model.getLayer(layer).weights.find((w) => w.originalName.endsWith(`/${name}`))!.read().dataSync());
}

function assertClose(actual: number[], expected: number[], what: string): void {
  actual.forEach((a, i) => assert.ok(Math.abs(a - expected[i]!) <= 1e-4 * Math.max(1, Math.abs(expected[i]!)), `${what}[${i}]: ${a} vs ${expected[i]}`));
}

test('each BatchNorm gets the population statistics of its inputs, computed with the upstream BatchNorms re-estimated', async () => {
  const model = twoBatchNormModel();
  const images = syntheticCifar({ count: 40, seed: 4 });
  assert.deepEqual(weight(model, 'bn1', 'moving_mean'), [0, 0, 0, 0], 'starts at Keras\' initial moving mean');
  assert.equal(await reestimateBatchNorm(model, images, 16), 2);

  for (const layer of ['bn1', 'bn2']) {
    // Computed after re-estimation: bn2's inputs pass through the re-estimated bn1, in inference mode.
    const expected = inferenceMoments(model, model.getLayer(layer).input as tf.SymbolicTensor, images);
    assertClose(weight(model, layer, 'moving_mean'), expected.mean, `${layer} moving_mean`);
    assertClose(weight(model, layer, 'moving_variance'), expected.variance, `${layer} moving_variance`);
  }
  // With gamma 1 and beta 0, bn1's inference output over the same images is now standardised.
  const normalised = inferenceMoments(model, model.getLayer('bn1').output as tf.SymbolicTensor, images);
  normalised.mean.forEach((m) => assert.ok(Math.abs(m) < 1e-4, `bn1 output mean ${m}`));
  normalised.variance.forEach((v) => assert.ok(v > 0.9 && v < 1.001, `bn1 output variance ${v} (epsilon 1e-3 keeps it just under 1)`));
  model.dispose();
});

test('Inception10 levels: every BatchNorm comes after the BatchNorms upstream of it', () => {
  const model = buildNetwork('inception10', { seed: 1 });
  const levels = batchNormLevels(model);
  const levelOf = new Map(levels.flatMap((layers, level) => layers.map((l) => [l.name, level] as const)));
  assert.equal(levelOf.size, model.layers.filter((l) => l.getClassName() === 'BatchNormalization').length);
  assert.equal(levelOf.get('stem/bn'), 0);
  assert.ok(levels.length > 2);
  // Walk every BatchNorm's ancestry: each BatchNorm above it sits on a lower level.
  for (const [name, level] of levelOf) {
    const seen = new Set<string>();
    const stack = model.getLayer(name).inboundNodes.flatMap((n) => n.inboundLayers);
    while (stack.length > 0) {
      const layer = stack.pop()!;
      if (seen.has(layer.name)) continue;
      seen.add(layer.name);
      const upstream = levelOf.get(layer.name);
      if (upstream !== undefined) assert.ok(upstream < level, `${layer.name} (level ${upstream}) is upstream of ${name} (level ${level})`);
      stack.push(...layer.inboundNodes.flatMap((n) => n.inboundLayers));
    }
  }
  model.dispose();
});

test('the subset is fixed by its seed, and re-estimation is deterministic', async () => {
  const data = syntheticCifar({ count: 50, seed: 9 });
  const a = seededSubset(data, 20, 3);
  assert.equal(a.count, 20);
  assert.deepEqual(seededSubset(data, 20, 3).images, a.images);
  assert.notDeepEqual(seededSubset(data, 20, 4).images, a.images);
  assert.equal(seededSubset(data, 500, 3).count, 50, 'capped at the training set');

  const first = twoBatchNormModel();
  const second = twoBatchNormModel();
  await reestimateBatchNorm(first, a, 8);
  await reestimateBatchNorm(second, seededSubset(data, 20, 3), 8);
  assert.deepEqual(weight(second, 'bn2', 'moving_variance'), weight(first, 'bn2', 'moving_variance'));
  first.dispose();
  second.dispose();
});
