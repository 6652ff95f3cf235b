// The JavaScript kernels every training selection puts over tfjs-backend-wasm's (shared Identity and
// same-dtype Cast, block SplitV) give what tfjs' cpu backend gives, on odd shapes along every axis.
// `release` restores tfjs' own.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { assertMatchesCpu } from '../../testing/gradient-parity.ts';
import { registerWasmTrainingKernels } from './register.ts';
import { selectTrainingKernels, type KernelSelection } from './select.ts';

const EXACT = 0;
let selection: KernelSelection;

before(async () => {
  tf.env().set('IS_TEST', true);
  assert.equal(await tf.setBackend('cpu'), true);
  assert.equal(await tf.setBackend('wasm'), true);
  registerWasmTrainingKernels();
  selection = selectTrainingKernels('wasm', 'wasm', () => {});
});

after(() => selection.release());

const shape: [number, number, number, number] = [3, 5, 7, 6];
const values = () => tf.tidy(() => tf.randomNormal(shape, 0, 1, 'float32', 17).arraySync()) as number[][][][];

test('SplitV along every axis, equal and unequal parts, is exact', () => {
  const x = values();
  for (let axis = 0; axis < 4; axis++) {
    const parts = [1, shape[axis]! - 1];
    assertMatchesCpu(`split axis ${axis} into [${parts}]`, () => tf.split(tf.tensor4d(x), parts, axis), EXACT);
  }
  assertMatchesCpu('split into 3 equal parts (the last axis, 6 channels)', () => tf.split(tf.tensor4d(x), 3, -1), EXACT);
  assertMatchesCpu('split of an int32 tensor', () => tf.split(tf.cast(tf.tensor4d(x), 'int32'), 2, 3).map((t) => tf.cast(t, 'float32')), EXACT);
});

test('Identity and same-dtype Cast share the buffer, and disposing either tensor leaves the other intact', () => {
  const x = tf.tensor1d([1, 2, 3]);
  const y = tf.clone(x);
  const z = tf.cast(x, 'float32');
  x.dispose();
  assert.deepEqual(Array.from(y.dataSync()), [1, 2, 3]);
  assert.deepEqual(Array.from(z.dataSync()), [1, 2, 3]);
  z.dispose();
  assert.deepEqual(Array.from(tf.cast(tf.tensor1d([1.5, -2.5]), 'int32').dataSync()), [1, -2], 'a real cast still converts');
  const gradient = tf.grad((a: tf.Tensor) => tf.sum(tf.add(a, a)))(tf.tensor1d([4, 5]));
  assert.deepEqual(Array.from(gradient.dataSync()), [2, 2]);
  y.dispose();
});

test('release puts tfjs\' own kernels back', () => {
  const mine = tf.getKernel('SplitV', 'wasm')!.kernelFunc;
  selection.release();
  assert.notEqual(tf.getKernel('SplitV', 'wasm')!.kernelFunc, mine);
  selection = selectTrainingKernels('wasm', 'wasm', () => {});
  assert.notEqual(tf.getKernel('SplitV', 'wasm')!.kernelFunc, mine, 'a new selection makes new kernels');
});
