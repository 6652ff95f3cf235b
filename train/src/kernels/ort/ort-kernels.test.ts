// The onnxruntime kernels must give what tfjs' cpu backend (the reference implementation) gives: convolution
// gradients on odd shapes (kernel 1/3/5, stride 1–2, 'same' and 'valid'), the forward convolution with each
// fused bias/activation and with dilation, matrix products with every transpose, batched or not, and
// reductions over every set of axes. The size thresholds
// are lowered to 0 so that these small shapes run on onnxruntime; one test checks that with the thresholds
// above them they stay on the kernels that were replaced.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { assertMatchesCpu, convCases, convGradients, describeConv, randomArrays, type ConvCase } from '../../../testing/gradient-parity.ts';
import { registerWasmTrainingKernels } from '../register.ts';
import { activateOrtKernels, type OrtKernels } from './activate.ts';
import { convGeometry, formulationOf } from './conv-kernels.ts';
import { startNativeRuntime, type NativeRuntime } from './native-runtime.ts';

const MAX_RELATIVE_ERROR = 1e-5;
let runtime: NativeRuntime;
let kernels: OrtKernels | null = null;

function useKernels(threshold: number): OrtKernels {
  kernels?.release();
  kernels = activateOrtKernels(runtime, { minFlops: threshold, minElements: threshold });
  return kernels;
}

before(async () => {
  tf.env().set('IS_TEST', true);
  assert.equal(await tf.setBackend('cpu'), true, 'cpu backend failed to start');
  assert.equal(await tf.setBackend('wasm'), true, 'wasm backend failed to start');
  registerWasmTrainingKernels();
  const started = startNativeRuntime(2);
  assert.ok(started.ok, started.ok ? '' : started.why);
  runtime = started.runtime;
});

after(() => kernels?.release());

test('convolution gradients on onnxruntime match the cpu gradient (kernel 1/3/5, stride 1-2, same/valid)', () => {
  const { sessions } = useKernels(0);
  let cases = 0;
  for (const c of convCases([1, 3, 5], [1, 2])) {
    const { x, filter } = randomArrays(c, cases + 1);
    const before = sessions.size;
    assertMatchesCpu(describeConv(c), () => convGradients(c, x, filter), MAX_RELATIVE_ERROR);
    assert.ok(sessions.size > before, `${describeConv(c)}: no onnxruntime session was made`);
    cases++;
  }
  assert.equal(cases, 12);
});

test('each formulation (Conv, patches, 1×1 products) gives the cpu gradient, strides 1-2, same/valid', () => {
  useKernels(0);
  const cases: (ConvCase & { formulation: string })[] = [
    { formulation: 'patches', kernel: 3, stride: 1, padding: 'same', batch: 2, height: 3, width: 4, inChannels: 3, outChannels: 49 },
    { formulation: 'patches', kernel: 3, stride: 2, padding: 'same', batch: 3, height: 4, width: 3, inChannels: 5, outChannels: 17 },
    { formulation: 'patches', kernel: 5, stride: 1, padding: 'valid', batch: 2, height: 6, width: 7, inChannels: 2, outChannels: 25 },
    { formulation: 'patches', kernel: 3, stride: 2, padding: 'valid', batch: 2, height: 7, width: 6, inChannels: 4, outChannels: 24 },
    { formulation: 'conv', kernel: 3, stride: 2, padding: 'same', batch: 2, height: 9, width: 8, inChannels: 3, outChannels: 4 },
    { formulation: 'conv', kernel: 5, stride: 1, padding: 'valid', batch: 1, height: 9, width: 10, inChannels: 2, outChannels: 3 },
    { formulation: 'pointwise', kernel: 1, stride: 2, padding: 'same', batch: 2, height: 7, width: 6, inChannels: 5, outChannels: 9 },
    { formulation: 'pointwise', kernel: 1, stride: 1, padding: 'valid', batch: 2, height: 3, width: 5, inChannels: 4, outChannels: 3 },
  ];
  cases.forEach((c, i) => {
    const info = tf.backend_util.computeConv2DInfo([c.batch, c.height, c.width, c.inChannels], [c.kernel, c.kernel, c.inChannels, c.outChannels], c.stride, 1, c.padding);
    assert.equal(formulationOf(convGeometry(info)).name, c.formulation, describeConv(c));
    const { x, filter } = randomArrays(c, 40 + i);
    assertMatchesCpu(`${c.formulation}: ${describeConv(c)}`, () => convGradients(c, x, filter), MAX_RELATIVE_ERROR);
    assertMatchesCpu(`${c.formulation} forward: ${describeConv(c)}`, () => [tf.conv2d(tf.tensor4d(x), tf.tensor4d(filter), c.stride, c.padding)], MAX_RELATIVE_ERROR);
  });
});

