// Compares what a computation gives on the wasm backend (with whatever kernels are registered there) with
// tfjs' cpu backend, the reference implementation, on deterministic odd shapes. Both backends must have been
// initialised (tf.setBackend) before, so that switching between them is synchronous.
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';

/** Runs `compute` on a backend and returns its results as plain arrays (tensors created on that backend). */
export function onBackend(backend: string, compute: () => tf.Tensor[]): Float32Array[] {
  void tf.setBackend(backend);
  assert.equal(tf.getBackend(), backend);
  return tf.tidy(() => compute().map((t) => t.dataSync() as Float32Array));
}

/** max |a − b| / max |a|: the error relative to the reference's scale. */
export function relativeError(reference: Float32Array, actual: Float32Array): number {
  assert.equal(actual.length, reference.length);
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < reference.length; i++) {
    diff = Math.max(diff, Math.abs(reference[i]! - actual[i]!));
    scale = Math.max(scale, Math.abs(reference[i]!));
  }
  assert.ok(scale > 0, 'reference result is all zeros: the case tests nothing');
  return diff / scale;
}

/** Asserts that every result of `compute` on wasm is within `maxRelativeError` of the cpu backend's. */
export function assertMatchesCpu(label: string, compute: () => tf.Tensor[], maxRelativeError: number): void {
  const reference = onBackend('cpu', compute);
  const actual = onBackend('wasm', compute);
  reference.forEach((ref, i) => {
    const err = relativeError(ref, actual[i]!);
    assert.ok(err <= maxRelativeError, `${label}, result ${i}: relative error ${err.toExponential(2)} > ${maxRelativeError}`);
  });
}

export interface ConvCase {
  kernel: number;
  stride: number;
  padding: 'same' | 'valid';
  batch: number;
  height: number;
  width: number;
  inChannels: number;
  outChannels: number;
}

/** Deterministic pseudo-random convolution shapes over kernels, strides and paddings (a small LCG). */
export function* convCases(kernels: readonly number[], strides: readonly number[]): Generator<ConvCase> {
  let state = 12345;
  const pick = (n: number) => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state % n;
  };
  for (const kernel of kernels) {
    for (const stride of strides) {
      for (const padding of ['same', 'valid'] as const) {
        const height = kernel + 2 + pick(8); // odd and even sizes, always ≥ the kernel
        const width = kernel + 1 + pick(9);
        yield { kernel, stride, padding, batch: 1 + pick(3), height, width, inChannels: 1 + pick(5), outChannels: 1 + pick(6) };
      }
    }
  }
}

export function describeConv(c: ConvCase): string {
  return `k${c.kernel} s${c.stride} ${c.padding} x[${c.batch},${c.height},${c.width},${c.inChannels}] → ${c.outChannels}`;
}

/** Seeded random tensors as nested arrays, so either backend can build them. */
export function randomArrays(c: ConvCase, seed: number): { x: number[][][][]; filter: number[][][][] } {
  return {
    x: tf.tidy(() => tf.randomNormal([c.batch, c.height, c.width, c.inChannels], 0, 1, 'float32', seed).arraySync()) as number[][][][],
    filter: tf.tidy(() => tf.randomNormal([c.kernel, c.kernel, c.inChannels, c.outChannels], 0, 1, 'float32', seed + 99).arraySync()) as number[][][][],
  };
}

/** Input and filter gradients of Σ conv(x, W)·sin(index): every output element weighs differently. */
export function convGradients(c: ConvCase, x: number[][][][], filter: number[][][][]): tf.Tensor[] {
  const lossGrads = tf.grads((a: tf.Tensor, b: tf.Tensor) => {
    const y = tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.padding);
    return tf.sum(tf.mul(y, tf.sin(tf.range(0, y.size).reshape(y.shape))));
  });
  return lossGrads([tf.tensor(x), tf.tensor(filter)]);
}
