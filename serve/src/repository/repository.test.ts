import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CIFAR10_LABELS, contractToMetadata, METADATA_KEYS, type ModelContract } from '@onnx-edge/core';
import { parseConfigPbtxt, parseTextFormat, type TextMessage } from './config-pbtxt.ts';
import { modelFromFile, readModelRepository, type RefusedModel } from './reader.ts';
import { writeModelToRepository } from './writer.ts';

// Protobuf wire encoding of ModelProto { ir_version: 8, metadata_props: [...] }, written by hand so that the
// test does not share code with the reader it checks.
function varint(n: number): number[] {
  const out: number[] = [];
  while (n >= 0x80) { out.push((n & 0x7f) | 0x80); n = Math.floor(n / 128); }
  out.push(n);
  return out;
}
function bytesField(field: number, payload: Uint8Array): number[] {
  return [...varint((field << 3) | 2), ...varint(payload.length), ...payload];
}
function fakeOnnx(metadata: Record<string, string>): Uint8Array {
  const enc = new TextEncoder();
  const parts: number[] = [...varint((1 << 3) | 0), 8];
  parts.push(...bytesField(7, new Uint8Array(300))); // a "graph" payload to skip over
  for (const [k, v] of Object.entries(metadata)) {
    parts.push(...bytesField(14, new Uint8Array([...bytesField(1, enc.encode(k)), ...bytesField(2, enc.encode(v))])));
  }
  return new Uint8Array(parts);
}

