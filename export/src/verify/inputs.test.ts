import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { SEED_CONTRACT, SEED_IMAGE_INPUT } from '@onnx-edge/core';
import { rangeFromContract, verificationSizes } from './inputs.ts';

test('unknown dims: spatial ones 64, then 48 and 80; the others 1, then 2; known dims as they are', () => {
  const image = tf.input({ shape: [null, null, 3] });
  const sequence = tf.input({ shape: [null, 8] });
  const tokens = tf.input({ shape: [null] });
  const model = tf.model({ inputs: [image, sequence, tokens], outputs: [image, sequence, tokens].map((t) => tf.layers.activation({ activation: 'linear' }).apply(t) as tf.SymbolicTensor) });
  assert.deepEqual(verificationSizes(model).map((s) => s.shapes), [
    [[64, 64, 3], [64, 8], [1]],
    [[48, 80, 3], [48, 8], [2]],
  ]);
  const fixed = tf.input({ shape: [5, 5, 3] });
  assert.deepEqual(verificationSizes(tf.model({ inputs: fixed, outputs: fixed })).map((s) => s.shapes), [[[5, 5, 3]]]);
});

test('the contract gives the range its image input is fed: pixels mapped to the range, then mean and std', () => {
  assert.deepEqual(rangeFromContract(SEED_CONTRACT), [0, 1]);
  assert.deepEqual(rangeFromContract({ ...SEED_CONTRACT, input: { ...SEED_IMAGE_INPUT, range: [0, 255] } }), [0, 255]);
  const imagenet = { ...SEED_IMAGE_INPUT, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };
  const [low, high] = rangeFromContract({ ...SEED_CONTRACT, input: imagenet })!;
  assert.ok(Math.abs(low - -0.485 / 0.229) < 1e-9 && Math.abs(high - (1 - 0.406) / 0.225) < 1e-9, `${low}, ${high}`);
  assert.equal(rangeFromContract({ ...SEED_CONTRACT, input: { kind: 'tensor' } }), undefined);
});
