import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpError } from '../errors.ts';
import { toFloat16Bits } from '@onnx-edge/core';
import { parseInferRequest, type InferSpec } from './infer-request.ts';
import { checkJsonStructure, MAX_JSON_DEPTH, MAX_JSON_KEYS } from './json-structure.ts';

const spec: InferSpec = { modelName: 'm', inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 2, 3] }], outputNames: ['probabilities'], batched: true, maxValues: 60 };
const bytes = (body: unknown) => Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
const request = (data: unknown, shape = [1, 2, 3]) => bytes({ id: 'r1', inputs: [{ name: 'input', shape, datatype: 'FP32', data }] });
const refusal = (body: Uint8Array, s = spec) => {
  try {
    parseInferRequest(body, s);
  } catch (err) {
    if (err instanceof HttpError) return `${err.status} ${err.message}`;
    throw err;
  }
  return 'accepted';
};

/** A body as Triton's client frames it: the JSON, then the inputs' bytes; and the JSON's length. */
function framed(json: unknown, ...binary: Uint8Array[]): { body: Buffer; headerLength: number } {
  const head = Buffer.from(JSON.stringify(json));
  return { body: Buffer.concat([head, ...binary]), headerLength: head.length };
}
const le = (array: ArrayBufferView) => new Uint8Array(array.buffer, array.byteOffset, array.byteLength);

