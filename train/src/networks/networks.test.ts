import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { buildNetwork, countParams } from '../index.ts';
import type { NetworkName, Variant } from '@onnx-edge/core';

// Expected parameter totals computed here from the architecture, independently of the code under test.
// Keras counts BatchNorm as 4 parameters per channel (gamma, beta trainable; moving mean/variance not).
const bn = (ch: number) => 4 * ch;
const convParams = (k: number, cin: number, cout: number, bias: boolean) => k * k * cin * cout + (bias ? cout : 0);
const convBNAct = (k: number, cin: number, cout: number) => convParams(k, cin, cout, true) + bn(cout);

function inception10Params(): { total: number; bnChannels: number } {
  const block = (cin: number, ch: number) =>
    convBNAct(1, cin, ch) + convBNAct(1, cin, ch) + convBNAct(3, ch, ch) + convBNAct(1, cin, ch) + convBNAct(5, ch, ch) + convBNAct(1, cin, ch);
  const total = convBNAct(3, 3, 16) + block(16, 16) + block(64, 16) + block(64, 32) + block(128, 32) + (128 * 10 + 10);
  const bnChannels = 16 + 6 * (16 + 16 + 32 + 32);
  return { total, bnChannels };
}

function resnetParams(stages: number[], variant: Variant): { total: number; bnChannels: number } {
  let total = convParams(3, 3, 64, false) + bn(64);
  let bnChannels = 64;
  let cin = 64;
  stages.forEach((blocks, i) => {
    const f = 64 * 2 ** i;
    for (let b = 0; b < blocks; b++) {
      const projection = b === 0 && (variant === 'seed' || i > 0);
      total += convParams(3, cin, f, false) + bn(f) + convParams(3, f, f, false) + bn(f);
      bnChannels += 2 * f;
      if (projection) {
        total += convParams(1, cin, f, false) + bn(f);
        bnChannels += f;
      }
      cin = f;
    }
  });
  return { total: total + 512 * 10 + 10, bnChannels };
}

const cases: [NetworkName, Variant, { total: number; bnChannels: number }][] = [
  ['inception10', 'seed', inception10Params()],
  ['resnet18', 'seed', resnetParams([2, 2, 2, 2], 'seed')],
  ['resnet18', 'standard', resnetParams([2, 2, 2, 2], 'standard')],
  ['resnet34', 'seed', resnetParams([3, 4, 6, 3], 'seed')],
  ['resnet34', 'standard', resnetParams([3, 4, 6, 3], 'standard')],
];

test('the arithmetic reproduces the totals Keras prints for the tutorial networks', () => {
  assert.equal(inception10Params().total, 121_418);
  assert.equal(resnetParams([2, 2, 2, 2], 'seed').total, 11_187_914);
});

for (const [name, variant, expected] of cases) {
  test(`${name} (${variant}) has Keras' parameter counts`, () => {
    const model = buildNetwork(name, { variant, seed: 1 });
    const counts = countParams(model);
    assert.equal(counts.total, expected.total);
    assert.equal(counts.nonTrainable, 2 * expected.bnChannels);
    assert.equal(counts.trainable, expected.total - 2 * expected.bnChannels);
    model.dispose();
  });
}

test('layers are named after the architecture, input "input", output "probabilities" after linear "logits"', () => {
  const inception = buildNetwork('inception10', { seed: 1 });
  const names = inception.layers.map((l) => l.name);
  for (const expected of ['input', 'stem/conv', 'stem/bn', 'stem/relu', 'block1/inception_a/branch3/conv5x5', 'block2/inception_b/branch4/maxpool3x3', 'block2/inception_b/concat', 'pool', 'logits', 'probabilities']) {
    assert.ok(names.includes(expected), `missing layer ${expected}`);
  }
  const resnet = buildNetwork('resnet18', { seed: 1 });
  const resnetNames = resnet.layers.map((l) => l.name);
  for (const expected of ['stage1/block1/shortcut/conv', 'stage2/block1/shortcut/conv', 'stage4/block2/conv2', 'stage4/block2/add', 'flatten', 'logits']) {
    assert.ok(resnetNames.includes(expected), `missing layer ${expected}`);
  }
  for (const model of [inception, resnet]) {
    assert.ok(model.layers.every((l) => !/_\d+$/.test(l.name)), 'no auto-generated layer names');
    assert.deepEqual(model.inputNames, ['input']);
    assert.deepEqual(model.outputNames, ['probabilities']);
    assert.deepEqual(model.outputs[0]!.shape, [null, 10]);
    const logits = model.getLayer('logits').getConfig();
    assert.equal(logits.activation, 'linear');
    assert.equal(model.getLayer('probabilities').getConfig().activation, 'softmax');
  }
  const regularizer = resnet.getLayer('logits').getConfig().kernelRegularizer as { config: { l2: number } };
  assert.equal(regularizer.config.l2, 0.01);
  inception.dispose();
  resnet.dispose();
});

test("variant 'seed' halves every stage; 'standard' keeps the first stage at 32×32 without projection", () => {
  const seed = buildNetwork('resnet18', { variant: 'seed', seed: 1 });
  const standard = buildNetwork('resnet18', { variant: 'standard', seed: 1 });
  assert.deepEqual(seed.getLayer('stage1/block2/relu').outputShape, [null, 16, 16, 64]);
  assert.deepEqual(seed.getLayer('pool').outputShape, [null, 1, 1, 512]);
  assert.deepEqual(standard.getLayer('stage1/block2/relu').outputShape, [null, 32, 32, 64]);
  assert.deepEqual(standard.getLayer('pool').outputShape, [null, 1, 1, 512]);
  assert.throws(() => standard.getLayer('stage1/block1/shortcut/conv'));
  seed.dispose();
  standard.dispose();
});

test('weights are deterministic for a seed and differ between seeds', () => {
  const values = (seed: number) => {
    const model = buildNetwork('inception10', { seed });
    const data = model.getLayer('block1/inception_a/branch3/conv5x5').getWeights()[0]!.dataSync().slice();
    const dense = model.getLayer('logits').getWeights()[0]!.dataSync().slice();
    model.dispose();
    return [...data, ...dense];
  };
  assert.deepEqual(values(7), values(7));
  assert.notDeepEqual(values(7), values(8));
});

test('numClasses sets the head width', () => {
  const model = buildNetwork('inception10', { numClasses: 3, seed: 1 });
  assert.deepEqual(model.outputs[0]!.shape, [null, 3]);
  model.dispose();
  assert.throws(() => buildNetwork('inception10', { numClasses: 1 }), /numClasses/);
});

test('a forward pass yields probability rows', () => {
  const model = buildNetwork('inception10', { seed: 3 });
  const probs = tf.tidy(() => (model.predict(tf.randomUniform([2, 32, 32, 3], 0, 1, 'float32', 5)) as tf.Tensor).arraySync() as number[][]);
  for (const row of probs) assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5);
  model.dispose();
});
