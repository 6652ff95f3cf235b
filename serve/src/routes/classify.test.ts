import assert from 'node:assert/strict';
import { test } from 'node:test';
import { expectedToy, makeImage, readJson, toyApp, toyFill, toyRunner } from '../../testing/fixtures.ts';
import type { BatchRunner } from '../inference/batcher.ts';

function assertToyAnswer(predictions: { index: number; probability: number; label: string }[], seed: number): void {
  const expected = expectedToy(seed);
  for (const p of predictions) assert.ok(Math.abs(p.probability - expected[p.index]!) < 1e-6, `class ${p.index}: ${p.probability} vs ${expected[p.index]}`);
  const top1 = expected.indexOf(Math.max(...expected));
  assert.equal(predictions[0]!.index, top1);
}

test('POST /classify with a raw PNG returns top-5 predictions, timings and a request id', async (t) => {
  const { app, cleanup } = await toyApp();
  t.after(cleanup);
  const res = await app.request('/classify', { method: 'POST', headers: { 'content-type': 'image/png' }, body: await makeImage(32, 32, toyFill(1)) });
  assert.equal(res.status, 200);
  assert.match(res.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  const body = await readJson(res);
  assert.equal(body.model, 'toy');
  assert.equal(body.predictions.length, 5);
  assert.equal(typeof body.predictions[0].label, 'string');
  assertToyAnswer(body.predictions, 1);
  for (const key of ['decode', 'queue', 'inference', 'total']) assert.equal(typeof body.timing_ms[key], 'number', key);
});

test('POST /classify accepts JPEG and WebP, resizes other sizes, honours ?top and a client request id', async (t) => {
  const { app, cleanup } = await toyApp();
  t.after(cleanup);
  const webp = await app.request('/classify?top=3', { method: 'POST', headers: { 'content-type': 'image/webp', 'x-request-id': 'abc-123' }, body: await makeImage(32, 32, toyFill(2), 'webp') });
  assert.equal(webp.status, 200);
  assert.equal(webp.headers.get('x-request-id'), 'abc-123');
  const body = await readJson(webp);
  assert.equal(body.predictions.length, 3);
  assertToyAnswer(body.predictions, 2); // lossless WebP: same pixels

  const jpeg = await app.request('/classify?top=10', { method: 'POST', headers: { 'content-type': 'image/jpeg' }, body: await makeImage(200, 120, () => [90, 120, 200], 'jpeg') });
  assert.equal(jpeg.status, 200);
  const probs = (await readJson(jpeg)).predictions;
  assert.equal(probs.length, 10);
  // A flat image stays flat through any resize: the first 10 inputs are all ≈ 90/255, so classes are ≈ equal.
  for (const p of probs) assert.ok(Math.abs(p.probability - 0.1) < 0.01);
});

test('multipart with several images answers one result per image, each for its own image', async (t) => {
  const { app, cleanup } = await toyApp();
  t.after(cleanup);
  const form = new FormData();
  for (const seed of [3, 4, 5]) form.append('image', new Blob([await makeImage(32, 32, toyFill(seed))], { type: 'image/png' }), `img${seed}.png`);
  const res = await app.request('/classify', { method: 'POST', body: form });
  assert.equal(res.status, 200);
  const body = await readJson(res);
  assert.equal(body.results.length, 3);
  body.results.forEach((r: { filename: string; predictions: { index: number; probability: number; label: string }[] }, i: number) => {
    assert.equal(r.filename, `img${3 + i}.png`);
    assertToyAnswer(r.predictions, 3 + i);
  });

  const single = new FormData();
  single.append('image', new Blob([await makeImage(32, 32, toyFill(6))], { type: 'image/png' }), 'one.png');
  const one = await readJson(await app.request('/classify', { method: 'POST', body: single }));
  assertToyAnswer(one.predictions, 6);
});

async function expectError(res: Response, status: number, code: string): Promise<string> {
  assert.equal(res.status, status);
  assert.match(res.headers.get('content-type') ?? '', /application\/json/);
  const body = await readJson(res);
  assert.equal(body.error.code, code);
  assert.equal(typeof body.error.message, 'string');
  assert.doesNotMatch(body.error.message, /\/tmp|\/work|at .*\.ts:\d+/, 'no paths or stack frames');
  return body.error.message;
}

test('/classify answers client mistakes with the one JSON error shape (400, 404, 413, 415, 422)', async (t) => {
  const { app, cleanup } = await toyApp({ limits: { maxBodyBytes: 64 * 1024, maxInputPixels: 100 * 100 } });
  t.after(cleanup);
  const png = await makeImage(32, 32, toyFill(1));
  const post = (path: string, type: string, body: string | Uint8Array) => app.request(path, { method: 'POST', headers: { 'content-type': type }, body });
  for (const top of ['0', '11', 'abc', '2.5']) await expectError(await post(`/classify?top=${top}`, 'image/png', png), 400, 'bad_request');
  assert.match(await expectError(await post('/classify?model=nope', 'image/png', png), 404, 'not_found'), /toy/);
  await expectError(await post('/classify', 'text/plain', 'hello'), 415, 'unsupported_media_type');
  await expectError(await post('/classify', 'image/gif', png), 415, 'unsupported_media_type');
  await expectError(await post('/classify', 'image/png', new Uint8Array(70 * 1024)), 413, 'payload_too_large');
  await expectError(await post('/classify', 'image/png', await makeImage(200, 200, () => [1, 2, 3])), 413, 'payload_too_large');
  await expectError(await post('/classify', 'image/png', new TextEncoder().encode('not a png at all')), 422, 'unprocessable');
  await expectError(await post('/classify', 'image/png', png.subarray(0, png.length - 40)), 422, 'unprocessable');
  await expectError(await post('/classify', 'image/jpeg', png), 422, 'unprocessable');
  await expectError(await post('/classify', 'image/png', new Uint8Array(0)), 422, 'unprocessable');

  const noField = new FormData();
  noField.append('picture', new Blob([png], { type: 'image/png' }), 'a.png');
  await expectError(await app.request('/classify', { method: 'POST', body: noField }), 400, 'bad_request');
  const textField = new FormData();
  textField.append('image', 'just text');
  await expectError(await app.request('/classify', { method: 'POST', body: textField }), 400, 'bad_request');
  const wrongType = new FormData();
  wrongType.append('image', new Blob([png], { type: 'text/plain' }), 'a.txt');
  await expectError(await app.request('/classify', { method: 'POST', body: wrongType }), 415, 'unsupported_media_type');
  await expectError(await post('/classify', 'multipart/form-data; boundary=xyz', 'garbage'), 400, 'bad_request');
});

test('a full queue answers 429 at once with Retry-After; a stopping server answers 503', async (t) => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const slowRunner: BatchRunner = async (input, batch) => {
    await gate;
    return toyRunner(input, batch);
  };
  const { app, model, cleanup } = await toyApp({ runner: slowRunner, batching: { maxBatch: 1, maxQueue: 2, maxQueueDelayMs: 0 } });
  t.after(cleanup);
  const png = await makeImage(32, 32, toyFill(1));
  const send = () => app.request('/classify', { method: 'POST', headers: { 'content-type': 'image/png' }, body: png });
  // One request runs (blocked on the gate), two wait in the queue; the next one must be refused.
  const accepted = [send(), send(), send()];
  await new Promise((r) => setTimeout(r, 100));
  const refused = await send();
  assert.equal(refused.headers.get('retry-after'), '1');
  await expectError(refused, 429, 'overloaded');
  const stopped = model.batcher.stop();
  const late = await send();
  assert.ok(Number(late.headers.get('retry-after')) > 0);
  await expectError(late, 503, 'unavailable');
  release();
  for (const res of await Promise.all(accepted)) assert.equal(res.status, 200, 'requests in flight are still answered');
  await stopped;
});

test('an inference failure is a 500 without detail, and the app keeps serving', async (t) => {
  let fail = true;
  const flaky: BatchRunner = async (input, batch) => {
    if (fail) throw new Error('onnxruntime exploded at /secret/path/model.onnx');
    return toyRunner(input, batch);
  };
  const { app, cleanup } = await toyApp({ runner: flaky });
  t.after(cleanup);
  const png = await makeImage(32, 32, toyFill(1));
  const res = await app.request('/classify', { method: 'POST', headers: { 'content-type': 'image/png' }, body: png });
  const message = await expectError(res, 500, 'internal');
  assert.doesNotMatch(message, /secret|exploded/);
  fail = false;
  assert.equal((await app.request('/classify', { method: 'POST', headers: { 'content-type': 'image/png' }, body: png })).status, 200);
});
