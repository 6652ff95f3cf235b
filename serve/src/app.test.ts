import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CIFAR10_LABELS, SEED_CONTRACT } from '@onnx-edge/core';
import { makeImage, readJson, toyApp, toyFill } from '../testing/fixtures.ts';

async function webRoot(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const parent = await mkdtemp(join(tmpdir(), 'onnx-edge-web-'));
  t.after(() => rm(parent, { recursive: true, force: true }));
  const root = join(parent, 'dist');
  await mkdir(join(root, 'assets'), { recursive: true });
  await writeFile(join(root, 'index.html'), '<!doctype html><title>demo</title>');
  await writeFile(join(root, 'assets', 'ort-wasm-simd-threaded.wasm'), new Uint8Array([0, 97, 115, 109]));
  await writeFile(join(root, 'assets', 'ort.worker.mjs'), 'export {};');
  await writeFile(join(parent, 'secret.txt'), 'outside the web root');
  return root;
}

test('GET /models lists models; model.onnx and labels.json serve the files for the browser', async (t) => {
  const bytes = new Uint8Array([8, 7, 18, 4, 1, 2, 3, 4]);
  const { app, cleanup } = await toyApp({ modelBytes: bytes });
  t.after(cleanup);
  const list = await readJson(await app.request('/models'));
  assert.deepEqual(list, [{
    name: 'toy', version: 3, labels: [...CIFAR10_LABELS], inputLayout: 'NCHW', contract: JSON.parse(JSON.stringify(SEED_CONTRACT)), inputName: 'input', outputNames: ['probabilities'], executionProvider: 'cpu', sha256: createHash('sha256').update(bytes).digest('hex'), onnx: '/models/toy/model.onnx',
  }]);
  const onnx = await app.request('/models/toy/model.onnx');
  assert.equal(onnx.status, 200);
  assert.equal(onnx.headers.get('content-type'), 'application/octet-stream');
  assert.equal(onnx.headers.get('cross-origin-resource-policy'), 'same-origin');
  assert.equal(onnx.headers.get('cross-origin-embedder-policy'), 'require-corp');
  assert.deepEqual(new Uint8Array(await onnx.arrayBuffer()), bytes);
  assert.equal(onnx.headers.get('content-length'), String(bytes.length), 'lets the demo show download progress');
  const etag = onnx.headers.get('etag')!;
  assert.equal(etag, `"${createHash('sha256').update(bytes).digest('hex')}"`);
  assert.equal((await app.request('/models/toy/model.onnx', { headers: { 'if-none-match': etag } })).status, 304);
  assert.deepEqual(await readJson(await app.request('/models/toy/labels.json')), [...CIFAR10_LABELS]);
  const missing = await app.request('/models/nope/model.onnx');
  assert.equal(missing.status, 404);
  assert.equal((await readJson(missing)).error.code, 'not_found');
});

test('the web demo is served with isolation headers, a CSP that allows WebAssembly, and right MIME types', async (t) => {
  const root = await webRoot(t);
  const { app, cleanup } = await toyApp({ webRoot: root });
  t.after(cleanup);
  const index = await app.request('/');
  assert.equal(index.status, 200);
  assert.equal(index.headers.get('content-type'), 'text/html; charset=utf-8');
  assert.equal(index.headers.get('cross-origin-opener-policy'), 'same-origin');
  assert.equal(index.headers.get('cross-origin-embedder-policy'), 'require-corp');
  assert.equal(index.headers.get('x-content-type-options'), 'nosniff');
  const csp = index.headers.get('content-security-policy') ?? '';
  assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'/);
  assert.match(csp, /worker-src 'self' blob:/);
  assert.match(csp, /connect-src 'self'/);
  assert.match(await index.text(), /<title>demo<\/title>/);
  assert.equal((await app.request('/assets/ort-wasm-simd-threaded.wasm')).headers.get('content-type'), 'application/wasm');
  assert.equal((await app.request('/assets/ort.worker.mjs')).headers.get('content-type'), 'text/javascript; charset=utf-8');
  assert.equal((await app.request('/index.html')).status, 200);
  assert.equal(index.headers.get('cache-control'), 'no-cache');
  const etag = index.headers.get('etag')!;
  assert.equal((await app.request('/', { headers: { 'if-none-match': etag } })).status, 304, 'revalidation');
  assert.match((await app.request('/assets/ort.worker.mjs')).headers.get('cache-control') ?? '', /immutable/);
  for (const escape of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt', '/%00']) {
    const res = await app.request(escape);
    assert.equal(res.status, 404, escape);
    assert.doesNotMatch(await res.text(), /outside the web root/);
  }
  assert.equal((await app.request('/%E0%A4%A')).status, 400, 'malformed percent-encoding');
});

test('without a built demo, GET / says how to build it; unknown routes are JSON 404s', async (t) => {
  const { app, cleanup } = await toyApp({ webRoot: join(tmpdir(), 'onnx-edge-no-such-dir') });
  t.after(cleanup);
  const res = await app.request('/');
  assert.equal(res.status, 404);
  assert.match((await readJson(res)).error.message, /npm run build/);
  const post = await app.request('/nowhere', { method: 'POST' });
  assert.equal(post.status, 404);
  assert.deepEqual(Object.keys((await readJson(post)).error).sort(), ['code', 'message']);
});

test('GET /metrics reports requests by route and status, latency, queue time, batch sizes and in-flight', async (t) => {
  const { app, cleanup } = await toyApp();
  t.after(cleanup);
  await app.request('/classify', { method: 'POST', headers: { 'content-type': 'image/png' }, body: await makeImage(32, 32, toyFill(1)) });
  await app.request('/classify?top=99', { method: 'POST', headers: { 'content-type': 'image/png' }, body: 'x' });
  const res = await app.request('/metrics');
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /text\/plain/);
  const text = await res.text();
  assert.match(text, /onnx_edge_http_requests_total\{route="\/classify",method="POST",status="200"\} 1/);
  assert.match(text, /onnx_edge_http_requests_total\{route="\/classify",method="POST",status="400"\} 1/);
  assert.match(text, /onnx_edge_http_request_duration_seconds_bucket\{le="[^"]+",route="\/classify",method="POST"\}/);
  assert.match(text, /onnx_edge_queue_seconds_count\{model="toy"\} 1/);
  assert.match(text, /onnx_edge_batch_size_sum\{model="toy"\} 1/);
  assert.match(text, /onnx_edge_http_requests_in_flight 1/, 'the /metrics request itself is in flight');
  assert.match(text, /onnx_edge_image_decode_seconds_count 1/);
});

test('CORS is off by default and answers only the configured origin when on', async (t) => {
  const off = await toyApp();
  t.after(off.cleanup);
  const plain = await off.app.request('/models', { headers: { origin: 'https://example.com' } });
  assert.equal(plain.headers.get('access-control-allow-origin'), null);

  const on = await toyApp({ cors: ['https://example.com'] });
  t.after(on.cleanup);
  const allowed = await on.app.request('/models', { headers: { origin: 'https://example.com' } });
  assert.equal(allowed.headers.get('access-control-allow-origin'), 'https://example.com');
  const preflight = await on.app.request('/classify', { method: 'OPTIONS', headers: { origin: 'https://example.com', 'access-control-request-method': 'POST' } });
  assert.equal(preflight.status, 204);
  assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /POST/);
  const other = await on.app.request('/models', { headers: { origin: 'https://evil.example' } });
  assert.notEqual(other.headers.get('access-control-allow-origin'), 'https://evil.example');
});
