import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeDataset, describeInput, describeOutput, isImageClassifier, SEED_CONTRACT, SEED_IMAGE_INPUT } from './contract.ts';

test('inputs are described as a person reads them', () => {
  assert.equal(describeInput(SEED_IMAGE_INPUT), '32×32 RGB, values in [0, 1], NCHW');
  assert.equal(describeInput({ ...SEED_IMAGE_INPUT, height: 64, width: 48, color: 'GRAY', layout: 'NHWC', range: [-1, 1] }), '48×64 grayscale, values in [-1, 1], NHWC');
  const torchvision = { ...SEED_IMAGE_INPUT, height: undefined, width: undefined, mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };
  assert.equal(describeInput(torchvision), 'any size RGB, values in [0, 1], then − mean [0.485, 0.456, 0.406] ÷ std [0.229, 0.224, 0.225], NCHW');
  assert.equal(describeInput({ kind: 'tensor' }), 'a tensor (not an image)');
});

test('outputs and datasets are described, labels shortened', () => {
  assert.equal(describeOutput(SEED_CONTRACT.output), '10 classes: airplane, automobile, bird, cat, deer, …');
  assert.equal(describeOutput({ kind: 'logits', labels: ['yes', 'no'] }), '2 classes (logits): yes, no');
  assert.equal(describeOutput({ kind: 'probabilities' }), 'class indexes');
  assert.equal(describeOutput({ kind: 'image', range: [0, 255], layout: 'NHWC' }), 'an image');
  assert.match(describeDataset('synthetic'), /not photos/);
  assert.equal(describeDataset('fer2013'), 'fer2013');
  assert.equal(describeDataset(undefined), 'not recorded in the model');
});

test('an image classifier takes an image and gives class scores', () => {
  assert.equal(isImageClassifier(SEED_CONTRACT), true);
  assert.equal(isImageClassifier({ ...SEED_CONTRACT, output: { kind: 'logits' } }), true);
  assert.equal(isImageClassifier({ ...SEED_CONTRACT, output: { kind: 'image', range: [0, 1], layout: 'NCHW' } }), false);
  assert.equal(isImageClassifier({ input: { kind: 'tensor' }, output: { kind: 'probabilities' } }), false);
});