async function tempRepo(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'onnx-edge-repo-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

// The fields of Triton's ModelConfig (model_config.proto) that this config may use, and the required ones.
const TRITON_TOP_LEVEL = new Set(['name', 'platform', 'backend', 'max_batch_size', 'input', 'output', 'dynamic_batching', 'instance_group']);
const TRITON_TYPES = new Set(['TYPE_BOOL', 'TYPE_UINT8', 'TYPE_INT8', 'TYPE_INT16', 'TYPE_INT32', 'TYPE_INT64', 'TYPE_FP16', 'TYPE_FP32', 'TYPE_FP64', 'TYPE_STRING', 'TYPE_BF16']);

function assertTritonTensor(m: TextMessage): void {
  assert.equal(typeof m.name?.[0], 'string', 'tensor needs a name');
  assert.ok(TRITON_TYPES.has(String(m.data_type?.[0])), `data_type ${String(m.data_type?.[0])} is a Triton DataType`);
  assert.ok((m.dims ?? []).length > 0 && m.dims!.every((d) => typeof d === 'number' && Number.isInteger(d) && d > 0), 'dims are positive integers');
  for (const field of Object.keys(m)) assert.ok(['name', 'data_type', 'dims', 'label_filename', 'format', 'reshape'].includes(field), `field ${field}`);
}

test('writeModelToRepository writes the Triton layout with a config Triton accepts for onnxruntime_onnx', async (t) => {
  const repo = await tempRepo(t);
  const onnx = fakeOnnx({});
  const written = await writeModelToRepository({
    repo, name: 'inception10', onnxBytes: onnx, labels: CIFAR10_LABELS, inputName: 'input', outputNames: ['probabilities', 'logits'], maxBatchSize: 32,
  });
  assert.equal(written.dir, join(repo, 'inception10'));
  assert.equal(written.modelPath, join(repo, 'inception10', '1', 'model.onnx'));
  assert.deepEqual(new Uint8Array(await readFile(written.modelPath)), onnx);
  assert.deepEqual((await readdir(written.dir)).sort(), ['1', 'config.pbtxt', 'labels.txt'], 'no temporary files left behind');
  assert.equal(await readFile(join(written.dir, 'labels.txt'), 'utf8'), CIFAR10_LABELS.join('\n') + '\n');

  const text = await readFile(join(written.dir, 'config.pbtxt'), 'utf8');
  const raw = parseTextFormat(text);
  for (const field of Object.keys(raw)) assert.ok(TRITON_TOP_LEVEL.has(field), `top-level field ${field} is a Triton ModelConfig field`);
  assert.deepEqual(raw.name, ['inception10'], 'name matches the folder, as Triton requires');
  assert.deepEqual(raw.platform, ['onnxruntime_onnx']);
  assert.deepEqual(raw.backend, ['onnxruntime']);
  assert.deepEqual(raw.max_batch_size, [32]);
  assert.equal(raw.input?.length, 1);
  assert.equal(raw.output?.length, 2);
  for (const tensor of [...raw.input!, ...raw.output!]) assertTritonTensor(tensor as TextMessage);
  const [input] = raw.input as TextMessage[];
  assert.deepEqual(input!.dims, [3, 32, 32], 'dims exclude the batch dimension when max_batch_size > 0');
  const [probabilities, logits] = raw.output as TextMessage[];
  assert.deepEqual(probabilities!.dims, [10]);
  assert.deepEqual(probabilities!.label_filename, ['labels.txt']);
  assert.equal(logits!.label_filename, undefined);
  const batching = (raw.dynamic_batching as TextMessage[])[0]!;
  assert.ok(typeof batching.max_queue_delay_microseconds?.[0] === 'number');
  const group = (raw.instance_group as TextMessage[])[0]!;
  assert.deepEqual(group.count, [1]);
  assert.ok(['KIND_AUTO', 'KIND_CPU', 'KIND_GPU'].includes(String(group.kind?.[0])));

  const parsed = parseConfigPbtxt(text, 'ignored');
  assert.equal(parsed.name, 'inception10');
  assert.equal(parsed.maxBatchSize, 32);
  assert.deepEqual(parsed.inputs, [{ name: 'input', dataType: 'TYPE_FP32', dims: [3, 32, 32] }]);
  assert.deepEqual(parsed.outputs.map((o) => o.name), ['probabilities', 'logits']);
});

test('writeModelToRepository refuses names that would escape the repository', async (t) => {
  const repo = await tempRepo(t);
  for (const name of ['../evil', 'a/b', '', '.hidden']) {
    await assert.rejects(
      writeModelToRepository({ repo, name, onnxBytes: fakeOnnx({}), labels: ['a'], inputName: 'input', outputNames: ['probabilities'] }),
      /not usable as a folder name/,
    );
  }
});

test('parseConfigPbtxt reads hand-written Triton configs (comments, <> blocks, repeated fields)', () => {
  const config = parseConfigPbtxt(`
    # written by hand
    platform: "onnxruntime_onnx"
    max_batch_size: 8
    input { name: "input" data_type: TYPE_FP32 dims: 3 dims: 32 dims: 32 }
    output < name: 'probabilities', data_type: TYPE_FP32, dims: [10] >
    dynamic_batching { }
    instance_group [ { count: 2 kind: KIND_CPU }, { count: 1 } ]
  `, 'folder-name');
  assert.equal(config.name, 'folder-name');
  assert.equal(config.maxBatchSize, 8);
  assert.deepEqual(config.inputs[0]!.dims, [3, 32, 32]);
  assert.deepEqual(config.outputs[0]!.dims, [10]);
  assert.equal(config.maxQueueDelayMicroseconds, 0);
  assert.equal(config.instanceCount, 3);
  assert.throws(() => parseConfigPbtxt('platform: "tensorflow_savedmodel"', 'x'), /only onnxruntime_onnx/);
  assert.throws(() => parseConfigPbtxt('input { name: "a" ', 'x'), /missing/);
});

test('readModelRepository serves the highest numeric version with labels.txt, falling back to metadata', async (t) => {
  const repo = await tempRepo(t);
  await writeModelToRepository({ repo, name: 'a', onnxBytes: fakeOnnx({}), labels: ['cat', 'dog'], inputName: 'input', outputNames: ['probabilities'] });
  await mkdir(join(repo, 'a', '10'));
  await writeFile(join(repo, 'a', '10', 'model.onnx'), fakeOnnx({}));
  await mkdir(join(repo, 'a', '11')); // an empty version folder is not servable
  await mkdir(join(repo, 'b', '2'), { recursive: true });
  await writeFile(join(repo, 'b', '2', 'model.onnx'), fakeOnnx({ [METADATA_KEYS.labels]: '["p","q","r"]', [METADATA_KEYS.inputLayout]: 'NHWC' }));
  await mkdir(join(repo, 'not-a-model'));

  const models = await readModelRepository(repo);
  assert.deepEqual(models.map((m) => [m.name, m.version, m.labels, m.inputLayout]), [
    ['a', 10, ['cat', 'dog'], 'NCHW'],
    ['b', 2, ['p', 'q', 'r'], 'NHWC'],
  ]);
  assert.equal(models[0]!.config?.maxBatchSize, 64);
  assert.equal(models[1]!.config, undefined);

  const single = await modelFromFile(join(repo, 'b', '2', 'model.onnx'));
  assert.equal(single.name, 'model');
  await assert.rejects(readModelRepository(join(repo, 'missing')), /cannot be read/);
  await assert.rejects(readModelRepository(join(repo, 'not-a-model')), /has no model/);
});

test('each model carries the contract of its metadata, labels.txt replacing its labels; a malformed contract is refused by name', async (t) => {
  const repo = await tempRepo(t);
  const gray: ModelContract = {
    input: { kind: 'image', height: 64, width: 64, color: 'GRAY', layout: 'NHWC', range: [-1, 1], mean: [0], std: [1] },
    output: { kind: 'logits', labels: ['x', 'y'] },
    dataset: 'faces',
  };
  const metadata = Object.fromEntries(contractToMetadata(gray));
  await mkdir(join(repo, 'gray', '1'), { recursive: true });
  await writeFile(join(repo, 'gray', '1', 'model.onnx'), fakeOnnx(metadata));
  await writeFile(join(repo, 'gray', 'labels.txt'), 'happy\nsad\n');
  await mkdir(join(repo, 'broken', '1'), { recursive: true });
  await writeFile(join(repo, 'broken', '1', 'model.onnx'), fakeOnnx({ ...metadata, [METADATA_KEYS.inputRange]: '1,0' }));

  const refused: RefusedModel[] = [];
  const models = await readModelRepository(repo, (r) => refused.push(r));
  assert.deepEqual(models.map((m) => [m.name, m.contract, m.labels, m.inputLayout]), [
    ['gray', { ...gray, output: { kind: 'logits', labels: ['happy', 'sad'] } }, ['happy', 'sad'], 'NHWC'],
  ]);
  assert.deepEqual(refused.map((r) => r.name), ['broken']);
  assert.match(refused[0]!.reason, /broken.*model\.onnx: metadata entry onnx_edge\.input_range: expected "lo,hi" with lo < hi/);
});