test('the forward convolution on onnxruntime matches cpu with each fused bias and activation, and with dilation', () => {
  useKernels(0);
  const x = tf.tidy(() => tf.randomNormal([2, 9, 7, 5], 0, 1, 'float32', 3).arraySync()) as number[][][][];
  const filter = tf.tidy(() => tf.randomNormal([3, 3, 5, 6], 0, 1, 'float32', 4).arraySync()) as number[][][][];
  const pointwise = tf.tidy(() => tf.randomNormal([1, 1, 5, 6], 0, 1, 'float32', 5).arraySync()) as number[][][][];
  const bias = tf.tidy(() => tf.randomNormal([6], 0, 1, 'float32', 6).arraySync()) as number[];
  for (const activation of ['linear', 'relu', 'relu6', 'elu', 'sigmoid', 'leakyrelu'] as const) {
    for (const [name, w, stride] of [['3x3', filter, 1], ['1x1 stride 2', pointwise, 2]] as const) {
      assertMatchesCpu(`${name} + bias + ${activation}`, () => [
        tf.fused.conv2d({ x: tf.tensor4d(x), filter: tf.tensor4d(w), strides: stride, pad: 'same', bias: tf.tensor1d(bias), activation, leakyreluAlpha: 0.3 }),
      ], MAX_RELATIVE_ERROR);
    }
  }
  assertMatchesCpu('3x3 dilation 2, valid', () => [tf.conv2d(tf.tensor4d(x), tf.tensor4d(filter), 1, 'valid', 'NHWC', 2)], MAX_RELATIVE_ERROR);
  const wide = tf.tidy(() => tf.randomNormal([3, 3, 5, 252], 0, 1, 'float32', 8).arraySync()) as number[][][][];
  assertMatchesCpu('3x3 dilation 2 by patches (4 × 63 pixels ≤ 252 channels), same, + bias + relu', () => [
    tf.fused.conv2d({ x: tf.tensor4d(x), filter: tf.tensor4d(wide), strides: 1, pad: 'same', dilations: 2, bias: tf.randomNormal([252], 0, 1, 'float32', 9), activation: 'relu' }),
  ], MAX_RELATIVE_ERROR);
});

test('matrix products on onnxruntime match cpu: transposes, batches, fused bias and activation', () => {
  useKernels(0);
  const a = tf.tidy(() => tf.randomNormal([3, 7, 5], 0, 1, 'float32', 7).arraySync()) as number[][][];
  const b = tf.tidy(() => tf.randomNormal([3, 5, 4], 0, 1, 'float32', 8).arraySync()) as number[][][];
  const shared = tf.tidy(() => tf.randomNormal([1, 5, 4], 0, 1, 'float32', 9).arraySync()) as number[][][];
  for (const [transposeA, transposeB] of [[false, false], [true, false], [false, true], [true, true]]) {
    const at = (t: tf.Tensor3D) => (transposeA ? tf.transpose(t, [0, 2, 1]) : t);
    const bt = (t: tf.Tensor3D) => (transposeB ? tf.transpose(t, [0, 2, 1]) : t);
    assertMatchesCpu(`batched matMul transposeA=${transposeA} transposeB=${transposeB}`, () => [
      tf.matMul(at(tf.tensor3d(a)), bt(tf.tensor3d(b)), transposeA, transposeB),
      tf.matMul(at(tf.tensor3d(a)), bt(tf.tensor3d(shared)), transposeA, transposeB),
    ], MAX_RELATIVE_ERROR);
  }
  const fourDims = tf.tidy(() => tf.randomNormal([2, 3, 7, 5], 0, 1, 'float32', 15).arraySync()) as number[][][][];
  assertMatchesCpu('rank-4 × rank-2 (broadcast)', () => [tf.matMul(tf.tensor4d(fourDims), tf.tensor2d(b[0]!))], MAX_RELATIVE_ERROR);
  const x = tf.tidy(() => tf.randomNormal([6, 5], 0, 1, 'float32', 10).arraySync()) as number[][];
  const w = tf.tidy(() => tf.randomNormal([5, 4], 0, 1, 'float32', 11).arraySync()) as number[][];
  const bias = tf.tidy(() => tf.randomNormal([4], 0, 1, 'float32', 12).arraySync()) as number[];
  assertMatchesCpu('fused matMul + bias + relu', () => [tf.fused.matMul({ a: tf.tensor2d(x), b: tf.tensor2d(w), bias: tf.tensor1d(bias), activation: 'relu' })], MAX_RELATIVE_ERROR);
});

