// int8 and fp16 end to end on a small classifier with every op class of the int8 plan, trained briefly on real
// CIFAR-10: quantized (int8 calibrated on real images), checked by the official checker, run (and for int8
// fused) by onnxruntime, compared with the float original.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { loadCifar, registerWasmTrainingKernels, toNHWCFloat } from '@onnx-edge/train';
import { sharedData, sharedDataSkip } from '@onnx-edge/core/testing';
import { METADATA_KEYS, readOnnxMetadata } from '@onnx-edge/core';
import { importModel } from '../onnx/import.ts';
import { checkModel } from '../../testing/checker.ts';
import { ortOptimizedOps, trainedSmallClassifierOnnx } from '../../testing/quantize-fixtures.ts';
import { useVerificationBackend } from '../verify/backend.ts';
import { compareWithFloat } from './compare.ts';
import { openImages } from './images.ts';
import { imageInputOf } from './model-input.ts';
import { quantizeModel, type Int8Options } from './quantize.ts';
import { FLOAT32_OPS } from './convert-fp16.ts';

const sample = sharedData('cifar10-sample');
const skip = sharedDataSkip('cifar10-sample');
const CIFAR_LABELS = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];

let floatBytes: Uint8Array;
before(async () => {
  if (skip) return;
  await useVerificationBackend();
  registerWasmTrainingKernels();
  // Trained on the sample's last 2,000 images; calibration and comparison use its first ones.
  const dataset = await loadCifar(sample);
  floatBytes = await trainedSmallClassifierOnnx(toNHWCFloat(dataset, 8000, 2000), dataset.labels.subarray(8000, 10000));
});

async function int8(options: Partial<Int8Options> = {}): Promise<Uint8Array> {
  return (await quantizeModel(floatBytes, { precision: 'int8', calibration: sample, calibrationCount: 64, ...options })).serialize();
}

async function agreement(bytes: Uint8Array) {
  const { graph, metadata } = importModel(floatBytes);
  const input = imageInputOf(graph, Object.fromEntries(metadata));
  return compareWithFloat(floatBytes, bytes, input, await openImages(sample, { limit: 300, labels: CIFAR_LABELS }));
}

test('int8: every Conv, the Gemm and the ops between become integer kernels in onnxruntime; the checker accepts the file', { skip }, async () => {
  const bytes = await int8();
  checkModel(bytes);
  const floatOps = importModel(floatBytes).graph.countOps();
  const ops = await ortOptimizedOps(bytes);
  assert.equal(ops.QLinearConv, floatOps.Conv, JSON.stringify(ops));
  for (const fused of ['QGemm', 'QLinearConcat', 'QLinearAdd', 'QLinearGlobalAveragePool']) assert.equal(ops[fused], 1, `${fused} in ${JSON.stringify(ops)}`);
  for (const float of ['Conv', 'Gemm', 'Concat', 'Add', 'GlobalAveragePool', 'Relu']) assert.equal(ops[float], undefined, `float ${float} left in ${JSON.stringify(ops)}`);
  // One QuantizeLinear at the float input; the QGemm hands float logits to the Softmax: nothing else floats.
  assert.equal(ops.QuantizeLinear, 1);
  assert.equal(ops.DequantizeLinear, undefined);
  const report = await agreement(bytes);
  assert.ok(report.top1Agreement >= 0.95, `top-1 agreement ${report.top1Agreement}`);
  assert.ok(report.maxAbsDiff < 0.1, `max |Δp| ${report.maxAbsDiff}`);
  assert.ok(report.accuracyDrop !== undefined && Math.abs(report.accuracyDrop) < 3, `accuracy drop ${report.accuracyDrop} points`);
});

test('int8: the metadata contract is kept and the quantization recorded (method, count, hash of the pixels)', { skip }, async () => {
  const bytes = await int8({ method: 'percentile', calibrationCount: 40 });
  const before = readOnnxMetadata(floatBytes);
  const after = readOnnxMetadata(bytes);
  for (const key of [METADATA_KEYS.labels, METADATA_KEYS.inputLayout, METADATA_KEYS.inputScale, METADATA_KEYS.inputColor, METADATA_KEYS.sourceModelSha256, METADATA_KEYS.dataset]) {
    assert.equal(after[key], before[key], key);
  }
  const record = JSON.parse(after[METADATA_KEYS.quantization]!);
  assert.equal(record.precision, 'int8');
  assert.equal(record.method, 'percentile');
  assert.equal(record.calibrationCount, 40);
  assert.equal(record.floatModelSha256, createHash('sha256').update(floatBytes).digest('hex'));
  // Independent: the first 40 records of the sample's first file, each planar image re-interleaved to RGB.
  const records = (await readFile(join(sample, 'sample_batch_000.bin'))).subarray(0, 40 * 3073);
  const hash = createHash('sha256');
  for (let r = 0; r < 40; r++) {
    const planes = records.subarray(r * 3073 + 1, (r + 1) * 3073);
    hash.update(Uint8Array.from({ length: 3072 }, (_, i) => planes[(i % 3) * 1024 + Math.floor(i / 3)]!));
  }
  assert.equal(record.calibrationSha256, hash.digest('hex'));
});

/** The initializer a weighted node's weight input dequantizes, or undefined when the weight is float. */
function weightScales(bytes: Uint8Array, opType: string) {
  const { graph } = importModel(bytes);
  return graph.nodes.filter((n) => n.opType === opType).map((n) => {
    const dq = n.inputs[1]!.producer;
    return dq?.opType === 'DequantizeLinear' ? { quantized: dq.inputs[0]!.constant!, scale: dq.inputs[1]!.constant!, axis: dq.attr('axis')?.value } : undefined;
  });
}

