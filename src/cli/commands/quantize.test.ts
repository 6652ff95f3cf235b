// `onnx-edge quantize` as a user runs it (a child process): written files, the printed report, and every bad
// input answered with one line, exit 1 and no output file.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';
import { METADATA_KEYS, readOnnxMetadata, seededRandom } from '@onnx-edge/core';
import { sharedData, sharedDataSkip } from '@onnx-edge/core/testing';
import { exportModel, useVerificationBackend } from '@onnx-edge/export';
import { onnx } from '@onnx-edge/proto';
import { runCli } from '../testing/run-cli.ts';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const sample = sharedData('cifar10-sample');
const skip = sharedDataSkip('cifar10-sample');
let dir: string;
let floatModel: string;

const cli = (args: string[]) => runCli(['quantize', ...args]);

/** Class scores from seeded 1×1 projections of the colours, averaged: predictions that vary with the image. */
function colourClassifier(): tf.LayersModel {
  const input = tf.input({ shape: [32, 32, 3] });
  const conv = tf.layers.conv2d({ filters: 10, kernelSize: 1, kernelInitializer: tf.initializers.randomNormal({ seed: 5, stddev: 3 }) }).apply(input) as tf.SymbolicTensor;
  const gap = tf.layers.globalAveragePooling2d({}).apply(conv) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: tf.layers.activation({ activation: 'softmax', name: 'probabilities' }).apply(gap) as tf.SymbolicTensor });
}

async function pngFolder(folder: string, count: number, colour: (i: number) => [number, number, number]): Promise<string> {
  await mkdir(folder, { recursive: true });
  for (let i = 0; i < count; i++) {
    const [r, g, b] = colour(i);
    await sharp({ create: { width: 32, height: 32, channels: 3, background: { r, g, b } } }).png().toFile(join(folder, `${String(i).padStart(3, '0')}.png`));
  }
  return folder;
}

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'onnx-edge-cli-quantize-'));
  await useVerificationBackend();
  const model = colourClassifier();
  floatModel = join(dir, 'float.onnx');
  await writeFile(floatModel, exportModel(model, { contract: { dataset: 'cifar10' } }).bytes);
  model.dispose();
});
after(() => rm(dir, { recursive: true, force: true }));

async function outputs(): Promise<string[]> {
  return (await readdir(dir)).filter((f) => f.startsWith('out'));
}

test('--int8 with --verify-data: one JSON report on stdout, the file written with its quantization recorded', { skip }, async () => {
  const out = join(dir, 'out-int8.onnx');
  const result = await cli([floatModel, '-o', out, '--int8', '--calibration', sample, '--calibration-count', '64', '--method', 'entropy', '--verify-data', sample, '--verify-count', '100']);
  assert.equal(result.status, 0, result.stderr);
  const report = JSON.parse(result.stdout);
  assert.equal(report.count, 100);
  assert.ok(report.accuracyDrop <= 1, JSON.stringify(report));
  assert.match(result.stderr, /calibrating 64\/64 images/);
  assert.match(result.stderr, /wrote .*out-int8\.onnx \(int8, .* MB, .*x smaller than .*, entropy calibration on 64 CIFAR-10 images from /);
  const record = JSON.parse(readOnnxMetadata(await readFile(out))[METADATA_KEYS.quantization]!);
  assert.equal(record.method, 'entropy');
  assert.equal(record.calibrationCount, 64);
  assert.deepEqual(record.verification, report);
  await rm(out);
});

test('--fp16: written without calibration; int8-only flags are usage errors', async () => {
  const out = join(dir, 'out-fp16.onnx');
  const result = await cli([floatModel, '-o', out, '--fp16']);
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout, '');
  assert.equal(JSON.parse(readOnnxMetadata(await readFile(out))[METADATA_KEYS.quantization]!).precision, 'fp16');
  await rm(out);
  const usage = await cli([floatModel, '-o', out, '--fp16', '--method', 'entropy']);
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /--method applies to int8; fp16 needs no calibration/);
  assert.equal((await cli([floatModel, '-o', out, '--int8'])).status, 2);
  assert.equal((await cli([floatModel, '-o', out, '--int8', '--fp16'])).status, 2);
});

