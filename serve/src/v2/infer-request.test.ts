import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpError } from '../errors.ts';
import { checkJsonStructure, MAX_JSON_DEPTH, MAX_JSON_KEYS, parseInferRequest, type InferSpec } from './infer-request.ts';

const spec: InferSpec = { modelName: 'm', inputName: 'input', inputDims: [2, 3], outputNames: ['probabilities'], maxValues: 60 };
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

test('flat and nested data become one Float32Array of batch × item values', () => {
  for (const data of [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [[[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [10, 11, 12]]]]) {
    const parsed = parseInferRequest(request(data, [2, 2, 3]), spec);
    assert.equal(parsed.batch, 2);
    assert.equal(parsed.id, 'r1');
    assert.deepEqual([...parsed.data], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  }
});

test('values outside float32 are refused naming the element; its limits are kept', () => {
  assert.match(refusal(request([0, 0, 3.5e38, 0, 0, 0])), /^400 tensor data element 2 is 3\.5e\+38, outside float32's range/);
  assert.match(refusal(request([0, 0, 0, 0, 0, -1e39])), /^400 tensor data element 5 is -1e\+39/);
  assert.match(refusal(Buffer.from(request([0, 0, 0, 0, 0, 7]).toString().replace('7]', '1e999]'))), /^400 tensor data element 5 is infinite/);
  const limits = parseInferRequest(request([3.4028234663852886e38, -3.4028234663852886e38, 1e-50, 1.4e-45, 0, 0]), spec);
  assert.deepEqual([...limits.data.subarray(0, 3)], [Math.fround(3.4028234663852886e38), Math.fround(-3.4028234663852886e38), 0]);
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

test('what the shape, the types and the model say is checked, with the protocol statuses', () => {
  assert.match(refusal(request([0, 0, 0, 0, 0])), /^422 data has 5 values; shape \[1,2,3\] needs 6/);
  assert.match(refusal(request([0, 0, 0, 0, 0, 'x'])), /^400 .*element 5 is string/);
  assert.match(refusal(request([0, 0, 0], [1, 3])), /^422 shape \[1,3\] does not match/);
  assert.match(refusal(bytes({ inputs: [{ name: 'x', shape: [1, 2, 3], datatype: 'FP32', data: [] }] })), /^400 unknown input 'x'/);
  assert.match(refusal(bytes({ inputs: [{ name: 'input', shape: [1, 2, 3], datatype: 'INT8', data: [] }] })), /^422 datatype INT8/);
  assert.match(refusal(bytes({ inputs: [{ name: 'input', shape: [1, 2, 3], datatype: 'FP32', data: [0, 0, 0, 0, 0, 0] }], outputs: [{ name: 'nope' }] })), /^400 unknown output 'nope'/);
  assert.match(refusal(bytes('{not json')), /^400 the request body is not valid JSON/);
});