test('int8: per-channel weights carry one scale per output channel (Conv axis 0, Gemm [in,out] axis 1); per-tensor one', { skip }, async () => {
  const perChannel = await int8();
  for (const w of weightScales(perChannel, 'Conv')) {
    assert.equal(w!.quantized.dtype, 'int8');
    assert.deepEqual(w!.scale.shape, [w!.quantized.shape[0]]);
    assert.equal(w!.axis, 0);
  }
  const [gemm] = weightScales(perChannel, 'Gemm');
  assert.deepEqual(gemm!.scale.shape, [10]);
  assert.equal(gemm!.axis, 1);
  const perTensor = await int8({ perChannel: false });
  for (const w of [...weightScales(perTensor, 'Conv'), ...weightScales(perTensor, 'Gemm')]) {
    assert.deepEqual(w!.scale.shape, []);
    assert.equal(w!.axis, undefined);
  }
  checkModel(perTensor);
  assert.ok((await agreement(perTensor)).top1Agreement >= 0.9);
});

test('int8: bias correction gives every Conv and Gemm an int32 bias (a bias-free Conv one of its own); it can be turned off', { skip }, async () => {
  const biases = (bytes: Uint8Array) => importModel(bytes).graph.nodes.filter((n) => n.opType === 'Conv' || n.opType === 'Gemm').map((n) => n.inputs[2]?.producer?.inputs[0]!.constant?.dtype);
  const corrected = await int8();
  assert.deepEqual(biases(corrected), biases(corrected).map(() => 'int32'));
  assert.equal(JSON.parse(readOnnxMetadata(corrected)[METADATA_KEYS.quantization]!).biasCorrection, true);
  const plain = await int8({ biasCorrection: false });
  assert.equal(biases(plain).filter((b) => b === undefined).length, 1, 'the shortcut Conv has no bias');
  assert.equal(JSON.parse(readOnnxMetadata(plain)[METADATA_KEYS.quantization]!).biasCorrection, false);
  checkModel(plain);
});

test('int8: the first and last weighted layers can stay float', { skip }, async () => {
  const bytes = await int8({ keepFloat: { first: true, last: true }, method: 'entropy' });
  const convs = weightScales(bytes, 'Conv');
  assert.equal(convs[0], undefined, 'the first Conv keeps float weights');
  assert.ok(convs.slice(1).every(Boolean));
  assert.deepEqual(weightScales(bytes, 'Gemm'), [undefined]);
  const record = JSON.parse(readOnnxMetadata(bytes)[METADATA_KEYS.quantization]!);
  assert.equal(record.keptFloat.length, 2);
  checkModel(bytes);
  const ops = await ortOptimizedOps(bytes);
  assert.equal(ops.QLinearConv, convs.length - 1);
  assert.ok((await agreement(bytes)).top1Agreement >= 0.95);
});

test('fp16: weights and activations in float16, float32 inputs and outputs, Softmax kept in float32; onnxruntime agrees', { skip }, async () => {
  const result = await quantizeModel(floatBytes, { precision: 'fp16' });
  assert.deepEqual(result.warnings, []);
  const bytes = result.serialize();
  checkModel(bytes);
  const { graph } = importModel(bytes);
  const float = importModel(floatBytes).graph;
  assert.deepEqual(graph.inputs.map((v) => [v.name, v.dtype, v.shape]), float.inputs.map((v) => [v.name, 'float32', v.shape]));
  assert.deepEqual(graph.outputs.map((v) => [v.name, v.dtype, v.shape]), float.outputs.map((v) => [v.name, 'float32', v.shape]));
  for (const node of graph.nodes.filter((n) => n.opType === 'Conv' || n.opType === 'Gemm')) {
    assert.deepEqual(node.inputs.map((v) => v.dtype), node.inputs.map(() => 'float16'), node.name);
  }
  const softmax = graph.nodes.find((n) => n.opType === 'Softmax')!;
  assert.ok(FLOAT32_OPS.Softmax);
  assert.equal(softmax.inputs[0]!.dtype, 'float32');
  assert.equal(softmax.inputs[0]!.producer!.opType, 'Cast');
  // The one Cast to float16 follows the input; the only float32 op is the Softmax.
  assert.deepEqual(graph.nodes.filter((n) => n.opType === 'Cast').map((n) => n.attr('to')!.value).sort(), [1, 10]);
  const record = JSON.parse(readOnnxMetadata(bytes)[METADATA_KEYS.quantization]!);
  assert.equal(record.precision, 'fp16');
  assert.deepEqual(record.keptFloat, [softmax.name]);
  assert.ok(bytes.length < floatBytes.length * 0.7, `${bytes.length} bytes against ${floatBytes.length}`);
  const report = await agreement(bytes);
  assert.ok(report.top1Agreement >= 0.99, `top-1 agreement ${report.top1Agreement}`);
  assert.ok(report.maxAbsDiff < 5e-3, `max |Δp| ${report.maxAbsDiff}`);
});

test('fp16: the first weighted layer can stay float32 (it reads the raw pixels)', { skip }, async () => {
  const bytes = (await quantizeModel(floatBytes, { precision: 'fp16', keepFloat: { first: true, last: false } })).serialize();
  checkModel(bytes);
  const { graph } = importModel(bytes);
  const [first, ...rest] = graph.nodes.filter((n) => n.opType === 'Conv');
  assert.deepEqual(first!.inputs.map((v) => v.dtype), first!.inputs.map(() => 'float32'));
  assert.ok(rest.every((conv) => conv.inputs.every((v) => v.dtype === 'float16')));
  assert.ok(JSON.parse(readOnnxMetadata(bytes)[METADATA_KEYS.quantization]!).keptFloat.includes(first!.name));
  assert.ok((await agreement(bytes)).top1Agreement >= 0.99);
});
