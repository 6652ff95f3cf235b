// Turning a weight's stored bytes into its values exactly as tf.io.decodeWeights does, bit for bit:
// affine dequantization computed in double precision and rounded once to float32 (Math.round for int32
// weights), float16 widened exactly with NaN payloads kept, everything else copied as stored (little-endian).
import { elementCount, type WeightEntry } from './weights-manifest.ts';

export type WeightValues = Float32Array | Int32Array | Uint8Array;

let halfToFloatBits: Uint32Array | undefined;

/** The float32 bit pattern of every float16 bit pattern (exact: every half is a float). */
function halfTable(): Uint32Array {
  if (halfToFloatBits) return halfToFloatBits;
  const table = new Uint32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = (h & 0x8000) << 16;
    const exponent = (h >> 10) & 0x1f;
    const mantissa = h & 0x3ff;
    if (exponent === 0x1f) {
      table[h] = (sign | 0x7f800000 | (mantissa << 13)) >>> 0; // ±Inf, NaN with its payload
    } else if (exponent !== 0) {
      table[h] = (sign | ((exponent + 112) << 23) | (mantissa << 13)) >>> 0; // rebias 15 → 127
    } else if (mantissa === 0) {
      table[h] = sign >>> 0; // ±0
    } else {
      // Subnormal half: shift the mantissa up to its leading 1, which becomes the implicit bit of a float.
      let shift = 0;
      while (((mantissa << shift) & 0x400) === 0) shift++;
      table[h] = (sign | ((113 - shift) << 23) | (((mantissa << shift) & 0x3ff) << 13)) >>> 0;
    }
  }
  halfToFloatBits = table;
  return table;
}

/** The values of `entry` from exactly its stored bytes (`storedByteLength(entry)` of them). */
export function decodeWeight(entry: WeightEntry, bytes: Uint8Array): WeightValues {
  const count = elementCount(entry.shape);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const q = entry.quantization;
  if (!q) {
    if (entry.dtype === 'bool') return bytes.slice();
    const copy = bytes.slice(); // a fresh buffer is aligned for the 4-byte views
    return entry.dtype === 'float32' ? new Float32Array(copy.buffer) : new Int32Array(copy.buffer);
  }
  if (q.dtype === 'float16') {
    const table = halfTable();
    const bits = new Uint32Array(count);
    for (let i = 0; i < count; i++) bits[i] = table[view.getUint16(2 * i, true)]!;
    return new Float32Array(bits.buffer);
  }
  const read = q.dtype === 'uint8' ? (i: number) => bytes[i]! : (i: number) => view.getUint16(2 * i, true);
  if (entry.dtype === 'int32') {
    const out = new Int32Array(count);
    for (let i = 0; i < count; i++) out[i] = Math.round(read(i) * q.scale + q.min);
    return out;
  }
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = read(i) * q.scale + q.min;
  return out;
}
