import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CIFAR10_LABELS, SEED_CONTRACT, type ModelContract } from '@onnx-edge/core';
import type { ModelConfig } from '../repository/config-pbtxt.ts';
import type { RepositoryModel } from '../repository/reader.ts';
import { modelSignature } from './model-check.ts';

const entry = (config?: Partial<ModelConfig>, labels: readonly string[] = CIFAR10_LABELS, contract: ModelContract = SEED_CONTRACT): RepositoryModel => ({
  name: 'm', version: 1, modelPath: '/repo/m/1/model.onnx', labels: [...labels], labelsSource: '/repo/m/labels.txt', inputLayout: 'NCHW', contract, sha256: '0',
  ...(config ? { config: { name: 'm', platform: 'onnxruntime_onnx', maxBatchSize: 64, inputs: [], outputs: [], instanceCount: 1, ...config } } : {}),
});
const model = {
  inputs: [{ name: 'input', type: 'float32', shape: [-1, 3, 32, 32] }],
  outputs: [{ name: 'probabilities', type: 'float32', shape: [-1, 10] }, { name: 'logits', type: 'float32', shape: [-1, 10] }],
};
const TENSOR_CONTRACT: ModelContract = { input: { kind: 'tensor' }, output: { kind: 'tensor' } };

test('a repository that agrees with its model has no problem; the signature is what v2 serves', () => {
  const { signature, problems } = modelSignature(entry(), model);
  assert.deepEqual(problems, []);
  assert.deepEqual(signature, {
    inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 3, 32, 32] }],
    outputs: [{ name: 'probabilities', datatype: 'FP32', shape: [-1, 10] }, { name: 'logits', datatype: 'FP32', shape: [-1, 10] }],
    maxBatchSize: 64,
  });
  const configured = entry({ maxBatchSize: 8, inputs: [{ name: 'input', dataType: 'TYPE_FP32', dims: [3, 32, 32] }], outputs: [{ name: 'logits', dataType: 'TYPE_FP32', dims: [10] }] });
  assert.deepEqual(modelSignature(configured, model), { signature: { ...signature, maxBatchSize: 8 }, problems: [] });
  assert.equal(modelSignature(configured, model, 16).signature.maxBatchSize, 16, '--max-batch overrides config.pbtxt');
});

test('each disagreement names its field', () => {
  const { problems } = modelSignature(entry({
    inputs: [{ name: 'images', dataType: 'TYPE_UINT8', dims: [3, 32, 32, 1] }, { name: 'input', dataType: 'TYPE_UINT8', dims: [3, 32, 32, 1] }],
    outputs: [{ name: 'features', dataType: 'TYPE_FP32', dims: [10] }, { name: 'logits', dataType: 'TYPE_FP16', dims: [1000] }],
  }, ['a', 'b']), model);
  assert.deepEqual(problems, [
    "config.pbtxt input[0].name 'images' is not an input of model.onnx (input)",
    "config.pbtxt output[0].name 'features' is not an output of model.onnx (probabilities, logits)",
    "config.pbtxt input[1].data_type is TYPE_UINT8; model.onnx's input 'input' is TYPE_FP32",
    "config.pbtxt input[1].dims [3,32,32,1] do not match model.onnx's input 'input' [?,3,32,32] (dims leave the batch out)",
    "config.pbtxt output[1].data_type is TYPE_FP16; model.onnx's output 'logits' is TYPE_FP32",
    "config.pbtxt output[1].dims [1000] do not match model.onnx's output 'logits' [?,10] (dims leave the batch out)",
    "/repo/m/labels.txt has 2 labels; output 'probabilities' has 10 classes",
  ]);
});

