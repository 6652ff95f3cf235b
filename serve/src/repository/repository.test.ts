import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CIFAR10_LABELS, contractToMetadata, METADATA_KEYS, type ModelContract } from '@onnx-edge/core';
import { parseConfigPbtxt, parseTextFormat, type TextMessage } from './config-pbtxt.ts';
import { modelFromFile, readModelRepository } from './reader.ts';
import { writeModelToRepository } from './writer.ts';
import { onnxModel } from '../../testing/onnx-models.ts';
import { tritonConfigProblems } from '../../testing/triton-config-schema.ts';

/** A classifier's inputs and outputs, [N,3,32,32] → [N,10] twice, with these metadata_props. */
const fakeOnnx = (metadata: Record<string, string>) => onnxModel({
  inputs: [{ name: 'input', type: 'FP32', shape: ['N', 3, 32, 32] }],
  outputs: [{ name: 'probabilities', type: 'FP32', shape: ['N', 10] }, { name: 'logits', type: 'FP32', shape: ['N', 10] }],
  metadata,
});

async function tempRepo(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'onnx-edge-repo-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('writeModelToRepository writes the Triton layout with a config Triton accepts for onnxruntime_onnx', async (t) => {
  const repo = await tempRepo(t);
  const onnx = fakeOnnx({});
  const written = await writeModelToRepository({ repo, name: 'inception10', onnxBytes: onnx, labels: CIFAR10_LABELS, maxBatchSize: 32 });
  assert.equal(written.dir, join(repo, 'inception10'));
  assert.equal(written.modelPath, join(repo, 'inception10', '1', 'model.onnx'));
  assert.deepEqual(new Uint8Array(await readFile(written.modelPath)), onnx);
  assert.deepEqual((await readdir(written.dir)).sort(), ['1', 'config.pbtxt', 'labels.txt'], 'no temporary files left behind');
  assert.equal(await readFile(join(written.dir, 'labels.txt'), 'utf8'), CIFAR10_LABELS.join('\n') + '\n');

  const text = await readFile(join(written.dir, 'config.pbtxt'), 'utf8');
  assert.deepEqual(tritonConfigProblems(text), [], 'every field as model_config.proto has it');
  const raw = parseTextFormat(text);
  assert.deepEqual(raw.name, ['inception10'], 'name matches the folder, as Triton requires');
  assert.deepEqual(raw.platform, ['onnxruntime_onnx']);
  assert.deepEqual(raw.backend, ['onnxruntime']);
  assert.deepEqual(raw.max_batch_size, [32]);
  assert.equal(raw.input?.length, 1);
  assert.equal(raw.output?.length, 2);
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
  assert.deepEqual(parsed.outputs.map((o) => [o.name, o.dataType, o.dims]), [['probabilities', 'TYPE_FP32', [10]], ['logits', 'TYPE_FP32', [10]]]);
  assert.deepEqual(parsed.outputs.map((o) => o.name), ['probabilities', 'logits']);
});

