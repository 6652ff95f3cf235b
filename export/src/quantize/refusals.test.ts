// What the quantizer refuses, each in one line naming the thing: a model quantized already (int8 or fp16), a
// model with nothing to quantize, data that does not fit the model's input, no images, weights beyond float16.
import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { sharedData, sharedDataSkip, withTempDir } from '@onnx-edge/core/testing';
import { exportModel, PRODUCER_VERSION } from '../export.ts';
import { Graph } from '../ir/graph.ts';
import { importModel } from '../onnx/import.ts';
import { serializeModel } from '../onnx/serialize.ts';
import { smallClassifierOnnx } from '../../testing/quantize-fixtures.ts';
import { useVerificationBackend } from '../verify/backend.ts';
import { fromFloat16Bits } from './arithmetic.ts';
import { QuantizeError } from './errors.ts';
import { compareWithFloat } from './compare.ts';
import { openImages } from './images.ts';
import { imageInputOfModel } from './model-input.ts';
import { quantizeModel, type QuantizeOptions } from './quantize.ts';

const sample = sharedData('cifar10-sample');
const skip = sharedDataSkip('cifar10-sample');

let floatBytes: Uint8Array;
before(async () => {
  await useVerificationBackend();
  floatBytes = smallClassifierOnnx(2);
});

const int8 = (calibration: string): QuantizeOptions => ({ precision: 'int8', calibration, calibrationCount: 8 });

async function refuses(bytes: Uint8Array, options: QuantizeOptions, pattern: RegExp): Promise<void> {
  await assert.rejects(quantizeModel(bytes, options), (e: unknown) => {
    assert.ok(e instanceof QuantizeError, `${(e as Error).name}: ${(e as Error).message}`);
    assert.match(e.message, pattern);
    assert.ok(!e.message.includes('\n'), 'one line');
    return true;
  });
}

test('a model quantized already is refused, int8 or fp16, whichever is asked', { skip }, async () => {
  const quantized = (await quantizeModel(floatBytes, int8(sample))).serialize();
  await refuses(quantized, int8(sample), /already quantized \(node '.+' is a (Quantize|Dequantize)Linear\); quantize its float original/);
  await refuses(quantized, { precision: 'fp16' }, /already quantized/);
  const half = (await quantizeModel(floatBytes, { precision: 'fp16' })).serialize();
  await refuses(half, int8(sample), /already in float16 \(tensor '.+'\); quantize its float32 original/);
  await refuses(half, { precision: 'fp16' }, /already in float16/);
});

test('a model without Conv, Gemm or MatMul has nothing to quantize', async () => {
  const graph = new Graph('relu');
  const x = graph.addInput('input', 'float32', ['N', 3, 32, 32]);
  const relu = graph.addNode('Relu', [x]);
  relu.outputs[0]!.shape = ['N', 3, 32, 32];
  graph.markOutput(relu.outputs[0]!, 'probabilities');
  const bytes = serializeModel(graph, { opset: 17, producerVersion: PRODUCER_VERSION, metadata: [] });
  await refuses(bytes, int8(sample), /has no Conv, Gemm or MatMul: nothing that quantization speeds up or shrinks/);
  await refuses(bytes, { precision: 'fp16' }, /has no Conv, Gemm or MatMul/);
});

test('images do not fit a model whose input is not an image: refused before anything runs', async () => {
  const input = tf.input({ shape: [16] });
  const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 4 }).apply(input) as tf.SymbolicTensor });
  const { bytes } = exportModel(model);
  model.dispose();
  await refuses(bytes, int8(sample), /the model's contract says its input is a tensor \(not an image\): calibration and verification feed it images/);
});

test('a grayscale 28×28 model takes the CIFAR-10 images through its own contract (resized, luma)', { skip }, async () => {
  const input = tf.input({ shape: [28, 28, 1] });
  const conv = tf.layers.conv2d({ filters: 2, kernelSize: 3, activation: 'relu' }).apply(input) as tf.SymbolicTensor;
  const pooled = tf.layers.globalAveragePooling2d({}).apply(conv) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 3, activation: 'softmax' }).apply(pooled) as tf.SymbolicTensor });
  const { bytes } = exportModel(model);
  model.dispose();
  const result = await quantizeModel(bytes, int8(sample));
  assert.equal(result.record.calibrationCount, 8);
  const images = await openImages(sample, { limit: 8, labels: [] });
  const report = await compareWithFloat(bytes, result.serialize(), imageInputOfModel(bytes), images);
  assert.equal(report.count, 8);
  assert.ok(report.maxAbsDiff < 0.1, `max |Δp| ${report.maxAbsDiff}`);
});

test('no images: an empty folder, a folder of other files, a path that does not exist', async () => {
  await withTempDir('quantize-empty-', async (dir) => {
    await refuses(floatBytes, int8(dir), /holds no images/);
    await mkdir(join(dir, 'cat'));
    await writeFile(join(dir, 'cat', 'notes.txt'), 'not an image');
    await refuses(floatBytes, int8(dir), /holds no images \(CIFAR-10 \*\.bin records or PNG\/JPEG\/WebP files\)/);
    await refuses(floatBytes, int8(join(dir, 'missing')), /does not exist/);
  });
});

test('fp16: weights beyond ±65504 are clamped, with one warning line naming the tensor', async () => {
  const input = tf.input({ shape: [32, 32, 3] });
  const layer = tf.layers.conv2d({ filters: 2, kernelSize: 1, name: 'huge' });
  const model = tf.model({ inputs: input, outputs: layer.apply(input) as tf.SymbolicTensor });
  layer.setWeights([tf.tensor4d([1e6, 1, -7e4, 2, 3, 4], [1, 1, 3, 2]), tf.zeros([2])]);
  const { bytes } = exportModel(model);
  model.dispose();
  const result = await quantizeModel(bytes, { precision: 'fp16' });
  assert.equal(result.warnings.length, 1);
  assert.match(result.warnings[0]!, /^fp16: 2 values of tensor '.*huge.*' beyond ±65504 clamped to ±65504$/);
  const weight = importModel(result.serialize()).graph.constants.find((c) => c.dtype === 'float16' && c.constant!.shape.length === 4)!;
  assert.deepEqual([...weight.constant!.data as Uint16Array].map(fromFloat16Bits).sort((a, b) => a - b), [-65504, 1, 2, 3, 4, 65504]);
});
