// Security defaults of a server started with nothing but a model: loopback only, CORS off, limits on,
// the demo page's headers (nosniff, a CSP that allows WebAssembly compilation and blob: workers as
// onnxruntime-web needs, cross-origin isolation), and no internals in any answer.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { SERVER_DEFAULTS, startServer, type RunningServer } from '@onnx-edge/serve';
import { exportSeedNetwork } from '@onnx-edge/serve/testing';
import * as corpus from './corpus.ts';
import { assertErrorAnswer, CaseLog, observe, rawRequest, REPO_ROOT, reliabilityCase } from './harness.ts';

const log = new CaseLog('security', 'Security defaults', 2);
let repo: string;
let webRoot: string;
/** Started with defaults only (port 0 aside). */
let server: RunningServer;
let serverPaths: string[];

before(async () => {
  ({ repo } = await exportSeedNetwork('inception10'));
  webRoot = await mkdtemp(join(tmpdir(), 'onnx-edge-security-web-'));
  await writeFile(join(webRoot, 'index.html'), '<!doctype html><title>demo</title><script type="module" src="/app.js"></script>');
  await writeFile(join(webRoot, 'app.js'), 'console.log(1)');
  server = await startServer({ repo, port: 0, logLevel: 'silent', webRoot });
  serverPaths = [repo, webRoot, REPO_ROOT.replace(/\/$/, '')];
  log.facts['server'] = 'startServer({repo, port: 0, webRoot}) — every other setting at its default';
});

after(async () => {
  log.write();
  await server?.close();
  if (repo) await rm(repo, { recursive: true, force: true });
  if (webRoot) await rm(webRoot, { recursive: true, force: true });
});

/** An IPv4 address of this machine that is not loopback, if it has one. */
function externalAddress(): string | undefined {
  return Object.values(networkInterfaces()).flat().find((a) => a && a.family === 'IPv4' && !a.internal)?.address;
}

reliabilityCase(log, 'binds 127.0.0.1 unless told otherwise', async (draft) => {
  draft.sent = 'startServer without a host; then a connection to this machine\'s non-loopback address on the same port';
  draft.expected = 'listening on http://127.0.0.1:<port>; the outside address refuses the connection';
  assert.equal(SERVER_DEFAULTS.host, '127.0.0.1');
  assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  const outside = externalAddress();
  if (outside) {
    const res = await rawRequest(`http://${outside}:${server.port}`, { path: '/v2/health/live', timeoutMs: 2000 });
    observe(draft, res);
    assert.equal(res.status, null, `no answer on ${outside}`);
    assert.match(res.error ?? '', /ECONNREFUSED/);
  } else {
    draft.body = '(this machine has no non-loopback IPv4 address; only the bound URL was checked)';
  }
});

