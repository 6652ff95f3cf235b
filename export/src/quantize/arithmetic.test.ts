// The quantization arithmetic against independent formulations: brute force over every float16 value for the
// rounding, explicit coordinates for the per-channel axes, the defining equations for scales and zero points.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '@onnx-edge/train';
import {
  activationParams, dequantize, FLOAT16_MAX, fromFloat16Bits, INT32, INT8_SYMMETRIC, quantize, quantizeBias, quantizeWeights,
  roundHalfToEven, toFloat16Array, toFloat16Bits, UINT8,
} from './arithmetic.ts';

test('round half to even, as QuantizeLinear specifies', () => {
  const cases: [number, number][] = [[0.5, 0], [1.5, 2], [2.5, 2], [3.5, 4], [-0.5, 0], [-1.5, -2], [-2.5, -2], [2.4999, 2], [2.5001, 3], [-7.2, -7]];
  for (const [x, expected] of cases) assert.equal(roundHalfToEven(x), expected, `round(${x})`);
});

test('activation parameters: 0 exact, the observed range covered to half a step, saturation outside it', () => {
  const random = seededRandom(5);
  for (let trial = 0; trial < 200; trial++) {
    const a = (random() - 0.7) * 20;
    const b = a + random() * 30;
    const params = activationParams(a, b);
    const lo = Math.min(a, 0);
    const hi = Math.max(b, 0);
    // Defining equations: 255 steps span [lo, hi]; zero is a code.
    assert.ok(Math.abs(params.scale * 255 - (hi - lo)) <= 1e-6 * (hi - lo), `scale ${params.scale} for [${lo}, ${hi}]`);
    assert.ok(Number.isInteger(params.zeroPoint) && params.zeroPoint >= 0 && params.zeroPoint <= 255);
    assert.equal(dequantize(quantize(0, params, UINT8), params), 0);
    for (const x of [lo, hi, (lo + hi) / 2, lo + (hi - lo) * random()]) {
      assert.ok(Math.abs(dequantize(quantize(x, params, UINT8), params) - x) <= params.scale * 0.5 + 1e-6 * Math.abs(x), `round trip of ${x}`);
    }
    assert.equal(quantize(hi + 10 * params.scale, params, UINT8), 255);
    assert.equal(quantize(lo - 10 * params.scale, params, UINT8), 0);
  }
  // Non-negative tensors (after ReLU): zero point 0, so saturation at 0 is the ReLU itself.
  assert.equal(activationParams(0, 6).zeroPoint, 0);
  assert.equal(activationParams(2, 6).zeroPoint, 0);
  assert.equal(activationParams(-6, -2).zeroPoint, 255);
  assert.deepEqual(activationParams(0, 0), { scale: 1, zeroPoint: 0 });
  // Scales are float32, as the file stores them.
  assert.equal(activationParams(0, 1).scale, Math.fround(1 / 255));
});

test('per-channel weights: each slice along the axis gets absMax/127, codes within ±127, zero point 0', () => {
  const random = seededRandom(9);
  const shape = [3, 4, 2, 5];
  const weights = Float32Array.from({ length: 3 * 4 * 2 * 5 }, () => (random() - 0.5) * 4);
  for (const axis of [0, 1, 2, 3]) {
    const { data, scales } = quantizeWeights(weights, shape, axis);
    assert.equal(scales.length, shape[axis]);
    // Independent: walk explicit coordinates (o, i, h, w) instead of the flat-index formula.
    const absMax = new Array<number>(shape[axis]!).fill(0);
    const at = (o: number, i: number, h: number, w: number) => ((o * 4 + i) * 2 + h) * 5 + w;
    const each = (visit: (coords: number[], index: number) => void) => {
      for (let o = 0; o < 3; o++) for (let i = 0; i < 4; i++) for (let h = 0; h < 2; h++) for (let w = 0; w < 5; w++) visit([o, i, h, w], at(o, i, h, w));
    };
    each((coords, index) => { absMax[coords[axis]!] = Math.max(absMax[coords[axis]!]!, Math.abs(weights[index]!)); });
    each((coords, index) => {
      const scale = Math.fround(absMax[coords[axis]!]! / 127);
      assert.equal(scales[coords[axis]!], scale);
      assert.equal(data[index], Math.max(-127, Math.min(127, roundHalfToEven(weights[index]! / scale))), `axis ${axis} at [${coords}]`);
    });
    // The largest magnitude of each slice maps to ±127.
    for (let c = 0; c < shape[axis]!; c++) {
      let extreme = 0;
      each((coords, index) => { if (coords[axis] === c) extreme = Math.max(extreme, Math.abs(data[index]!)); });
      assert.equal(extreme, 127);
    }
  }
  const perTensor = quantizeWeights(weights, shape, undefined);
  assert.equal(perTensor.scales.length, 1);
  assert.equal(perTensor.scales[0], Math.fround(Math.max(...weights.map(Math.abs)) / 127));
  // A channel of zeros gets scale 1 (not a division by zero) and codes 0.
  const zeros = quantizeWeights(new Float32Array([0, 0, 1, -2]), [2, 2], 0);
  assert.deepEqual([...zeros.scales], [1, Math.fround(2 / 127)]);
  assert.deepEqual([...zeros.data], [0, 0, 64, -127]);
  assert.equal(quantize(-1000, { scale: 1, zeroPoint: 0 }, INT8_SYMMETRIC), -127);
});

