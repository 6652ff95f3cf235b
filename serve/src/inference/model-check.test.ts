import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CIFAR10_LABELS, SEED_CONTRACT } from '@onnx-edge/core';
import type { ModelConfig } from '../repository/config-pbtxt.ts';
import type { RepositoryModel } from '../repository/reader.ts';
import { modelProblems } from './model-check.ts';

const entry = (config?: Partial<ModelConfig>, labels: readonly string[] = CIFAR10_LABELS): RepositoryModel => ({
  name: 'm', version: 1, modelPath: '/repo/m/1/model.onnx', labels: [...labels], labelsSource: '/repo/m/labels.txt', inputLayout: 'NCHW', contract: SEED_CONTRACT, sha256: '0',
  ...(config ? { config: { name: 'm', platform: 'onnxruntime_onnx', maxBatchSize: 64, inputs: [], outputs: [], instanceCount: 1, ...config } } : {}),
});
const feeding = (maxBatch: number, inputDims = [3, 32, 32]) => ({ inputDims, maxBatch });
const model = {
  inputs: [{ name: 'input', type: 'float32', shape: [-1, 3, 32, 32] }],
  outputs: [{ name: 'probabilities', type: 'float32', shape: [-1, 10] }, { name: 'logits', type: 'float32', shape: [-1, 10] }],
};

test('a repository that agrees with its model has no problem', () => {
  assert.deepEqual(modelProblems(entry(), model, feeding(64)), []);
  assert.deepEqual(modelProblems(entry({ inputs: [{ name: 'input', dataType: 'TYPE_FP32', dims: [3, 32, 32] }], outputs: [{ name: 'logits', dataType: 'TYPE_FP32', dims: [10] }] }), model, feeding(64)), []);
});

test('each disagreement names its field', () => {
  const problems = modelProblems(entry({
    inputs: [{ name: 'images', dataType: 'TYPE_UINT8', dims: [3, 32, 32, 1] }],
    outputs: [{ name: 'features', dataType: 'TYPE_FP32', dims: [10] }, { name: 'logits', dataType: 'TYPE_FP16', dims: [1000] }],
  }, ['a', 'b']), model, feeding(64, [3, 32, 32, 1]));
  assert.deepEqual(problems, [
    "config.pbtxt input[0].name 'images' is not an input of model.onnx, which takes 'input'",
    'config.pbtxt input[0].data_type is TYPE_UINT8; the server feeds TYPE_FP32',
    "config.pbtxt input[0].dims [3,32,32,1] do not match model.onnx's input 'input' [?,3,32,32] (dims leave the batch out)",
    "config.pbtxt output[0].name 'features' is not an output of model.onnx (probabilities, logits)",
    'config.pbtxt output[1].data_type is TYPE_FP16; outputs are served as TYPE_FP32',
    "config.pbtxt output[1].dims [1000] do not match model.onnx's output 'logits' [?,10] (dims leave the batch out)",
    "/repo/m/labels.txt has 2 labels; output 'probabilities' has 10 classes",
  ]);
});

test('what the model itself declares and the server cannot feed or serve', () => {
  const odd = {
    inputs: [{ name: 'a', type: 'int64', shape: [1, 3, 32, 32] }, { name: 'b', type: 'float32', shape: [1] }],
    outputs: [{ name: 'label', type: 'int64', shape: [1] }],
  };
  assert.deepEqual(modelProblems(entry(), odd, feeding(8)), [
    'model.onnx takes 2 inputs (a, b); the server feeds one image tensor',
    "model.onnx's input 'a' is int64; the server feeds float32",
    "model.onnx's input 'a' has a fixed batch of 1; set config.pbtxt max_batch_size (or --max-batch) to 1",
    "model.onnx's output 'label' is int64; only float32 outputs are served",
    "/repo/m/labels.txt has 10 labels; output 'label' has 1 classes",
  ]);
  assert.deepEqual(modelProblems(entry(), { ...model, inputs: [{ name: 'input', type: 'float32', shape: [-1, 1, 28, 28] }] }, feeding(64)), [
    "the contract in model.onnx's metadata gives the input as [N,3,32,32], but model.onnx's input 'input' is [?,1,28,28]",
  ]);
  assert.deepEqual(modelProblems(entry(), { ...model, inputs: [{ name: 'input', type: 'float32', shape: [-1, 3, -1, -1] }] }, feeding(64, [3, -1, -1])), [
    "model.onnx's input 'input' is [?,3,?,?], whose size is not fixed; give its dims in config.pbtxt",
  ]);
  assert.deepEqual(modelProblems(entry(), { ...model, outputs: [{ name: 'probabilities', type: 'float32', shape: [-1, -1] }] }, feeding(64)), [], 'classes unknown: labels cannot be checked');
  assert.deepEqual(modelProblems(entry(undefined, []), model, feeding(64)), [], 'no labels at all: answers name classes by index');
});
