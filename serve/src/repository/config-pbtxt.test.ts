// config.pbtxt for any model, checked field by field against Triton's model_config.proto (through a checker
// that shares nothing with the server's reader, testing/triton-config-schema.ts), then read back by the server.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { everyDatatypeModel, fixedShapeModel, onnxModel } from '../../testing/onnx-models.ts';
import { tritonConfigProblems } from '../../testing/triton-config-schema.ts';
import { formatConfigPbtxt, parseConfigPbtxt } from './config-pbtxt.ts';
import { modelConfigFor } from './writer.ts';

const written = (onnxBytes: Uint8Array, labels?: string[]) => formatConfigPbtxt(modelConfigFor({ name: 'm', onnxBytes, ...(labels ? { labels } : {}) }));
const tensors = (text: string) => {
  const config = parseConfigPbtxt(text, 'm');
  return { maxBatchSize: config.maxBatchSize, inputs: config.inputs, outputs: config.outputs, delay: config.maxQueueDelayMicroseconds };
};

test('a model of every datatype: TYPE_* of each input and output, the batch left out of dims, no labels', () => {
  const text = written(everyDatatypeModel());
  assert.deepEqual(tritonConfigProblems(text), []);
  const config = tensors(text);
  assert.equal(config.maxBatchSize, 64);
  assert.deepEqual(config.inputs.map((t) => [t.name, t.dataType, t.dims]), [
    ['x', 'TYPE_FP32', [4]], ['h', 'TYPE_FP16', [4]], ['l', 'TYPE_INT64', [4]], ['i', 'TYPE_INT32', [4]], ['u', 'TYPE_UINT8', [4]], ['b', 'TYPE_BOOL', [4]],
  ]);
  assert.deepEqual(config.outputs.map((t) => [t.name, t.dataType, t.labelFilename]), [
    ['sum', 'TYPE_FP32', undefined], ['half', 'TYPE_FP16', undefined], ['next', 'TYPE_INT64', undefined],
    ['negated', 'TYPE_INT32', undefined], ['same', 'TYPE_UINT8', undefined], ['not', 'TYPE_BOOL', undefined],
  ]);
});

test('a model without a batch dimension: max_batch_size 0, dims in full, no dynamic batching', () => {
  const text = written(fixedShapeModel());
  assert.deepEqual(tritonConfigProblems(text), []);
  assert.deepEqual(tensors(text), {
    maxBatchSize: 0,
    inputs: [{ name: 'x', dataType: 'TYPE_FP32', dims: [2, 3] }],
    outputs: [{ name: 'doubled', dataType: 'TYPE_FP32', dims: [2, 3] }],
    delay: undefined,
  });
});

test('sizes the model leaves open are -1; a scalar per row is dims [1] reshaped to none; int8 and float64 have their types', () => {
  const upscaler = onnxModel({
    inputs: [{ name: 'LR', type: 'FP32', shape: ['N', 3, 'height', 'width'] }, { name: 'strength', type: 'INT8', shape: ['N'] }],
    outputs: [{ name: 'SR', type: 'FP32', shape: ['N', 'h2', 'w2', 3] }, { name: 'score', type: 'FP64', shape: ['N'] }],
  });
  const text = written(upscaler);
  assert.deepEqual(tritonConfigProblems(text), []);
  const config = tensors(text);
  assert.deepEqual(config.inputs, [
    { name: 'LR', dataType: 'TYPE_FP32', dims: [3, -1, -1] },
    { name: 'strength', dataType: 'TYPE_INT8', dims: [1], reshape: [] },
  ]);
  assert.deepEqual(config.outputs.map((t) => [t.name, t.dataType, t.dims, t.reshape]), [['SR', 'TYPE_FP32', [-1, -1, 3], undefined], ['score', 'TYPE_FP64', [1], []]]);
});

test('a classifier: labels.txt named by the ranked output only; strings keep Triton\'s name', () => {
  const classifier = onnxModel({
    inputs: [{ name: 'text', type: 'STRING', shape: ['N'] }],
    outputs: [{ name: 'embedding', type: 'FP32', shape: ['N', 8] }, { name: 'probabilities', type: 'FP32', shape: ['N', 3] }],
  });
  const text = written(classifier, ['a', 'b', 'c']);
  assert.deepEqual(tritonConfigProblems(text), []);
  const config = tensors(text);
  assert.equal(config.inputs[0]!.dataType, 'TYPE_STRING');
  assert.deepEqual(config.outputs.map((t) => [t.name, t.labelFilename]), [['embedding', undefined], ['probabilities', 'labels.txt']]);
});

test('the schema checker refuses what Triton refuses', () => {
  const good = 'name: "m"\nmax_batch_size: 8\ninput [ { name: "x" data_type: TYPE_FP32 dims: [ 3 ] } ]\n';
  assert.deepEqual(tritonConfigProblems(good), []);
  const cases: [string, RegExp][] = [
    ['name: "m"\nmax_batch: 8\n', /^max_batch: no such field in ModelConfig/],
    ['input [ { name: "x" data_type: TYPE_FLOAT32 dims: [ 3 ] } ]', /^input\[0\]\.data_type: 'TYPE_FLOAT32' is not a value of enum DataType/],
    ['input [ { name: "x" datatype: TYPE_FP32 } ]', /^input\[0\]\.datatype: no such field/],
    ['max_batch_size: 2.5', /^max_batch_size: expected an integer \(int32\), got 2\.5/],
    ['max_batch_size: 4294967296', /^max_batch_size: 4294967296 is outside int32/],
    ['name: "a"\nname: "b"', /^name: non-repeated field given more than once/],
    ['name: m', /^name: expected a quoted string, got m/],
    ['max_batch_size 8', /^max_batch_size: a scalar field needs ':'/],
    ['instance_group [ { count: 1 kind: KIND_TPU } ]', /^instance_group\[0\]\.kind: 'KIND_TPU' is not a value/],
    ['dynamic_batching { max_queue_delay_microseconds: -5 }', /^dynamic_batching\.max_queue_delay_microseconds: -5 is outside uint64/],
    ['dynamic_batching { }\nsequence_batching { }', /^sequence_batching: oneof scheduling_choice already has dynamic_batching/],
    ['version_policy { latest { num_versions: 1 } all { } }', /^version_policy\.all: oneof policy_choice already has latest/],
    ['output { name: "y" label_filename: "l.txt" dims: 3 format: FORMAT_NHWC }', /^output\.format: no such field in output/],
    ['max_batch_size: [ 1, 2 ]', /^max_batch_size: a list \[ … \] is only for repeated fields/],
    ['input: "x"', /^input: a message field takes a block/],
  ];
  for (const [text, problem] of cases) assert.match(tritonConfigProblems(text).join('\n'), problem, text);
});
