// IEEE 754 half precision (float16) to and from JavaScript numbers, shared by the quantizer (fp16 weights)
// and the server (FP16 tensors in v2 JSON and /classify): tensors hold the 16-bit patterns, as
// onnxruntime takes them (a Uint16Array on a Node without Float16Array).

/** Rounds to the nearest integer, halves to the even neighbour (the rounding QuantizeLinear specifies). */
export function roundHalfToEven(x: number): number {
  const floor = Math.floor(x);
  const fraction = x - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** The largest finite float16. */
export const FLOAT16_MAX = 65504;

/** IEEE 754 binary16 bits of `x`, rounded to nearest, ties to even; overflow gives ±Infinity. */
export function toFloat16Bits(x: number): number {
  if (Number.isNaN(x)) return 0x7e00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  // Subnormals (and zero): multiples of 2^-24.
  if (a < 2 ** -14) return sign | roundHalfToEven(a * 2 ** 24);
  let exponent = Math.floor(Math.log2(a));
  if (2 ** exponent > a) exponent--;
  else if (2 ** (exponent + 1) <= a) exponent++;
  // a / 2^e − 1 is exact in float64 for any number a: 10 mantissa bits kept, the rest rounded once.
  let mantissa = roundHalfToEven((a / 2 ** exponent - 1) * 1024);
  if (mantissa === 1024) {
    mantissa = 0;
    exponent++;
  }
  if (exponent > 15) return sign | 0x7c00;
  return sign | ((exponent + 15) << 10) | mantissa;
}

export function fromFloat16Bits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}