test('flat and nested data become one tensor of batch × item values', () => {
  for (const data of [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [[[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [10, 11, 12]]]]) {
    const parsed = parseInferRequest(request(data, [2, 2, 3]), spec);
    assert.equal(parsed.batch, 2);
    assert.equal(parsed.id, 'r1');
    assert.deepEqual(parsed.inputs, [{ datatype: 'FP32', shape: [2, 2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) }]);
    assert.deepEqual(parsed.outputs, [{ name: 'probabilities', binary: false }]);
  }
});

test('values outside float32 are refused naming the element; its limits are kept', () => {
  assert.match(refusal(request([0, 0, 3.5e38, 0, 0, 0])), /^400 tensor data element 2 is 3\.5e\+38, outside float32's range/);
  assert.match(refusal(request([0, 0, 0, 0, 0, -1e39])), /^400 tensor data element 5 is -1e\+39/);
  assert.match(refusal(Buffer.from(request([0, 0, 0, 0, 0, 7]).toString().replace('7]', '1e999]'))), /^400 tensor data element 5 is infinite/);
  const limits = parseInferRequest(request([3.4028234663852886e38, -3.4028234663852886e38, 1e-50, 1.4e-45, 0, 0]), spec);
  assert.deepEqual([...(limits.inputs[0]!.data as Float32Array).subarray(0, 3)], [Math.fround(3.4028234663852886e38), Math.fround(-3.4028234663852886e38), 0]);
});

test('structure is bounded before parsing: nesting, keys and numbers', () => {
  assert.match(refusal(bytes('['.repeat(MAX_JSON_DEPTH + 1))), /^400 .*more than 32 deep/);
  assert.doesNotThrow(() => checkJsonStructure(bytes('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH)), 10));
  assert.doesNotThrow(() => checkJsonStructure(bytes(`{"a":"${'['.repeat(100)}:::"}`), 10), 'brackets and colons inside strings do not count');
  assert.doesNotThrow(() => checkJsonStructure(bytes('"\\"[[[[["'), 10), 'an escaped quote does not end the string');
  const keys = `{${Array.from({ length: MAX_JSON_KEYS + 1 }, (_, i) => `"k${i}":0`).join(',')}}`;
  assert.match(refusal(bytes(keys), { ...spec, maxValues: 10_000 }), /^400 .*more than 1000 object keys/);
  assert.throws(() => checkJsonStructure(bytes('[1,-2.5e-3,3,4]'), 3), (err: unknown) => err instanceof HttpError && err.status === 413 && /more than 3 numbers/.test(err.message));
  assert.doesNotThrow(() => checkJsonStructure(bytes('[1,-2.5e-3,3e+7,true,null]'), 3), 'a number with a sign and an exponent is one number');
});

test('what the shape, the types and the model say is checked as Triton checks it: 400 naming the input and the field', () => {
  assert.match(refusal(request([0, 0, 0, 0, 0])), /^400 input 'input': data has 5 values; shape \[1,2,3\] needs 6/);
  assert.match(refusal(request([0, 0, 0, 0, 0, 'x'])), /^400 .*element 5 is string/);
  assert.match(refusal(request([0, 0, 0], [1, 3])), /^400 input 'input': shape \[1,3\] does not match model 'm', which takes \[\?,2,3\]; its first dimension is the batch/);
  assert.match(refusal(request([], [0, 2, 3])), /^400 input 'input': shape \[0,2,3\] does not match/);
  assert.match(refusal(bytes({ inputs: [{ name: 'x', shape: [1, 2, 3], datatype: 'FP32', data: [] }] })), /^400 unknown input 'x'; model 'm' takes 'input'/);
  assert.match(refusal(bytes({ inputs: [{ name: 'input', shape: [1, 2, 3], datatype: 'INT8', data: [] }] })), /^400 input 'input': datatype INT8 does not match model 'm', which takes FP32/);
  assert.match(refusal(bytes({ inputs: [{ name: 'input', shape: [1, 2, 3], datatype: 'FP32', data: [0, 0, 0, 0, 0, 0] }], outputs: [{ name: 'nope' }] })), /^400 unknown output 'nope'/);
  assert.match(refusal(bytes('{not json')), /^400 the request body is not valid JSON/);
});

const many: InferSpec = {
  modelName: 'many',
  inputs: [
    { name: 'f16', datatype: 'FP16', shape: [-1, 2] }, { name: 'i64', datatype: 'INT64', shape: [-1, 2] }, { name: 'i32', datatype: 'INT32', shape: [-1, 2] },
    { name: 'u8', datatype: 'UINT8', shape: [-1, 2] }, { name: 'flag', datatype: 'BOOL', shape: [-1, 2] },
  ],
  outputNames: ['sum', 'mask'],
  batched: true,
  maxValues: 1000,
};

test('several inputs of every datatype, in any order, in JSON; each one checked against its own type', () => {
  const inputs = [
    { name: 'flag', shape: [1, 2], datatype: 'BOOL', data: [true, false] },
    { name: 'u8', shape: [1, 2], datatype: 'UINT8', data: [0, 255] },
    { name: 'i32', shape: [1, 2], datatype: 'INT32', data: [-2147483648, 7] },
    { name: 'i64', shape: [1, 2], datatype: 'INT64', data: [-9007199254740991, 42] },
    { name: 'f16', shape: [1, 2], datatype: 'FP16', data: [1.5, -65504] },
  ];
  const parsed = parseInferRequest(bytes({ inputs, outputs: [{ name: 'mask', parameters: { binary_data: true } }] }), many);
  assert.deepEqual(parsed.inputs.map((t) => [t.datatype, Array.from(t.data as ArrayLike<number | bigint>)]), [
    ['FP16', [toFloat16Bits(1.5), toFloat16Bits(-65504)]], ['INT64', [-9007199254740991n, 42n]], ['INT32', [-2147483648, 7]], ['UINT8', [0, 255]], ['BOOL', [1, 0]],
  ]);
  assert.deepEqual(parsed.outputs, [{ name: 'mask', binary: true }]);
  const withValue = (name: string, data: unknown[]) => bytes({ inputs: inputs.map((i) => (i.name === name ? { ...i, data } : i)) });
  assert.match(refusal(withValue('u8', [0, 256]), many), /^400 tensor data element 1 is 256, not a UINT8 \(whole numbers from 0 to 255\)/);
  assert.match(refusal(withValue('i32', [0.5, 1]), many), /^400 tensor data element 0 is 0\.5, not a INT32/);
  assert.match(refusal(withValue('i64', [2 ** 60, 1]), many), /not a INT64 .*send larger ones as binary data/);
  assert.match(refusal(withValue('f16', [70000, 1]), many), /^400 tensor data element 0 is 70000, outside float16's range \(±65504\)/);
  assert.match(refusal(withValue('flag', [1, 0]), many), /^400 tensor data must hold true\/false values .* for BOOL; element 0 is number/);
  assert.match(refusal(bytes({ inputs: inputs.filter((i) => i.name !== 'f16') }), many), /^400 model 'many' takes 5 inputs; missing: f16 \(FP16 \[\?,2\]\)/);
  assert.match(refusal(bytes({ inputs: [...inputs, inputs[0]] }), many), /^400 input 'flag' is given twice/);
  const twoRows = inputs.map((i) => (i.name === 'u8' ? { ...i, shape: [2, 2], data: [1, 2, 3, 4] } : i));
  assert.match(refusal(bytes({ inputs: twoRows }), many), /^400 the inputs disagree on the batch size: 'f16' has 1, 'i64' has 1, 'i32' has 1, 'u8' has 2, 'flag' has 1 rows/);
});

test('binary tensor data after the JSON: little-endian, in the JSON order of the inputs, each as long as its shape × datatype', () => {
  const f16 = new Uint16Array([toFloat16Bits(0.25), toFloat16Bits(-2)]);
  const i64 = new BigInt64Array([-5n, 2n ** 62n]);
  const json = {
    id: 'bin-1',
    parameters: { binary_data_output: true },
    inputs: [
      { name: 'i64', shape: [1, 2], datatype: 'INT64', parameters: { binary_data_size: 16 } },
      { name: 'f16', shape: [1, 2], datatype: 'FP16', parameters: { binary_data_size: 4 } },
      { name: 'i32', shape: [1, 2], datatype: 'INT32', data: [1, 2] },
      { name: 'u8', shape: [1, 2], datatype: 'UINT8', parameters: { binary_data_size: 2 } },
      { name: 'flag', shape: [1, 2], datatype: 'BOOL', parameters: { binary_data_size: 2 } },
    ],
    outputs: [{ name: 'sum' }, { name: 'mask', parameters: { binary_data: false } }],
  };
  const { body, headerLength } = framed(json, le(i64), le(f16), Uint8Array.of(9, 250), Uint8Array.of(0, 1));
  const parsed = parseInferRequest(body, { ...many, headerLength });
  assert.equal(parsed.id, 'bin-1');
  assert.deepEqual(parsed.inputs.map((t) => t.data), [f16, i64, Int32Array.of(1, 2), Uint8Array.of(9, 250), Uint8Array.of(0, 1)]);
  assert.deepEqual(parsed.outputs, [{ name: 'sum', binary: true }, { name: 'mask', binary: false }], 'binary_data_output, unless an output says otherwise');

  const sized = (size: number) => ({ ...json, inputs: json.inputs.map((i) => (i.name === 'f16' ? { ...i, parameters: { binary_data_size: size } } : i)) });
  const refused = (j: unknown, ...binary: Uint8Array[]) => {
    const f = framed(j, ...binary);
    return refusal(f.body, { ...many, headerLength: f.headerLength });
  };
  assert.match(refused(sized(6), le(i64), le(f16), Uint8Array.of(1, 2, 3), Uint8Array.of(9, 250), Uint8Array.of(0, 1)),
    /^400 input 'f16': parameters\.binary_data_size is 6, but shape \[1,2\] of FP16 takes 4 bytes \(2 per element\)/);
  assert.match(refused(json, le(i64), le(f16), Uint8Array.of(9, 250), Uint8Array.of(0)), /^400 23 bytes of binary data follow the JSON .* but the inputs' parameters\.binary_data_size add up to 24/);
  assert.match(refused(json, le(i64), le(f16), Uint8Array.of(9, 250), Uint8Array.of(0, 1, 2)), /^400 25 bytes of binary data follow the JSON/);
  assert.match(refused(sized(-1)), /^400 input 'f16': parameters\.binary_data_size must be a byte count, got -1/);
  assert.match(refusal(framed(json).body, many), /^400 input 'i64': parameters\.binary_data_size needs the Inference-Header-Content-Length header/);
  assert.match(refusal(Buffer.from('{}'), { ...many, headerLength: 3 }), /^400 Inference-Header-Content-Length is 3, but the body has only 2 bytes/);
  const both = { ...json, inputs: json.inputs.map((i) => (i.name === 'u8' ? { ...i, data: [1, 2] } : i)) };
  assert.match(refused(both, le(i64), le(f16), Uint8Array.of(9, 250), Uint8Array.of(0, 1)), /^400 input 'u8': has both "data" and parameters\.binary_data_size/);
  assert.match(refused({ ...json, parameters: { binary_data_output: 'yes' } }), /^400 parameters\.binary_data_output must be true or false/);
});
