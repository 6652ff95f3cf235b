// Tensor data as the v2 JSON form carries it: numbers (or true/false for BOOL), flat or nested by the shape,
// read into the datatype's typed array with every element checked to fit it (a float32 beyond ±3.4e38, a
// float16 beyond ±65504, an integer out of its type's range or not whole: a 400 naming the element), and
// written back as JSON text.
import { badRequest } from '../errors.ts';
import { FLOAT16_MAX, fromFloat16Bits, toFloat16Bits } from '@onnx-edge/core';
import type { Datatype, TensorArray } from '../tensors/index.ts';

/** float32's largest finite value; larger finite doubles round to Infinity in a Float32Array. */
const FLOAT32_MAX = 3.4028234663852886e38;

const INTEGER_RANGES: Partial<Record<Datatype, [number, number]>> = {
  UINT8: [0, 255], INT8: [-128, 127], UINT16: [0, 65535], INT16: [-32768, 32767],
  UINT32: [0, 4294967295], INT32: [-2147483648, 2147483647],
  UINT64: [0, Number.MAX_SAFE_INTEGER], INT64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
};

const what = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value);

/** How many elements the nested arrays of `data` hold; a 400 naming the first that is not of the datatype's kind. */
export function countElements(data: unknown, datatype: Datatype, counted = 0): number {
  if (Array.isArray(data)) {
    for (const d of data) counted = countElements(d, datatype, counted);
    return counted;
  }
  const kind = datatype === 'BOOL' ? 'boolean' : 'number';
  if (typeof data !== kind) throw badRequest(`tensor data must hold ${datatype === 'BOOL' ? 'true/false values' : 'numbers'} (flat or nested arrays) for ${datatype}; element ${counted} is ${what(data)}`);
  return counted + 1;
}

/** The element's value in the datatype's array, or a 400 naming element `at` and the datatype's range. */
function convert(value: number, datatype: Datatype, at: number): number | bigint {
  if (datatype === 'FP32' || datatype === 'FP16' || datatype === 'FP64') {
    if (!Number.isFinite(value)) throw badRequest(`tensor data element ${at} is infinite (a number such as 1e999 overflows); ${datatype} data must be finite`);
    const max = datatype === 'FP32' ? FLOAT32_MAX : datatype === 'FP16' ? FLOAT16_MAX : Infinity;
    const rounded = datatype === 'FP32' ? Math.fround(value) : datatype === 'FP16' ? fromFloat16Bits(toFloat16Bits(value)) : value;
    if (!Number.isFinite(rounded)) throw badRequest(`tensor data element ${at} is ${value}, outside ${datatype === 'FP32' ? 'float32' : 'float16'}'s range (±${max}); ${datatype} data must be finite ${datatype === 'FP32' ? 'float32' : 'float16'} values`);
    return datatype === 'FP16' ? toFloat16Bits(value) : value;
  }
  const [lo, hi] = INTEGER_RANGES[datatype]!;
  if (!Number.isInteger(value) || value < lo || value > hi) {
    const exact = datatype === 'INT64' || datatype === 'UINT64' ? ' (JSON numbers carry 64-bit integers exactly only within ±2^53; send larger ones as binary data)' : '';
    throw badRequest(`tensor data element ${at} is ${value}, not a ${datatype} (whole numbers from ${lo} to ${hi}${exact})`);
  }
  return datatype === 'INT64' || datatype === 'UINT64' ? BigInt(value) : value;
}

/** Writes the nested values of `data` (counted already) into `out` from `at`; returns the next position. */
export function fillElements(data: unknown, datatype: Datatype, out: TensorArray, at = 0): number {
  if (Array.isArray(data)) {
    for (const d of data) at = fillElements(d, datatype, out, at);
    return at;
  }
  out[at] = datatype === 'BOOL' ? (data ? 1 : 0) : (convert(data as number, datatype, at) as never);
  return at + 1;
}

/** The JSON text of a tensor's data, flat: numbers (FP16 decoded, 64-bit integers exact), true/false for BOOL. */
export function dataToJson(datatype: Datatype, data: TensorArray): string {
  if (datatype === 'BOOL') return `[${Array.from(data as Uint8Array, (v) => (v ? 'true' : 'false')).join(',')}]`;
  if (datatype === 'FP16') return JSON.stringify(Array.from(data as Uint16Array, fromFloat16Bits));
  if (datatype === 'INT64' || datatype === 'UINT64') return `[${Array.from(data as BigInt64Array, String).join(',')}]`;
  // Non-finite floats have no JSON form: JSON.stringify writes null, as for any JSON number it cannot hold.
  return JSON.stringify(Array.from(data as Float32Array));
}