test('writeModelToRepository refuses names that would escape the repository', async (t) => {
  const repo = await tempRepo(t);
  for (const name of ['../evil', 'a/b', '', '.hidden']) {
    await assert.rejects(
      writeModelToRepository({ repo, name, onnxBytes: fakeOnnx({}), labels: ['a'] }),
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

test('readModelRepository lists the numeric versions newest first and reads labels.txt, falling back to metadata', async (t) => {
  const repo = await tempRepo(t);
  await writeModelToRepository({ repo, name: 'a', onnxBytes: fakeOnnx({}), labels: ['cat', 'dog'] });
  await mkdir(join(repo, 'a', '10'));
  await writeFile(join(repo, 'a', '10', 'model.onnx'), fakeOnnx({}));
  await mkdir(join(repo, 'a', '11')); // an empty version folder is not servable
  await mkdir(join(repo, 'b', '2'), { recursive: true });
  await writeFile(join(repo, 'b', '2', 'model.onnx'), fakeOnnx({ [METADATA_KEYS.labels]: '["p","q","r"]', [METADATA_KEYS.inputLayout]: 'NHWC' }));
  await mkdir(join(repo, 'not-a-model'));

  const folders = await readModelRepository(repo);
  assert.deepEqual(folders.map((f) => [f.name, f.versions]), [['a', [10, 1]], ['b', [2]]], 'versions newest first, the empty one left out');
  const models = await Promise.all(folders.map((f) => f.read(f.versions[0]!)));
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

test('config.pbtxt numbers, dims, types, label files and version policies are bounded at parse, naming the field', () => {
  const base = 'name: "m"\ninput [ { name: "input" data_type: TYPE_FP32 dims: [ 3, 32, 32 ] } ]\n';
  const refused = (extra: string) => {
    try {
      parseConfigPbtxt(base + extra, 'm');
      return 'accepted';
    } catch (err) {
      return (err as Error).message;
    }
  };
  assert.equal(refused('instance_group [ { count: 100 } ]'), 'instance_group[0].count is 100; it must be an integer from 1 to 64');
  assert.equal(refused('instance_group [ { count: -3 } ]'), 'instance_group[0].count is -3; it must be an integer from 1 to 64');
  assert.equal(refused('instance_group [ { count: 40 }, { count: 40 } ]'), 'instance_group counts add up to 80; at most 64 inference threads are started for a model');
  assert.equal(refused('max_batch_size: 2.5'), 'max_batch_size is 2.5; it must be an integer from 0 to 4096');
  assert.equal(refused('dynamic_batching { max_queue_delay_microseconds: 99999999 }'), 'dynamic_batching.max_queue_delay_microseconds is 99999999; it must be an integer from 0 to 10000000');
  assert.match(refused('output [ { name: "p" data_type: TYPE_FLOAT } ]'), /^output\[0\]\.data_type TYPE_FLOAT is not a Triton data type/);
  assert.match(refused('output [ { name: "p" dims: [ 0 ] } ]'), /^output\[0\]\.dims holds 0/);
  assert.equal(refused('output [ { name: "p" label_filename: "/etc/passwd" } ]'), "output[0].label_filename '/etc/passwd' must be a file name in the model's folder, not a path");
  assert.deepEqual(parseConfigPbtxt(base.replace('32, 32 ]', '-1, -1 ]'), 'm').inputs[0]!.dims, [3, -1, -1], 'a size the model leaves open');
  assert.deepEqual(parseConfigPbtxt(`${base}version_policy: { latest: { num_versions: 2 } }`, 'm').versionPolicy, { latest: 2 });
  assert.deepEqual(parseConfigPbtxt(`${base}version_policy: { specific: { versions: [ 1, 3 ] } }`, 'm').versionPolicy, { specific: [1, 3] });
  assert.deepEqual(parseConfigPbtxt(`${base}version_policy: { all: { } }`, 'm').versionPolicy, { all: true });
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

  const folders = await readModelRepository(repo);
  assert.deepEqual(folders.map((f) => f.name), ['broken', 'gray']);
  const served = await folders[1]!.read(1);
  assert.deepEqual([served.contract, served.labels, served.inputLayout], [{ ...gray, output: { kind: 'logits', labels: ['happy', 'sad'] } }, ['happy', 'sad'], 'NHWC']);
  // The contract is read with the version: a malformed one refuses that version (and so the model, with no other).
  await assert.rejects(folders[0]!.read(1), /broken.*model\.onnx: metadata entry onnx_edge\.input_range: expected "lo,hi" with lo < hi/);
});

test('a model without labels gets no labels.txt (an old one is removed); a file another tool wrote is served as tensors', async (t) => {
  const repo = await tempRepo(t);
  await writeModelToRepository({ repo, name: 'm', onnxBytes: fakeOnnx({}), labels: ['a', 'b'] });
  const written = await writeModelToRepository({ repo, name: 'm', onnxBytes: fakeOnnx({}) });
  assert.equal(written.labelsPath, undefined);
  assert.deepEqual((await readdir(written.dir)).sort(), ['1', 'config.pbtxt']);
  assert.doesNotMatch(await readFile(written.configPath, 'utf8'), /label_filename/);
  const [folder] = await readModelRepository(repo);
  const read = await folder!.read(1);
  assert.deepEqual([read.contract, read.labels], [{ input: { kind: 'tensor' }, output: { kind: 'tensor' } }, []], 'no onnx_edge entry: not read as a CIFAR-10 classifier');
  await writeFile(written.modelPath, fakeOnnx({ [METADATA_KEYS.producerVersion]: '0.0.1' }));
  assert.equal((await folder!.read(1)).contract.output.kind, 'probabilities', 'an export from before the contract reads as the seed classifier');
});
