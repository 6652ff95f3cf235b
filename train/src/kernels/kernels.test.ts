// Every training kernel the project registers for wasm must give the cpu backend's own gradient (tfjs'
// reference implementation) on random shapes: kernel 1/3/5, strides 1–3, 'same' and 'valid', odd sizes.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { registerWasmTrainingKernels } from './register.ts';

const MAX_RELATIVE_ERROR = 1e-5;

before(async () => {
  tf.env().set('IS_TEST', true); // silences tfjs' "install tfjs-node" banner
  assert.equal(await tf.setBackend('cpu'), true, 'cpu backend failed to start');
  assert.equal(await tf.setBackend('wasm'), true, 'wasm backend failed to start');
  registerWasmTrainingKernels();
});

/** Runs `compute` on a backend and returns its results as plain arrays (tensors created on that backend). */
function onBackend(backend: string, compute: () => tf.Tensor[]): Float32Array[] {
  void tf.setBackend(backend); // both backends are initialised in before(), so the switch is synchronous
  assert.equal(tf.getBackend(), backend);
  return tf.tidy(() => compute().map((t) => t.dataSync() as Float32Array));
}

/** max |a − b| / max |a|: the error relative to the reference gradient's scale. */
function relativeError(reference: Float32Array, actual: Float32Array): number {
  assert.equal(actual.length, reference.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < reference.length; i++) {
    diff = Math.max(diff, Math.abs(reference[i] - actual[i]));
    scale = Math.max(scale, Math.abs(reference[i]));
  }
  assert.ok(scale > 0, 'reference gradient is all zeros: the case tests nothing');
  return diff / scale;
}

function assertSameGradients(label: string, compute: () => tf.Tensor[]): void {
  const reference = onBackend('cpu', compute);
  const actual = onBackend('wasm', compute);
  reference.forEach((ref, i) => {
    const err = relativeError(ref, actual[i]);
    assert.ok(err <= MAX_RELATIVE_ERROR, `${label}, gradient ${i}: relative error ${err.toExponential(2)} > ${MAX_RELATIVE_ERROR}`);
  });
}

/** Deterministic pseudo-random shapes: a small LCG so every run checks the same cases. */
function* convCases() {
  let state = 12345;
  const pick = (n: number) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % n;
  };
  for (const kernel of [1, 3, 5]) {
    for (const stride of [1, 2, 3]) {
      for (const padding of ['same', 'valid'] as const) {
        const height = kernel + 2 + pick(8); // odd and even sizes, always ≥ the kernel
        const width = kernel + 1 + pick(9);
        yield { kernel, stride, padding, batch: 1 + pick(3), height, width, inChannels: 1 + pick(5), outChannels: 1 + pick(6) };
      }
    }
  }
}

test('Conv2DBackpropFilter and Conv2DBackpropInput match the cpu gradient', () => {
  let cases = 0;
  for (const c of convCases()) {
    const x = tf.tidy(() => tf.randomNormal([c.batch, c.height, c.width, c.inChannels], 0, 1, 'float32', cases + 1)).arraySync();
    const filter = tf.tidy(() => tf.randomNormal([c.kernel, c.kernel, c.inChannels, c.outChannels], 0, 1, 'float32', cases + 100)).arraySync();
    const label = `k${c.kernel} s${c.stride} ${c.padding} x[${c.batch},${c.height},${c.width},${c.inChannels}] → ${c.outChannels}`;
    assertSameGradients(label, () => {
      const lossGrads = tf.grads((a: tf.Tensor, b: tf.Tensor) => {
        const y = tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.padding);
        return tf.sum(tf.mul(y, tf.sin(tf.range(0, y.size).reshape(y.shape))));
      });
      return lossGrads([tf.tensor(x), tf.tensor(filter)]);
    });
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
});