test('any number of inputs and outputs of any datatype the server takes; strings are refused by name', () => {
  const many = {
    inputs: [{ name: 'a', type: 'int64', shape: [-1, 4] }, { name: 'b', type: 'float16', shape: [-1, 4] }, { name: 'c', type: 'bool', shape: [-1] }],
    outputs: [{ name: 'sum', type: 'float32', shape: [-1, 4] }, { name: 'any', type: 'uint8', shape: [-1] }],
  };
  const { signature, problems } = modelSignature(entry(undefined, [], TENSOR_CONTRACT), many);
  assert.deepEqual(problems, []);
  assert.deepEqual(signature.inputs.map((i) => [i.name, i.datatype, i.shape]), [['a', 'INT64', [-1, 4]], ['b', 'FP16', [-1, 4]], ['c', 'BOOL', [-1]]]);
  assert.deepEqual(signature.outputs.map((o) => o.datatype), ['FP32', 'UINT8']);
  assert.equal(signature.maxBatchSize, 64);
  const strings = { ...many, outputs: [{ name: 'label', type: 'string', shape: [-1] }] };
  assert.match(modelSignature(entry(undefined, [], TENSOR_CONTRACT), strings).problems.join(), /^model\.onnx's output 'label' is string; the server takes and gives BOOL, UINT8, .* tensors$/);
});

test('batching: as Triton, max_batch_size 0 serves dims in full; without config.pbtxt a fixed first dimension does not batch', () => {
  const fixed = { inputs: [{ name: 'x', type: 'float32', shape: [1, 256, 256, 3] }], outputs: [{ name: 'y', type: 'float32', shape: [1, 896, 16] }] };
  assert.deepEqual(modelSignature(entry(undefined, [], TENSOR_CONTRACT), fixed).signature, {
    inputs: [{ name: 'x', datatype: 'FP32', shape: [1, 256, 256, 3] }], outputs: [{ name: 'y', datatype: 'FP32', shape: [1, 896, 16] }], maxBatchSize: 0,
  });
  const noBatch = entry({ maxBatchSize: 0, inputs: [{ name: 'input', dataType: 'TYPE_FP32', dims: [-1, 3, 32, 32] }] });
  assert.deepEqual(modelSignature(noBatch, model).signature.inputs, [{ name: 'input', datatype: 'FP32', shape: [-1, 3, 32, 32] }]);
  assert.equal(modelSignature(noBatch, model).signature.maxBatchSize, 0);
  assert.deepEqual(modelSignature(entry({ maxBatchSize: 8 }, [], TENSOR_CONTRACT), fixed).problems, [
    "model.onnx's input 'x' has a fixed batch of 1; set config.pbtxt max_batch_size (or --max-batch) to 1",
  ]);
  const scalar = { inputs: [{ name: 'x', type: 'float32', shape: [-1] }], outputs: [{ name: 'y', type: 'float32', shape: [] }] };
  assert.match(modelSignature(entry({ maxBatchSize: 4 }, [], TENSOR_CONTRACT), scalar).problems.join(), /output 'y' is a scalar, so the model cannot batch; set max_batch_size: 0/);
  const reshaped = entry({ maxBatchSize: 4, inputs: [{ name: 'x', dataType: 'TYPE_FP32', dims: [1], reshape: [] }] }, [], TENSOR_CONTRACT);
  assert.deepEqual(modelSignature(reshaped, { inputs: scalar.inputs, outputs: [{ name: 'y', type: 'float32', shape: [-1, 2] }] }).problems, [], 'a scalar per row: dims [1], reshape []');
});

test('config.pbtxt and the contract fix what the ONNX file leaves open; the contract must fit the model', () => {
  const open = { ...model, inputs: [{ name: 'input', type: 'float32', shape: [-1, 3, -1, -1] }] };
  assert.deepEqual(modelSignature(entry(), open).signature.inputs[0]!.shape, [-1, 3, 32, 32], 'the seed contract is 32×32');
  const anySize: ModelContract = { ...SEED_CONTRACT, input: { kind: 'image', color: 'RGB', layout: 'NCHW', range: [0, 1], mean: [0], std: [1] } };
  assert.deepEqual(modelSignature(entry(undefined, CIFAR10_LABELS, anySize), open).signature.inputs[0]!.shape, [-1, 3, -1, -1], 'any size stays open');
  const configured = entry({ inputs: [{ name: 'input', dataType: 'TYPE_FP32', dims: [3, 64, -1] }] }, CIFAR10_LABELS, anySize);
  assert.deepEqual(modelSignature(configured, open).signature.inputs[0]!.shape, [-1, 3, 64, -1]);
  assert.deepEqual(modelSignature(entry(), { ...model, inputs: [{ name: 'input', type: 'float32', shape: [-1, 1, 28, 28] }] }).problems, [
    "the contract in model.onnx's metadata gives the input as [N,3,32,32], but model.onnx's input 'input' is [?,1,28,28]",
  ]);
  assert.deepEqual(modelSignature(entry(undefined, CIFAR10_LABELS, anySize), { ...model, inputs: [{ name: 'input', type: 'float32', shape: [-1, 1, -1, -1] }] }).problems, [
    "the contract in model.onnx's metadata gives the input as [N,3,?,?], but model.onnx's input 'input' is [?,1,?,?]",
  ]);
  assert.deepEqual(modelSignature(entry(), { ...model, outputs: [{ name: 'probabilities', type: 'float32', shape: [-1, -1] }] }).problems, [], 'classes unknown: labels cannot be checked');
  assert.deepEqual(modelSignature(entry(undefined, []), model).problems, [], 'no labels at all: answers name classes by index');
});