reliabilityCase(log, 'CORS is off unless configured', async (draft) => {
  draft.sent = 'POST /classify and a preflight OPTIONS /classify with Origin: https://evil.example';
  draft.expected = 'no Access-Control-Allow-* header on either answer';
  const simple = await rawRequest(server.url, { method: 'POST', path: '/classify', headers: { origin: 'https://evil.example', 'content-type': 'image/png' }, body: await corpus.png() });
  const preflight = await rawRequest(server.url, { method: 'OPTIONS', path: '/classify', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' } });
  observe(draft, preflight);
  assert.equal(simple.status, 200);
  for (const res of [simple, preflight]) {
    assert.ok(!Object.keys(res.headers).some((h) => h.startsWith('access-control-')), `no CORS headers: ${JSON.stringify(res.headers)}`);
  }
});

reliabilityCase(log, 'CORS, when configured, allows only the listed origin', async (draft) => {
  const withCors = await startServer({ repo, port: 0, logLevel: 'silent', cors: ['https://app.example'] });
  try {
    draft.sent = 'server with cors [https://app.example]; preflights from https://app.example and https://evil.example';
    draft.expected = 'Access-Control-Allow-Origin: https://app.example for the listed origin only';
    const preflight = (origin: string) => rawRequest(withCors.url, { method: 'OPTIONS', path: '/classify', headers: { origin, 'access-control-request-method': 'POST' } });
    const allowed = await preflight('https://app.example');
    const refused = await preflight('https://evil.example');
    observe(draft, allowed);
    assert.equal(allowed.headers['access-control-allow-origin'], 'https://app.example');
    assert.notEqual(refused.headers['access-control-allow-origin'], 'https://evil.example');
    assert.notEqual(refused.headers['access-control-allow-origin'], '*');
  } finally {
    await withCors.close();
  }
});

reliabilityCase(log, 'body limit is on by default (16 MiB)', async (draft) => {
  const body = Buffer.alloc(SERVER_DEFAULTS.maxBodyBytes + 1, 7);
  draft.sent = `POST /classify, image/png, ${SERVER_DEFAULTS.maxBodyBytes + 1} bytes (the default limit plus one)`;
  draft.expected = '413 payload_too_large';
  const res = await rawRequest(server.url, { method: 'POST', path: '/classify', headers: { 'content-type': 'image/png' }, body });
  observe(draft, res);
  assertErrorAnswer(res, { status: 413, serverPaths });
});

reliabilityCase(log, 'pixel limit is on by default (40,000,000 pixels)', async (draft) => {
  const image = corpus.grayscalePngClaiming(6400, 6400, 'complete');
  draft.sent = `a complete 6,400×6,400 grayscale PNG (40,960,000 pixels, ${image.length} bytes)`;
  draft.expected = '413 before decoding';
  const res = await rawRequest(server.url, { method: 'POST', path: '/classify', headers: { 'content-type': 'image/png' }, body: image });
  observe(draft, res);
  assertErrorAnswer(res, { status: 413, serverPaths });
  assert.match(res.text, /40000000 pixels/);
});

reliabilityCase(log, 'request timeout is on by default', async (draft) => {
  draft.sent = 'the default settings';
  draft.expected = 'a finite request timeout (requests stalled longer are answered 408 and closed)';
  assert.ok(SERVER_DEFAULTS.requestTimeoutMs > 0 && SERVER_DEFAULTS.requestTimeoutMs <= 120_000, `default request timeout ${SERVER_DEFAULTS.requestTimeoutMs} ms`);
  draft.body = `requestTimeoutMs = ${SERVER_DEFAULTS.requestTimeoutMs}`;
});

reliabilityCase(log, 'demo page headers: nosniff, CSP that lets onnxruntime-web run, COOP/COEP', async (draft) => {
  draft.sent = 'GET /';
  draft.expected = 'X-Content-Type-Options nosniff; CSP with script-src self + wasm-unsafe-eval (no unsafe-inline/unsafe-eval), worker-src blob:, frame-ancestors none, object-src none; COOP same-origin; COEP require-corp';
  const res = await rawRequest(server.url, { path: '/' });
  observe(draft, res);
  draft.body = `CSP: ${res.headers['content-security-policy']}`;
  assert.equal(res.status, 200);
  assert.equal(res.headers['x-content-type-options'], 'nosniff');
  assert.equal(res.headers['cross-origin-opener-policy'], 'same-origin');
  assert.equal(res.headers['cross-origin-embedder-policy'], 'require-corp');
  const csp = String(res.headers['content-security-policy']);
  const directive = (name: string) => csp.split(';').map((d) => d.trim()).find((d) => d.startsWith(`${name} `)) ?? '';
  assert.match(directive('default-src'), /'self'/);
  // onnxruntime-web compiles WebAssembly (needs 'wasm-unsafe-eval') and starts its proxy worker from a blob: URL.
  assert.match(directive('script-src'), /'wasm-unsafe-eval'/);
  assert.doesNotMatch(directive('script-src'), /'unsafe-inline'|'unsafe-eval'/);
  assert.match(directive('worker-src'), /blob:/);
  assert.match(directive('frame-ancestors'), /'none'/);
  assert.match(directive('object-src'), /'none'/);
  assert.equal(res.headers['x-powered-by'], undefined);
});

reliabilityCase(log, 'API answers carry nosniff and no server fingerprint', async (draft) => {
  draft.sent = 'GET /v2/models/inception10 and GET /models/nope/model.onnx';
  draft.expected = 'X-Content-Type-Options nosniff on both; no X-Powered-By or Server version';
  const ok = await rawRequest(server.url, { path: '/v2/models/inception10' });
  const missing = await rawRequest(server.url, { path: '/models/nope/model.onnx' });
  observe(draft, missing);
  for (const res of [ok, missing]) {
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    assert.equal(res.headers['x-powered-by'], undefined);
    assert.equal(res.headers['server'], undefined);
  }
  assertErrorAnswer(missing, { status: 404, serverPaths });
});

reliabilityCase(log, 'static files are typed and cannot be sniffed into HTML', async (draft) => {
  draft.sent = 'GET /app.js';
  draft.expected = '200 text/javascript, nosniff, Cross-Origin-Resource-Policy same-origin';
  const res = await rawRequest(server.url, { path: '/app.js' });
  observe(draft, res);
  assert.equal(res.status, 200);
  assert.match(String(res.headers['content-type']), /^text\/javascript/);
  assert.equal(res.headers['x-content-type-options'], 'nosniff');
  assert.equal(res.headers['cross-origin-resource-policy'], 'same-origin');
});

reliabilityCase(log, 'an unknown client X-Request-Id cannot inject headers or log lines', async (draft) => {
  draft.sent = 'GET /v2/health/live with X-Request-Id of 300 characters containing quotes and spaces';
  draft.expected = 'a fresh server-made id is echoed instead';
  const hostile = `"><script>${'x'.repeat(280)} a b`;
  const res = await rawRequest(server.url, { path: '/v2/health/live', headers: { 'x-request-id': hostile } });
  observe(draft, res);
  assert.equal(res.status, 200);
  assert.notEqual(res.headers['x-request-id'], hostile);
  assert.match(String(res.headers['x-request-id']), /^[A-Za-z0-9._:-]{1,128}$/);
});
