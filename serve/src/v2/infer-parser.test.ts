import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HttpError } from '../errors.ts';
import { InferBodyParser } from './infer-parser.ts';
import type { InferSpec } from './infer-request.ts';

const spec: InferSpec = { modelName: 'm', inputs: [{ name: 'input', datatype: 'FP32', shape: [-1, 2] }], outputNames: ['p'], batched: true, maxValues: 100 };
const body = (data: unknown) => Buffer.from(JSON.stringify({ inputs: [{ name: 'input', shape: [2, 2], datatype: 'FP32', data }] }));

test('the worker parses bodies in order, moves the tensors back as typed arrays and keeps HttpErrors', async (t) => {
  const parser = new InferBodyParser();
  t.after(() => parser.close());
  const [a, b, refused] = await Promise.allSettled([parser.parse(body([1, 2, 3, 4]), spec), parser.parse(body([[5, 6], [7, 8]]), spec), parser.parse(body([1, 2, 3]), spec)]);
  assert.equal(a.status, 'fulfilled');
  assert.deepEqual(a.status === 'fulfilled' && a.value.inputs, [{ datatype: 'FP32', shape: [2, 2], data: Float32Array.of(1, 2, 3, 4) }]);
  assert.ok(b.status === 'fulfilled' && b.value.inputs[0]!.data instanceof Float32Array && b.value.batch === 2);
  assert.ok(refused.status === 'rejected' && refused.reason instanceof HttpError && refused.reason.status === 400, 'a 400 stays a 400');
});

test('bytes that are a view into a larger buffer are copied, not taken from their owner', async (t) => {
  const parser = new InferBodyParser();
  t.after(() => parser.close());
  const whole = Buffer.concat([Buffer.from('xxxx'), body([1, 2, 3, 4])]);
  const view = whole.subarray(4);
  assert.equal((await parser.parse(view, spec)).batch, 2);
  assert.equal(whole.subarray(0, 4).toString(), 'xxxx', "the owner's buffer is intact");
});

test('a parser whose worker was stopped starts another for the next body', async (t) => {
  const parser = new InferBodyParser();
  t.after(() => parser.close());
  assert.equal((await parser.parse(body([1, 2, 3, 4]), spec)).batch, 2);
  await parser.close();
  assert.equal((await parser.parse(body([1, 2, 3, 4]), spec)).batch, 2);
});
