// Every training kernel the project registers for wasm must give the cpu backend's own gradient (tfjs'
// reference implementation) on random shapes: kernel 1/3/5, strides 1–3, 'same' and 'valid', odd sizes.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { assertMatchesCpu, convCases, convGradients, describeConv, randomArrays } from '../../testing/gradient-parity.ts';
import { registerWasmTrainingKernels } from './register.ts';

const MAX_RELATIVE_ERROR = 1e-5;

before(async () => {
  tf.env().set('IS_TEST', true); // silences tfjs' "install tfjs-node" banner
  assert.equal(await tf.setBackend('cpu'), true, 'cpu backend failed to start');
  assert.equal(await tf.setBackend('wasm'), true, 'wasm backend failed to start');
  registerWasmTrainingKernels();
});

function assertSameGradients(label: string, compute: () => tf.Tensor[]): void {
  assertMatchesCpu(label, compute, MAX_RELATIVE_ERROR);
}

test('Conv2DBackpropFilter and Conv2DBackpropInput match the cpu gradient', () => {
  let cases = 0;
  for (const c of convCases([1, 3, 5], [1, 2, 3])) {
    const { x, filter } = randomArrays(c, cases + 1);
    assertSameGradients(describeConv(c), () => convGradients(c, x, filter));
    cases++;
  }
  assert.equal(cases, 18);
});

test('BatchNorm training gradients (moments + batchNorm) match the cpu gradient', () => {
  for (const shape of [[4, 5, 7, 3], [2, 9, 9, 16], [3, 1, 1, 10]] as [number, number, number, number][]) {
    const channels = shape[3];
    const x = tf.tidy(() => tf.randomNormal(shape, 0.5, 2, 'float32', 7)).arraySync();
    const gamma = tf.tidy(() => tf.randomUniform([channels], 0.5, 1.5, 'float32', 8)).arraySync();
    const beta = tf.tidy(() => tf.randomNormal([channels], 0, 1, 'float32', 9)).arraySync();
    assertSameGradients(`batchNorm ${shape}`, () => {
      const lossGrads = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        const { mean, variance } = tf.moments(a, [0, 1, 2]);
        const y = tf.batchNorm(a, mean, variance, b as tf.Tensor1D, g as tf.Tensor1D, 1e-3);
        return tf.sum(tf.mul(y, tf.cos(tf.range(0, y.size).reshape(y.shape))));
      });
      return lossGrads([tf.tensor(x), tf.tensor(gamma), tf.tensor(beta)]);
    });
  }
});

test('Mean gradient (global average pooling) matches the cpu gradient', () => {
  const x = tf.tidy(() => tf.randomNormal([3, 5, 6, 7], 0, 1, 'float32', 3)).arraySync();
  assertSameGradients('mean over [1,2]', () => {
    const grad = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.mean(a, [1, 2]), tf.range(1, 22).reshape([3, 7]))));
    return [grad(tf.tensor(x))];
  });
});

test('MaxPoolGrad matches the cpu gradient, ties included (ReLU zeros)', () => {
  let cases = 0;
  for (const filter of [2, 3]) {
    for (const stride of [1, 2, 3]) {
      for (const padding of ['same', 'valid'] as const) {
        const shape: [number, number, number, number] = [2, 5 + cases % 4, 6 + (cases % 3), 3 + (cases % 5)];
        const x = tf.tidy(() => tf.relu(tf.randomNormal(shape, 0, 1, 'float32', 20 + cases))).arraySync();
        assertSameGradients(`maxPool f${filter} s${stride} ${padding} [${shape}]`, () => {
          const grad = tf.grad((a: tf.Tensor) => {
            const y = tf.maxPool(a as tf.Tensor4D, filter, stride, padding);
            return tf.sum(tf.mul(y, tf.add(tf.range(0, y.size).reshape(y.shape), 1)));
          });
          return [grad(tf.tensor(x))];
        });
        cases++;
      }
    }
  }
  // A window of -∞ only has no maximum to pass the gradient to (tfjs' cpu kernel starts from -∞ with '>').
  const blocked = [[[[Number.NEGATIVE_INFINITY], [Number.NEGATIVE_INFINITY]], [[Number.NEGATIVE_INFINITY], [Number.NEGATIVE_INFINITY]], [[1], [2]]]];
  assertSameGradients('maxPool over a window of -Infinity', () => [tf.grad((a: tf.Tensor) => tf.sum(tf.maxPool(a as tf.Tensor4D, 2, 1, 'valid')))(tf.tensor4d(blocked))]);
});