test('bias: int32 at input scale × weight scale, saturating at the int32 limits', () => {
  const { data, scales } = quantizeBias(new Float32Array([0.5, -0.25, 1e9]), 0.02, new Float32Array([0.01, 0.001, 1e-6]));
    // Float32 products of the float32 scales, as the file stores them.
  const f = Math.fround;
  assert.deepEqual([...scales], [f(f(0.02) * f(0.01)), f(f(0.02) * f(0.001)), f(f(0.02) * f(1e-6))]);
  assert.equal(data[0], roundHalfToEven(0.5 / scales[0]!));
  assert.equal(data[1], roundHalfToEven(-0.25 / scales[1]!));
  assert.equal(data[2], INT32.max);
  // Per-tensor weights: one scale for every output channel.
  assert.deepEqual([...quantizeBias(new Float32Array([1, 2]), 0.5, new Float32Array([0.25])).scales], [0.125, 0.125]);
});

/** Every finite float16 value, ascending, with its bits (the brute-force reference). */
function allFiniteHalves(): { value: number; bits: number }[] {
  const halves: { value: number; bits: number }[] = [];
  for (let bits = 0; bits < 0x10000; bits++) {
    if ((bits & 0x7c00) === 0x7c00) continue;
    // Value from the definition, written differently from fromFloat16Bits: sign · significand · 2^(e − 25).
    const e = (bits >> 10) & 0x1f;
    const significand = e === 0 ? bits & 0x3ff : (bits & 0x3ff) | 0x400;
    const value = (bits & 0x8000 ? -1 : 1) * significand * 2 ** (Math.max(e, 1) - 25);
    if (bits === 0x8000) continue; // −0: the same point as +0 for nearest-value search
    halves.push({ value, bits });
  }
  return halves.sort((a, b) => a.value - b.value);
}

test('float16 rounding: the nearest float16, ties to the even mantissa, over random and edge values', () => {
  const halves = allFiniteHalves();
  const nearest = (x: number) => {
    let lo = 0;
    let hi = halves.length - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (halves[mid]!.value <= x) lo = mid;
      else hi = mid;
    }
    const [a, b] = [halves[lo]!, halves[hi]!];
    const da = Math.abs(x - a.value);
    const db = Math.abs(x - b.value);
    if (da !== db) return da < db ? a.bits : b.bits;
    return (a.bits & 1) === 0 ? a.bits : b.bits;
  };
  const random = seededRandom(11);
  const samples: number[] = [];
  for (let i = 0; i < 20000; i++) samples.push(Math.fround((random() - 0.5) * 2 ** (Math.floor(random() * 40) - 24)));
  // Exact midpoints between neighbours (ties), subnormals, the largest finite value.
  for (let i = 0; i + 1 < halves.length; i += 97) samples.push((halves[i]!.value + halves[i + 1]!.value) / 2);
  samples.push(2 ** -25, 3 * 2 ** -25, 2 ** -24, 2 ** -14, 65504, -65504, 65519.99, 0.1, 1 / 3);
  for (const x of samples) {
    const got = toFloat16Bits(x);
    const want = x === 0 ? (Object.is(x, -0) ? 0x8000 : 0) : nearest(x);
    // ±0 from rounding a tiny value keeps its sign; the brute force has only +0.
    assert.equal(got & 0x7fff ? got : 0, want & 0x7fff ? want : 0, `float16(${x}): got 0x${got.toString(16)}, nearest 0x${want.toString(16)}`);
    assert.equal(fromFloat16Bits(got), halves.find((h) => h.bits === got)?.value ?? (got === 0x8000 ? -0 : fromFloat16Bits(got)));
  }
  assert.equal(toFloat16Bits(1), 0x3c00);
  assert.equal(toFloat16Bits(0.1), 0x2e66);
  assert.equal(toFloat16Bits(65520), 0x7c00); // rounds past the largest finite: Infinity
  assert.equal(toFloat16Bits(-Infinity), 0xfc00);
  assert.ok(Number.isNaN(fromFloat16Bits(toFloat16Bits(NaN))));
});

test('float16 arrays: finite values beyond ±65504 are clamped and counted, infinities kept', () => {
  const { bits, clamped } = toFloat16Array(new Float32Array([1, 70000, -1e9, 65504, Infinity, -Infinity, 65505]));
  assert.equal(clamped, 3);
  assert.deepEqual([...bits].map(fromFloat16Bits), [1, FLOAT16_MAX, -FLOAT16_MAX, FLOAT16_MAX, Infinity, -Infinity, FLOAT16_MAX]);
});
