import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ITEM_SIZE, readJson, toyApp, toyProbabilities } from '../../testing/fixtures.ts';

function item(seed: number): Float32Array {
  return Float32Array.from({ length: ITEM_SIZE }, (_, i) => ((i * 31 + seed * 17) % 97) / 97);
}

function nested(flat: Float32Array, n: number): number[][][][] {
  const out: number[][][][] = [];
  for (let b = 0; b < n; b++) {
    out.push(Array.from({ length: 3 }, (_, c) => Array.from({ length: 32 }, (_, y) => Array.from(flat.subarray(b * ITEM_SIZE + c * 1024 + y * 32, b * ITEM_SIZE + c * 1024 + y * 32 + 32)))));
  }
  return out;
}

const post = (app: { request: (p: string, i: RequestInit) => Response | Promise<Response> }, path: string, body: unknown) =>
  app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });

test('v2 health, server metadata, model metadata and readiness', async (t) => {
  const { app, setReady, cleanup } = await toyApp();
  t.after(cleanup);
  assert.deepEqual(await readJson(await app.request('/v2/health/live')), { live: true });
  assert.deepEqual(await readJson(await app.request('/v2/health/ready')), { ready: true });
  const server = await readJson(await app.request('/v2'));
  assert.equal(server.name, 'onnx-edge');
  assert.equal(typeof server.version, 'string');
  const meta = await readJson(await app.request('/v2/models/toy'));
  assert.equal(meta.name, 'toy');
  assert.deepEqual(meta.versions, ['3']);
  assert.equal(meta.platform, 'onnxruntime_onnx');
  assert.deepEqual(meta.inputs, [{ name: 'input', datatype: 'FP32', shape: [-1, 3, 32, 32] }]);
  assert.deepEqual(meta.outputs, [{ name: 'probabilities', datatype: 'FP32', shape: [-1, 10] }]);
  assert.equal(meta.parameters.execution_provider, 'cpu');
  assert.deepEqual(await readJson(await app.request('/v2/models/toy/versions/3')), meta);
  assert.deepEqual(await readJson(await app.request('/v2/models/toy/ready')), { name: 'toy', ready: true });

  setReady(false);
  const notReady = await app.request('/v2/health/ready');
  assert.equal(notReady.status, 503);
  assert.deepEqual(await readJson(notReady), { ready: false });
  assert.equal((await app.request('/v2/models/toy/ready')).status, 503);
  assert.equal((await app.request('/v2/health/live')).status, 200, 'live while not ready');
});

test('v2 infer takes flat and nested FP32 data, batch N, and answers per row', async (t) => {
  const { app, cleanup } = await toyApp();
  t.after(cleanup);
  const flat = new Float32Array(3 * ITEM_SIZE);
  [0, 1, 2].forEach((s) => flat.set(item(s), s * ITEM_SIZE));
  const request = (data: unknown) => ({ id: 'req-7', inputs: [{ name: 'input', shape: [3, 3, 32, 32], datatype: 'FP32', data }] });
  for (const data of [Array.from(flat), nested(flat, 3)]) {
    const res = await post(app, '/v2/models/toy/infer', request(data));
    assert.equal(res.status, 200);
    const body = await readJson(res);
    assert.equal(body.model_name, 'toy');
    assert.equal(body.model_version, '3');
    assert.equal(body.id, 'req-7');
    assert.equal(body.outputs.length, 1);
    const [out] = body.outputs;
    assert.equal(out.name, 'probabilities');
    assert.equal(out.datatype, 'FP32');
    assert.deepEqual(out.shape, [3, 10]);
    for (let s = 0; s < 3; s++) {
      const expected = toyProbabilities(item(s));
      for (let k = 0; k < 10; k++) assert.ok(Math.abs(out.data[s * 10 + k] - expected[k]!) < 1e-6);
    }
  }
  const selected = await readJson(await post(app, '/v2/models/toy/versions/3/infer', { ...request(Array.from(flat)), outputs: [{ name: 'probabilities' }] }));
  assert.equal(selected.outputs[0].name, 'probabilities');
});

test('v2 errors use the protocol body {"error": "..."} with 400, 404, 413, 422', async (t) => {
  const { app, cleanup } = await toyApp({ limits: { maxBodyBytes: 200_000 } });
  t.after(cleanup);
  const good = { name: 'input', shape: [1, 3, 32, 32], datatype: 'FP32', data: Array.from(item(1)) };
  const cases: [string, unknown, number][] = [
    ['/v2/models/toy/infer', '{not json', 400],
    ['/v2/models/toy/infer', [1, 2], 400],
    ['/v2/models/toy/infer', { inputs: [] }, 400],
    ['/v2/models/toy/infer', { inputs: [{ ...good, name: 'pixels' }] }, 400],
    ['/v2/models/toy/infer', { inputs: [{ ...good, data: ['a'] }] }, 400],
    ['/v2/models/toy/infer', { inputs: [{ ...good, shape: [1, 3, 32] }] }, 422],
    ['/v2/models/toy/infer', { inputs: [{ ...good, shape: [1, 32, 32, 3] }] }, 422],
    ['/v2/models/toy/infer', { inputs: [{ ...good, shape: [0, 3, 32, 32], data: [] }] }, 422],
    ['/v2/models/toy/infer', { inputs: [{ ...good, datatype: 'INT64' }] }, 422],
    ['/v2/models/toy/infer', { inputs: [{ ...good, data: good.data.slice(1) }] }, 422],
    ['/v2/models/toy/infer', { inputs: [good], outputs: [{ name: 'logits' }] }, 400],
    ['/v2/models/nope/infer', { inputs: [good] }, 404],
    ['/v2/models/toy/versions/9/infer', { inputs: [good] }, 404],
    ['/v2/models/toy/infer', { inputs: [{ ...good, shape: [80, 3, 32, 32], data: new Array(80 * ITEM_SIZE).fill(0) }] }, 413],
  ];
  for (const [path, body, status] of cases) {
    const res = await post(app, path, body);
    assert.equal(res.status, status, `${path} ${JSON.stringify(body).slice(0, 80)}`);
    const json = await readJson(res);
    assert.equal(typeof json.error, 'string', 'protocol error shape');
    assert.ok(json.error.length > 0);
  }
  const unknownModel = await app.request('/v2/models/nope');
  assert.equal(unknownModel.status, 404);
  assert.equal(typeof (await readJson(unknownModel)).error, 'string');
});

test('v2 infer refuses a batch larger than the queue can ever hold with 413', async (t) => {
  const { app, cleanup } = await toyApp({ batching: { maxQueue: 4 } });
  t.after(cleanup);
  const res = await post(app, '/v2/models/toy/infer', { inputs: [{ name: 'input', shape: [5, 3, 32, 32], datatype: 'FP32', data: new Array(5 * ITEM_SIZE).fill(0.5) }] });
  assert.equal(res.status, 413);
  assert.match((await readJson(res)).error, /split the request/);
});
