// The numbers of quantization, as ONNX defines them (QuantizeLinear: y = saturate(round(x / scale) + zero_point),
// round half to even; DequantizeLinear: x = (y − zero_point) · scale), and float32 → float16 conversion.
// Scales are float32 values, as they are stored in the file. Pure functions, no IR: the passes call them.
// The scalar float16 conversion and the rounding are core's, shared with the server.
import { FLOAT16_MAX, roundHalfToEven, toFloat16Bits } from '@onnx-edge/core';

export { FLOAT16_MAX, fromFloat16Bits, roundHalfToEven, toFloat16Bits } from '@onnx-edge/core';

export interface IntRange {
  min: number;
  max: number;
}

/** Activations: unsigned 8-bit with a zero point (onnxruntime's default for static QDQ on CPU). */
export const UINT8: IntRange = { min: 0, max: 255 };
/** Weights: signed 8-bit, symmetric (zero point 0), −127..127 so that −w quantizes to −q. */
export const INT8_SYMMETRIC: IntRange = { min: -127, max: 127 };
export const INT32: IntRange = { min: -(2 ** 31), max: 2 ** 31 - 1 };

export interface QuantParams {
  scale: number;
  zeroPoint: number;
}


export function saturate(q: number, range: IntRange): number {
  return q < range.min ? range.min : q > range.max ? range.max : q;
}

/** QuantizeLinear of one value. */
export function quantize(x: number, params: QuantParams, range: IntRange): number {
  return saturate(roundHalfToEven(x / params.scale) + params.zeroPoint, range);
}

/** DequantizeLinear of one value. */
export function dequantize(q: number, params: QuantParams): number {
  return (q - params.zeroPoint) * params.scale;
}

/**
 * Asymmetric parameters for values observed in [rmin, rmax]. The range is widened to hold 0, so that 0 (padding,
 * ReLU's floor) is exactly representable; a range of one point (all zeros) gets scale 1, as onnxruntime does.
 */
export function activationParams(rmin: number, rmax: number, range: IntRange = UINT8): QuantParams {
  const lo = Math.min(rmin, 0);
  const hi = Math.max(rmax, 0);
  if (!(hi > lo)) return { scale: 1, zeroPoint: saturate(0, range) };
  const scale = Math.fround((hi - lo) / (range.max - range.min));
  return { scale, zeroPoint: saturate(roundHalfToEven(range.min - lo / scale), range) };
}

/** Symmetric scale for weights whose largest magnitude is `absMax` (zero point 0). */
export function symmetricScale(absMax: number, range: IntRange = INT8_SYMMETRIC): number {
  return absMax > 0 ? Math.fround(absMax / range.max) : 1;
}

export interface QuantizedWeights {
  data: Int8Array;
  /** One scale per channel along `axis`, or a single one. */
  scales: Float32Array;
}

/**
 * Symmetric int8 quantization of a weight tensor: per channel along `axis` (each slice gets its own scale from
 * its own largest magnitude), or per tensor when `axis` is undefined.
 */
export function quantizeWeights(weights: Float32Array, shape: readonly number[], axis: number | undefined): QuantizedWeights {
  const channels = axis === undefined ? 1 : shape[axis]!;
  // Row-major: the channel of flat index i is ⌊i / inner⌋ mod channels, inner = product of the dims after axis.
  const inner = axis === undefined ? weights.length : shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const channelOf = (i: number) => Math.floor(i / inner) % channels;
  const absMax = new Float64Array(channels);
  for (let i = 0; i < weights.length; i++) {
    const c = channelOf(i);
    absMax[c] = Math.max(absMax[c]!, Math.abs(weights[i]!));
  }
  const scales = Float32Array.from(absMax, (m) => symmetricScale(m));
  const data = new Int8Array(weights.length);
  for (let i = 0; i < weights.length; i++) data[i] = quantize(weights[i]!, { scale: scales[channelOf(i)]!, zeroPoint: 0 }, INT8_SYMMETRIC);
  return { data, scales };
}

/**
 * Bias of a quantized Conv/Gemm: int32 with scale input_scale · weight_scale[c] and zero point 0 — the scale at
 * which the integer kernel accumulates, so the bias adds in without rescaling.
 */
export function quantizeBias(bias: Float32Array, inputScale: number, weightScales: Float32Array): { data: Int32Array; scales: Float32Array } {
  const scales = Float32Array.from(bias, (_, c) => Math.fround(Math.fround(inputScale) * weightScales[weightScales.length === 1 ? 0 : c]!));
  const data = Int32Array.from(bias, (b, c) => quantize(b, { scale: scales[c]!, zeroPoint: 0 }, INT32));
  return { data, scales };
}

// --- float16 ----------------------------------------------------------------------------------------------

/**
 * float32 values → float16 bits; finite values beyond ±65504 are clamped to ±65504 (and counted: the caller
 * warns), infinities and NaN stay what they are, values below float16's smallest subnormal round to ±0.
 */
export function toFloat16Array(values: Float32Array): { bits: Uint16Array; clamped: number } {
  const bits = new Uint16Array(values.length);
  let clamped = 0;
  for (let i = 0; i < values.length; i++) {
    let v = values[i]!;
    if (Number.isFinite(v) && Math.abs(v) > FLOAT16_MAX) {
      v = Math.sign(v) * FLOAT16_MAX;
      clamped++;
    }
    bits[i] = toFloat16Bits(v);
  }
  return { bits, clamped };
}