test('a Dense layer\'s gradients on onnxruntime match cpu', () => {
  const { sessions } = useKernels(0);
  const x = tf.tidy(() => tf.randomNormal([6, 5], 0, 1, 'float32', 13).arraySync()) as number[][];
  const w = tf.tidy(() => tf.randomNormal([5, 4], 0, 1, 'float32', 14).arraySync()) as number[][];
  assertMatchesCpu('Dense layer gradients', () => {
    const grads = tf.grads((input: tf.Tensor, kernel: tf.Tensor) => tf.sum(tf.sin(tf.matMul(input as tf.Tensor2D, kernel as tf.Tensor2D))));
    return grads([tf.tensor2d(x), tf.tensor2d(w)]);
  }, MAX_RELATIVE_ERROR);
  assert.ok(sessions.size >= 2, 'the Dense gradient did not run its products on onnxruntime');
});

test('Sum and Mean on onnxruntime match cpu over every set of axes', () => {
  useKernels(0);
  const shape: [number, number, number, number] = [3, 5, 7, 6];
  const x = tf.tidy(() => tf.randomNormal(shape, 0, 1, 'float32', 17).arraySync()) as number[][][][];
  for (const axis of [[0, 1, 2], [1, 2], [0], [3], [0, 2], [0, 1, 2, 3], -1] as (number | number[])[]) {
    for (const keepDims of [false, true]) {
      assertMatchesCpu(`sum/mean axis ${JSON.stringify(axis)} keepDims ${keepDims}`, () => [tf.sum(tf.tensor4d(x), axis, keepDims), tf.mean(tf.tensor4d(x), axis, keepDims)], MAX_RELATIVE_ERROR);
    }
  }
});

test('below the size threshold the kernels that were replaced compute, with the same results', () => {
  const { sessions } = useKernels(Number.POSITIVE_INFINITY);
  const c = { kernel: 3, stride: 2, padding: 'same', batch: 2, height: 7, width: 8, inChannels: 3, outChannels: 4 } as const;
  const { x, filter } = randomArrays(c, 21);
  assertMatchesCpu(describeConv(c), () => convGradients(c, x, filter), MAX_RELATIVE_ERROR);
  assertMatchesCpu('matMul', () => [tf.matMul(tf.tensor2d(x[0]![0]!), tf.tensor2d(filter[0]![0]!))], MAX_RELATIVE_ERROR);
  assertMatchesCpu('sum and mean', () => [tf.sum(tf.tensor4d(x), [0, 1, 2]), tf.mean(tf.tensor4d(x), [1, 2])], MAX_RELATIVE_ERROR);
  assert.equal(sessions.size, 0);
});

test('release puts the replaced kernels back', () => {
  kernels?.release();
  kernels = null;
  const config = tf.getKernel('Conv2D', 'wasm')!.kernelFunc;
  useKernels(0);
  assert.notEqual(tf.getKernel('Conv2D', 'wasm')!.kernelFunc, config);
  kernels!.release();
  kernels = null;
  assert.equal(tf.getKernel('Conv2D', 'wasm')!.kernelFunc, config);
});
