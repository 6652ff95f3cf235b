// Bias correction against a direct computation: the corrected bias must cancel the mean output shift that
// rounded weights cause, measured by convolving an input that holds each channel's mean everywhere.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '@onnx-edge/train';
import { ChannelMeans, correctedBias } from './bias-correction.ts';

const random = seededRandom(21);
const values = (n: number, scale = 1) => Float32Array.from({ length: n }, () => (random() - 0.5) * scale);
const rounding = (w: Float32Array) => Float32Array.from(w, (v) => Math.round(v * 20) / 20);

/** Output (o) of a valid convolution at one position over a constant input: explicit loops over (i, kh, kw). */
function convAtConstantInput(w: Float32Array, shape: number[], group: number, means: Float64Array, o: number): number {
  const [out, perGroupIn, kh, kw] = shape as [number, number, number, number];
  const g = Math.floor(o / (out / group));
  let sum = 0;
  for (let i = 0; i < perGroupIn; i++) for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) sum += w[((o * perGroupIn + i) * kh + y) * kw + x]! * means[g * perGroupIn + i]!;
  return sum;
}

test('Conv (grouped too): the corrected bias cancels the mean shift of the rounded weights', () => {
  for (const group of [1, 2]) {
    const shape = [4, 6 / group, 3, 2];
    const w = values(4 * (6 / group) * 6);
    const rounded = rounding(w);
    const means = Float64Array.from(values(6, 4));
    const bias = values(4);
    const corrected = correctedBias({ opType: 'Conv', group }, w, rounded, shape, bias, means);
    for (let o = 0; o < 4; o++) {
      const float = convAtConstantInput(w, shape, group, means, o) + bias[o]!;
      const quantized = convAtConstantInput(rounded, shape, group, means, o) + corrected[o]!;
      assert.ok(Math.abs(float - quantized) < 1e-5, `group ${group} output ${o}: ${float} vs ${quantized}`);
    }
  }
});

test('Gemm, B as [in, out] or transposed: x̄·B + b = x̄·B̂ + b′; no bias counts as zeros', () => {
  const means = Float64Array.from(values(5, 3));
  for (const transB of [false, true]) {
    const w = values(5 * 3);
    const rounded = rounding(w);
    const at = (k: number, o: number) => (transB ? o * 5 + k : k * 3 + o);
    const corrected = correctedBias({ opType: 'Gemm', transB }, w, rounded, transB ? [3, 5] : [5, 3], undefined, means);
    for (let o = 0; o < 3; o++) {
      let float = 0;
      let quantized = corrected[o]!;
      for (let k = 0; k < 5; k++) {
        float += means[k]! * w[at(k, o)]!;
        quantized += means[k]! * rounded[at(k, o)]!;
      }
      assert.ok(Math.abs(float - quantized) < 1e-5, `transB ${transB} output ${o}`);
    }
  }
});

test('channel means along an axis, over batches of different sizes', () => {
  const means = new ChannelMeans(1);
  // [N=1, C=2, 2]: channel 0 holds 1,3; channel 1 holds 10,20.
  means.add([1, 3, 10, 20], [1, 2, 2]);
  means.add([5, 5, 0, 0, 7, 7, 2, 2], [2, 2, 2]);
  assert.deepEqual([...means.means()], [(1 + 3 + 5 + 5 + 7 + 7) / 6, (10 + 20 + 0 + 0 + 2 + 2) / 6]);
  const last = new ChannelMeans(-1);
  last.add([1, 2, 3, 4, 5, 6], [3, 2]);
  assert.deepEqual([...last.means()], [3, 4]);
  assert.throws(() => new ChannelMeans(0).means(), /no values/);
});
