import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { onnx } from '@onnx-edge/proto';
import { contractFromMetadata, METADATA_KEYS, readOnnxMetadata } from '@onnx-edge/core';
import { saveModelToDir } from '@onnx-edge/train';
import { requireSharedData } from '@onnx-edge/core/testing';
import { runCli } from '../testing/run-cli.ts';

let dir: string;

const cli = (args: string[]) => runCli(args);

/** A small CIFAR-shaped classifier saved as a training run folder: <run>/tfjs/model.json + labels.json. */
async function saveRun(run: string): Promise<void> {
  const input = tf.input({ shape: [32, 32, 3] });
  let x = tf.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: 'same', useBias: false }).apply(input) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({}).apply(x) as tf.SymbolicTensor;
  x = tf.layers.activation({ activation: 'relu' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: 10, name: 'logits' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.activation({ activation: 'softmax', name: 'probabilities' }).apply(x) as tf.SymbolicTensor;
  await saveModelToDir(tf.model({ inputs: input, outputs: x }), join(run, 'tfjs'));
  await writeFile(join(run, 'labels.json'), JSON.stringify(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j']));
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onnx-edge-cli-export-'));
  await saveRun(join(dir, 'run'));
});
after(() => rm(dir, { recursive: true, force: true }));

test('export --verify on a run folder writes the ONNX file and parity.json and prints one JSON line', async (t) => {
  const sample = requireSharedData(t, 'cifar10-sample');
  if (!sample) return;
  const out = join(dir, 'run', 'model.onnx');
  const result = await cli(['export', join(dir, 'run'), '-o', out, '--verify-data', sample, '--verify-count', '50', '--opset', '15']);
  assert.equal(result.status, 0, result.stderr);
  const lines = result.stdout.trim().split('\n');
  assert.equal(lines.length, 1);
  const report = JSON.parse(lines[0]!);
  assert.deepEqual(Object.keys(report), ['maxAbsDiff', 'maxRelDiff', 'top1Agreement', 'count', 'atol', 'rtol', 'sizes', 'outputs']);
  assert.deepEqual(report.sizes, [[[50, 32, 32, 3]]]);
  assert.deepEqual(report.outputs.map((o: { name: string }) => o.name), ['probabilities']);
  assert.equal(report.count, 50);
  assert.equal(report.top1Agreement, 1);
  assert.ok(report.maxAbsDiff <= 1e-4);
  const model = onnx.ModelProto.decode(await readFile(out));
  assert.equal(Number(model.opsetImport[0]!.version), 15);
  const meta = Object.fromEntries(model.metadataProps.map((p) => [p.key, p.value]));
  assert.deepEqual(JSON.parse(meta[METADATA_KEYS.parity]!), report);
  assert.equal(JSON.parse(meta[METADATA_KEYS.labels]!)[0], 'a', 'labels.json of the run folder');
  assert.deepEqual(JSON.parse(await readFile(join(dir, 'run', 'parity.json'), 'utf8')), report);

  const verified = await cli(['verify', out, '--against', join(dir, 'run'), '--count', '20']);
  assert.equal(verified.status, 0, verified.stderr);
  assert.equal(JSON.parse(verified.stdout).count, 20);
});

test('export --precision int8: the verified float export, quantized and verified against it, into the repository', async (t) => {
  const sample = requireSharedData(t, 'cifar10-sample');
  if (!sample) return;
  const repo = join(dir, 'repo-int8');
  const out = join(dir, 'run-int8.onnx');
  const args = ['--precision', 'int8', '--calibration', sample, '--calibration-count', '32', '--verify-data', sample, '--verify-count', '40'];
  const result = await cli(['export', join(dir, 'run'), '-o', out, '--repo', repo, '--name', 'tiny-int8', ...args]);
  assert.equal(result.status, 0, result.stderr);
  const [parity, quantized] = result.stdout.trim().split('\n').map((line) => JSON.parse(line));
  assert.equal(parity.top1Agreement, 1, 'first the float export against tfjs');
  assert.equal(quantized.count, 40, 'then the int8 model against the float export');
  for (const file of [out, join(repo, 'tiny-int8', '1', 'model.onnx')]) {
    const meta = Object.fromEntries(onnx.ModelProto.decode(await readFile(file)).metadataProps.map((p) => [p.key, p.value]));
    assert.equal(JSON.parse(meta[METADATA_KEYS.quantization]!).precision, 'int8');
    assert.deepEqual(JSON.parse(meta[METADATA_KEYS.quantization]!).verification, quantized);
  }
  assert.match(result.stderr, /wrote .*run-int8\.onnx \(int8, /);
  await rm(out);
  const usage = await cli(['export', join(dir, 'run'), '-o', out, '--method', 'entropy']);
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /the quantization options need --precision int8 or fp16/);
});

test('export --repo writes a Triton-layout model folder', async () => {
  const repo = join(dir, 'repo');
  const result = await cli(['export', join(dir, 'run', 'tfjs', 'model.json'), '--repo', repo, '--name', 'tiny']);
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual((await readdir(join(repo, 'tiny'))).sort(), ['1', 'config.pbtxt', 'labels.txt']);
  assert.match(await readFile(join(repo, 'tiny', 'config.pbtxt'), 'utf8'), /onnxruntime_onnx/);
});

test('an unsupported layer, a corrupt model.json and a missing weights file: one line, exit 1, no output file', async () => {
  // A tfjs class the exporter does not translate (convolutional LSTM over a sequence of images).
  const bad = join(dir, 'bad');
  const frames = tf.input({ shape: [2, 8, 8, 3] });
  const convLstm = tf.layers.convLstm2d({ filters: 2, kernelSize: 3, name: 'conv_lstm' }).apply(frames) as tf.SymbolicTensor;
  await saveModelToDir(tf.model({ inputs: frames, outputs: convLstm }), bad);
  const out = join(dir, 'bad.onnx');
  const unsupported = await cli(['export', bad, '-o', out]);
  assert.equal(unsupported.status, 1);
  assert.match(unsupported.stderr.trim(), /^onnx-edge export: UnsupportedLayerError: layer 'conv_lstm' of class 'ConvLSTM2D' is not supported — supported: .*Conv2D/);
  assert.equal(unsupported.stderr.trim().split('\n').length, 1);

  const corrupt = join(dir, 'corrupt');
  await mkdir(corrupt);
  await writeFile(join(corrupt, 'model.json'), '{"modelTopology": {');
  const corruptResult = await cli(['export', join(corrupt, 'model.json'), '-o', out]);
  assert.equal(corruptResult.status, 1);
  assert.match(corruptResult.stderr.trim(), /^onnx-edge export: ModelFileError: .*model\.json is not valid JSON/);

  const missing = join(dir, 'missing');
  await saveRun(missing);
  for (const f of await readdir(join(missing, 'tfjs'))) if (f.endsWith('.bin')) await rm(join(missing, 'tfjs', f));
  const missingResult = await cli(['export', missing, '-o', out]);
  assert.equal(missingResult.status, 1);
  assert.match(missingResult.stderr.trim(), /^onnx-edge export: ModelFileError: weights file '.*\.bin' listed in .* is missing$/);

  assert.deepEqual((await readdir(dir)).filter((f) => f.includes('.onnx')), []);
});

test('exports are byte-identical across processes; verify against a different model prints its numbers and exits 1', async () => {
  const out = join(dir, 'verify-me.onnx');
  const again = join(dir, 'verify-me-again.onnx');
  assert.equal((await cli(['export', join(dir, 'run'), '-o', out])).status, 0);
  assert.equal((await cli(['export', join(dir, 'run'), '-o', again])).status, 0);
  assert.ok((await readFile(out)).equals(await readFile(again)), 'two processes export the same model.json to identical bytes');
  await rm(again);
  const other = join(dir, 'other');
  await saveRun(other);
  const result = await cli(['verify', out, '--against', other, '--count', '10']);
  assert.equal(result.status, 1);
  assert.equal(JSON.parse(result.stdout).count, 10);
  // The per-output lines come first; the error is the last line, and one line.
  assert.match(result.stderr, /^output 'probabilities': max \|Δ\| /m);
  assert.match(result.stderr.trim().split('\n').at(-1)!, /^onnx-edge verify: ParityError: parity check failed on 10 inputs: output 'probabilities' /);
  await rm(out);
});

test('bad flags are usage errors (exit 2)', async () => {
  const result = await cli(['export', join(dir, 'run'), '-o', join(dir, 'x.onnx'), '--opset', '12']);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /--opset must be an integer from 13 to 21/);
});

test('the contract flags are recorded in the metadata; a contradiction or a malformed value is refused by flag', async () => {
  const out = join(dir, 'contract.onnx');
  const labels = join(dir, 'labels.txt');
  await writeFile(labels, ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', ''].join('\n'));
  const flags = ['--labels', labels, '--input-range=-1,1', '--mean', '0.1,0.2,0.3', '--std', '0.5', '--channels', 'bgr', '--kind', 'logits', '--dataset', 'digits'];
  const result = await cli(['export', join(dir, 'run'), '-o', out, '--input-layout', 'nhwc', ...flags]);
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(contractFromMetadata(readOnnxMetadata(await readFile(out))), {
    input: { kind: 'image', height: 32, width: 32, color: 'BGR', layout: 'NHWC', range: [-1, 1], mean: [0.1, 0.2, 0.3], std: [0.5] },
    output: { kind: 'logits', labels: ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'] },
    dataset: 'digits',
  });
  await rm(out);

  const mismatch = await cli(['export', join(dir, 'run'), '-o', out, '--channels', 'gray']);
  assert.equal(mismatch.status, 1);
  assert.match(mismatch.stderr.trim(), /^onnx-edge export: ContractHintError: the channels declared \(GRAY, 1\) do not match the model's input 'input' \[N,3,32,32\] with 3; give --channels 3$/);
  const range = await cli(['export', join(dir, 'run'), '-o', out, '--input-range', '1']);
  assert.equal(range.status, 2);
  assert.match(range.stderr, /--input-range: expected "lo,hi" with lo < hi/);
  const wrongCount = await cli(['export', join(dir, 'run'), '-o', out, '--labels', join(dir, 'run', 'labels.json'), '--mean', '1,2']);
  assert.equal(wrongCount.status, 1);
  assert.match(wrongCount.stderr, /mean has 2 values; give one, or one per channel \(3\)/);
  assert.deepEqual((await readdir(dir)).filter((f) => f === 'contract.onnx'), []);
});