test('bad input: one line, exit 1, no output file', { skip }, async () => {
  const out = join(dir, 'out.onnx');
  const quantized = join(dir, 'quantized.onnx');
  assert.equal((await cli([floatModel, '-o', quantized, '--fp16'])).status, 0);

  const image = { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimParam: 'N' }, { dimValue: 3 }, { dimValue: 32 }, { dimValue: 32 }] } };
  const noConv = join(dir, 'relu.onnx');
  await writeFile(noConv, onnx.ModelProto.encode({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }],
    graph: {
      name: 'relu',
      node: [{ opType: 'Relu', input: ['input'], output: ['probabilities'], name: 'relu' }],
      input: [{ name: 'input', type: { tensorType: image } }],
      output: [{ name: 'probabilities', type: { tensorType: image } }],
    },
  }).finish());

  const features = tf.input({ shape: [16] });
  const dense = tf.model({ inputs: features, outputs: tf.layers.dense({ units: 4 }).apply(features) as tf.SymbolicTensor });
  const tensorModel = join(dir, 'tensor.onnx');
  await writeFile(tensorModel, exportModel(dense).bytes);
  dense.dispose();

  const empty = join(dir, 'empty');
  await mkdir(empty);
  const cases: [string[], RegExp][] = [
    [[quantized, '--int8', '--calibration', sample], /QuantizeError: the model is already in float16/],
    [[noConv, '--int8', '--calibration', sample], /QuantizeError: the model .* has no Conv, Gemm or MatMul/],
    [[tensorModel, '--int8', '--calibration', sample], /QuantizeError: the model's contract says its input is a tensor \(not an image\)/],
    [[floatModel, '--int8', '--calibration', empty], /QuantizeError: .*empty holds no images/],
    [[join(dir, 'absent.onnx'), '--fp16'], /QuantizeError: cannot read .*absent\.onnx: ENOENT/],
    [[join(root, 'package.json'), '--fp16'], /OnnxImportError: not an ONNX model/],
  ];
  for (const [args, pattern] of cases) {
    const result = await cli([...args, '-o', out]);
    assert.equal(result.status, 1, `${args.join(' ')}: ${result.stderr}`);
    const lines = result.stderr.trim().split('\n').filter((l) => !l.startsWith('calibrating'));
    assert.equal(lines.length, 1, result.stderr);
    assert.match(lines[0]!, new RegExp(`^onnx-edge quantize: ${pattern.source}`));
  }
  assert.deepEqual(await outputs(), []);
});

test('an accuracy drop beyond --max-accuracy-drop prints the numbers and fails; nothing is written', async () => {
  const random = seededRandom(8);
  // Calibrated on one black image, the int8 model sees every input pixel as 0 or 1: its answers change.
  const black = await pngFolder(join(dir, 'black'), 1, () => [0, 0, 0]);
  const colours = await pngFolder(join(dir, 'colours'), 40, () => [0, 1, 2].map(() => Math.floor(random() * 256)) as [number, number, number]);
  const out = join(dir, 'out-dropped.onnx');
  const result = await cli([floatModel, '-o', out, '--int8', '--calibration', black, '--verify-data', colours, '--max-accuracy-drop', '0']);
  assert.equal(result.status, 1, result.stderr);
  const report = JSON.parse(result.stdout);
  assert.equal(report.count, 40);
  assert.equal(report.floatAccuracy, undefined, 'an unlabelled folder has no accuracy');
  assert.ok(report.top1Agreement < 1);
  const lines = result.stderr.trim().split('\n').filter((l) => !l.startsWith('calibrating'));
  assert.deepEqual(lines.length, 1, result.stderr);
  assert.match(lines[0]!, /^onnx-edge quantize: QuantizeError: the int8 model changes the top class of .*% of 40 images from .*colours \(unlabelled: that bounds the accuracy drop\), more than --max-accuracy-drop 0; try --method/);
  assert.deepEqual(await outputs(), []);
});
