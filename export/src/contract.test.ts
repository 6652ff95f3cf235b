import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { CIFAR10_LABELS } from '@onnx-edge/core';
import { saveModelToDir } from '@onnx-edge/train';
import { ContractHintError, hintsFromUserMetadata } from './contract.ts';
import { exportModel } from './export.ts';
import { loadLayersModelFromFile } from './io/load-model.ts';

/** A conv classifier on [side, side, channels]; `head` 'softmax' ends in probabilities, 'linear' in logits. */
function classifier(side: number, channels: number, classes: number, head: 'softmax' | 'linear' | 'sigmoid'): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.conv2d({ inputShape: [side, side, channels], filters: 2, kernelSize: 3 }),
      tf.layers.globalAveragePooling2d({}),
      tf.layers.dense({ units: classes, activation: head }),
    ],
  });
}

test('an image classifier: the input image and its scores come from the graph', () => {
  const gray = exportModel(classifier(64, 1, 7, 'linear'), { inputLayout: 'nhwc' }).report.contract;
  assert.deepEqual(gray, {
    input: { kind: 'image', height: 64, width: 64, color: 'GRAY', layout: 'NHWC', range: [0, 1], mean: [0], std: [1] },
    output: { kind: 'logits' },
  });
  assert.equal(exportModel(classifier(16, 4, 3, 'softmax')).report.contract.output.kind, 'probabilities');
  assert.equal(exportModel(classifier(16, 3, 1, 'sigmoid')).report.contract.output.kind, 'tensor', 'a sigmoid is not a distribution over classes');
});

test("CIFAR-10's labels only for the seed's shape: 32×32 RGB in, ten classes out", () => {
  assert.deepEqual(exportModel(classifier(32, 3, 10, 'softmax')).report.contract.output.labels, CIFAR10_LABELS);
  assert.equal(exportModel(classifier(8, 3, 10, 'softmax')).report.contract.output.labels, undefined);
  assert.equal(exportModel(classifier(32, 1, 10, 'softmax')).report.contract.output.labels, undefined);
});

test('a fully convolutional image-to-image model: any size, image out with the input range', () => {
  const upscaler = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [null, null, 3] as unknown as number[], filters: 3, kernelSize: 3, padding: 'same' })] });
  const { contract } = exportModel(upscaler, { contract: { range: [0, 255] } }).report;
  assert.deepEqual(contract, {
    input: { kind: 'image', color: 'RGB', layout: 'NCHW', range: [0, 255], mean: [0], std: [1] },
    output: { kind: 'image', range: [0, 255], layout: 'NHWC' },
  });
});

test('a tensor input stays a tensor; image options on it are refused', () => {
  const dense = tf.sequential({ layers: [tf.layers.dense({ inputShape: [10], units: 4, activation: 'softmax' })] });
  assert.deepEqual(exportModel(dense).report.contract, { input: { kind: 'tensor' }, output: { kind: 'probabilities' } });
  assert.throws(() => exportModel(dense, { contract: { range: [-1, 1] } }), /an image input is declared, but the model's input 'input' \[N,10\] is not one image/);
  const image = classifier(16, 3, 2, 'softmax');
  assert.equal(exportModel(image, { contract: { inputKind: 'tensor' } }).report.contract.input.kind, 'tensor');
  assert.throws(() => exportModel(image, { contract: { inputKind: 'tensor', mean: [0.5] } }), /declared a tensor, but image options .* were given too/);
});

test('declarations win over the graph and are checked against it', () => {
  const { contract } = exportModel(classifier(16, 3, 2, 'linear'), {
    contract: { color: 'BGR', range: [0, 255], mean: [103.9, 116.8, 123.7], outputKind: 'probabilities', labels: ['cat', 'dog'], dataset: 'pets' },
  }).report;
  assert.deepEqual(contract, {
    input: { kind: 'image', height: 16, width: 16, color: 'BGR', layout: 'NCHW', range: [0, 255], mean: [103.9, 116.8, 123.7], std: [1] },
    output: { kind: 'probabilities', labels: ['cat', 'dog'] },
    dataset: 'pets',
  });
  const model = classifier(16, 3, 2, 'softmax');
  const refused = (hints: object, message: RegExp) => assert.throws(() => exportModel(model, { contract: hints }), (error: Error) => {
    assert.ok(error instanceof ContractHintError, error.name);
    assert.match(error.message, message);
    return true;
  });
  refused({ color: 'GRAY' }, /channels declared \(GRAY, 1\) do not match the model's input 'input' \[N,3,16,16\] with 3; give --channels 3/);
  refused({ mean: [0.1, 0.2] }, /mean has 2 values; give one, or one per channel \(3\)/);
  refused({ outputKind: 'tensor', labels: ['a', 'b'] }, /labels were given, but the output .* is of kind 'tensor'/);
});

test("tfjs' userDefinedMetadata declares the contract, read from model.json; flags still win", async () => {
  const root = await mkdtemp(join(tmpdir(), 'onnx-edge-contract-'));
  try {
    await saveModelToDir(classifier(12, 1, 3, 'linear'), root);
    const path = join(root, 'model.json');
    const json = JSON.parse(await readFile(path, 'utf8'));
    json.userDefinedMetadata = { labels: ['a', 'b', 'c'], inputRange: [-1, 1], kind: 'logits', dataset: 'letters', signature: { inputs: {} } };
    await writeFile(path, JSON.stringify(json));
    const model = await loadLayersModelFromFile(path);
    assert.deepEqual(exportModel(model).report.contract, {
      input: { kind: 'image', height: 12, width: 12, color: 'GRAY', layout: 'NCHW', range: [-1, 1], mean: [0], std: [1] },
      output: { kind: 'logits', labels: ['a', 'b', 'c'] },
      dataset: 'letters',
    });
    assert.deepEqual(exportModel(model, { contract: { range: [0, 1], labels: ['x', 'y', 'z'] } }).report.contract.output.labels, ['x', 'y', 'z']);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('userDefinedMetadata values are validated with the key named', () => {
  assert.deepEqual(hintsFromUserMetadata({ channels: 'bgr', mean: 0.5, std: '0.25', inputKind: 'image', other: { x: 1 } }), { color: 'BGR', mean: [0.5], std: [0.25], inputKind: 'image' });
  assert.deepEqual(hintsFromUserMetadata(undefined), {});
  assert.throws(() => hintsFromUserMetadata({ inputRange: [1, 0] }), /userDefinedMetadata\.inputRange: expected "lo,hi" with lo < hi/);
  assert.throws(() => hintsFromUserMetadata({ labels: 'cat' }), /userDefinedMetadata\.labels: expected a non-empty JSON array/);
  assert.throws(() => hintsFromUserMetadata({ kind: 'boxes' }), /userDefinedMetadata\.kind must be one of probabilities, logits, image, tensor/);
  assert.throws(() => hintsFromUserMetadata({ mean: { r: 1 } }), /userDefinedMetadata\.mean must be a number, a list of numbers or a string/);
});
