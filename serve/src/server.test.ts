// End to end: a real server on 127.0.0.1 port 0 serving Inception10 exported by the project's compiler,
// answered over HTTP, compared with tfjs on the same CIFAR-10 pixels.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { getPriority } from 'node:os';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { startServer, type RunningServer } from './server.ts';
import { cifarSample, nchwOf, pngOf, type CifarImage } from '../testing/cifar.ts';
import { readJson } from '../testing/fixtures.ts';
import { HttpConnection, requestBytes } from '../testing/http-connection.ts';
import { slowUpload } from '../testing/slow-upload.ts';
import { exportSeedNetwork, tfjsProbabilities, type ExportedModel } from '../testing/models.ts';

const TOLERANCE = 1e-4;
let exported: ExportedModel;
let server: RunningServer;
let reference: Float32Array[] | undefined;
/** Linux thread ids of this process before the server started (its inference threads are the new ones). */
let threadsBefore: Set<string>;
const threadNice = (tid: string) => Number(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]);
const linuxThreads = () => (process.platform === 'linux' ? readdirSync('/proc/self/task') : []);

/** tfjs probabilities of the first n sample images, computed once for all tests (tfjs on CPU is the slow part). */
function expectedFor(images: CifarImage[]): Float32Array[] {
  if (!reference || reference.length < images.length) reference = tfjsProbabilities(exported.tfjsModel, images);
  return reference.slice(0, images.length);
}

before(async () => {
  exported = await exportSeedNetwork('inception10');
  threadsBefore = new Set(linuxThreads());
  server = await startServer({ repo: exported.repo, port: 0, logLevel: 'silent', maxQueueDelayMs: 5, webRoot: exported.repo });
});

after(async () => {
  await server?.close();
  if (exported) await rm(exported.repo, { recursive: true, force: true });
});

test('the HTTP thread yields to inference: nice 10 here, the threads started for the model keep nice 0', { skip: process.platform !== 'linux' && 'nice is per thread on Linux only' }, () => {
  assert.equal(getPriority(), 10, 'this (HTTP) thread');
  const started = linuxThreads().filter((tid) => !threadsBefore.has(tid));
  // The inference worker thread and onnxruntime's intra-op pool thread at least.
  assert.ok(started.length >= 2, `threads started with the server: ${started.length}`);
  assert.deepEqual(started.map(threadNice).filter((n) => n !== 0), [], 'every thread the server started keeps the normal priority');
});

function assertSameProbabilities(actual: ArrayLike<number>, expected: Float32Array, what: string): void {
  assert.equal(actual.length, expected.length, what);
  let worst = 0;
  for (let k = 0; k < expected.length; k++) worst = Math.max(worst, Math.abs(actual[k]! - expected[k]!));
  assert.ok(worst <= TOLERANCE, `${what}: max |Δ| ${worst} > ${TOLERANCE}`);
  const top = (p: ArrayLike<number>) => Array.from(p).indexOf(Math.max(...Array.from(p)));
  assert.equal(top(actual), top(expected), `${what}: same top-1`);
}

async function classify(image: Buffer): Promise<{ status: number; body: { predictions: { index: number; probability: number }[]; batch_size: number } }> {
  const res = await fetch(`${server.url}/classify?top=10`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: image });
  return { status: res.status, body: await readJson(res) };
}

function byIndex(predictions: { index: number; probability: number }[]): Float32Array {
  const out = new Float32Array(predictions.length);
  for (const p of predictions) out[p.index] = p.probability;
  return out;
}

test('/classify on real CIFAR-10 PNGs returns the tfjs probabilities (|Δ| ≤ 1e-4, same top-1)', async (t) => {
  const all = await cifarSample(t, 64);
  if (!all) return;
  expectedFor(all);
  const images = all.slice(0, 8);
  const expected = expectedFor(images);
  for (const [i, image] of images.entries()) {
    const { status, body } = await classify(await pngOf(image));
    assert.equal(status, 200);
    assertSameProbabilities(byIndex(body.predictions), expected[i]!, `image ${i}`);
  }
});

test('v2 infer returns the same numbers for the same pixels, as one batch', async (t) => {
  const images = await cifarSample(t, 8);
  if (!images) return;
  const expected = expectedFor(images);
  const data = images.flatMap((img) => Array.from(nchwOf(img)));
  const res = await fetch(`${server.url}/v2/models/inception10/infer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ inputs: [{ name: 'input', shape: [images.length, 3, 32, 32], datatype: 'FP32', data }] }),
  });
  assert.equal(res.status, 200);
  const body = await readJson(res);
  const out = body.outputs.find((o: { name: string }) => o.name === 'probabilities');
  assert.deepEqual(out.shape, [images.length, 10]);
  images.forEach((_, i) => assertSameProbabilities(out.data.slice(i * 10, (i + 1) * 10), expected[i]!, `row ${i}`));
});

test('64 concurrent requests are batched, and every answer is right for its own image', async (t) => {
  const images = await cifarSample(t, 64);
  if (!images) return;
  const expected = expectedFor(images);
  const pngs = await Promise.all(images.map((img: CifarImage) => pngOf(img)));
  // 64 connections first, then the 64 requests written in the same instant: "at once" on the wire, not
  // one after the other as a client library would connect and send them.
  const url = new URL(server.url);
  const connections = await Promise.all(pngs.map(() => HttpConnection.open(url)));
  const raw = await Promise.all(connections.map((c, i) => c.send(requestBytes(url, 'POST', '/classify?top=10', 'image/png', pngs[i]!))));
  connections.forEach((c) => c.close());
  const answers = raw.map((a) => ({ status: a.status, body: JSON.parse(a.body) as { predictions: { index: number; probability: number }[]; batch_size: number } }));
  answers.forEach((a, i) => {
    assert.equal(a.status, 200);
    assertSameProbabilities(byIndex(a.body.predictions), expected[i]!, `concurrent image ${i}`);
  });
  assert.ok(answers.some((a) => a.body.batch_size > 1), 'some answers came from a batch of more than one');
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  const count = Number(/onnx_edge_batch_size_count\{model="inception10"\} (\d+)/.exec(metrics)?.[1]);
  const sum = Number(/onnx_edge_batch_size_sum\{model="inception10"\} (\d+)/.exec(metrics)?.[1]);
  assert.ok(sum / count > 1, `metrics show a mean batch of ${sum}/${count}`);
  assert.match(metrics, /onnx_edge_batch_size_bucket\{le="1",model="inception10"\} \d+/);
  const singles = Number(/onnx_edge_batch_size_bucket\{le="1",model="inception10"\} (\d+)/.exec(metrics)?.[1]);
  assert.ok(singles < count, 'at least one batch larger than 1');
});

test('health, model metadata with the execution provider, model files and metrics answer over HTTP', async () => {
  assert.deepEqual(await readJson(await fetch(`${server.url}/v2/health/live`)), { live: true });
  assert.deepEqual(await readJson(await fetch(`${server.url}/v2/health/ready`)), { ready: true });
  const meta = await readJson(await fetch(`${server.url}/v2/models/inception10`));
  assert.deepEqual(meta.inputs, [{ name: 'input', datatype: 'FP32', shape: [-1, 3, 32, 32] }]);
  assert.ok(meta.outputs.some((o: { name: string; shape: number[] }) => o.name === 'probabilities' && o.shape[1] === 10));
  assert.equal(meta.parameters.execution_provider, 'cpu', 'no CUDA libraries on this machine');
  assert.match(meta.parameters.execution_provider_reason, /CUDA/);
  assert.equal(meta.parameters.max_batch_size, 64, 'read from config.pbtxt');
  const list = await readJson(await fetch(`${server.url}/models`));
  assert.equal(list[0].name, 'inception10');
  const onnx = await fetch(`${server.url}${list[0].onnx}`);
  assert.equal(onnx.status, 200);
  assert.ok((await onnx.arrayBuffer()).byteLength > 10_000);
  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  assert.match(metrics, /onnx_edge_model_info\{model="inception10",version="1",execution_provider="cpu"\} 1/);
  assert.match(metrics, /onnx_edge_inference_seconds_count\{model="inception10"\} [1-9]/);
});

test('the real server answers bad requests with the JSON error shape: 400, 404, 413, 415, 422', async () => {
  const post = (path: string, type: string, body: Uint8Array | string) => fetch(`${server.url}${path}`, { method: 'POST', headers: { 'content-type': type }, body });
  const png = await sharp({ create: { width: 32, height: 32, channels: 3, background: 'red' } }).png().toBuffer();
  const huge = await sharp({ create: { width: 8000, height: 6000, channels: 3, background: 'white' } }).png({ compressionLevel: 1 }).toBuffer();
  const cases: [Promise<Response>, number, string][] = [
    [post('/classify?top=0', 'image/png', png), 400, 'bad_request'],
    [post('/classify?model=missing', 'image/png', png), 404, 'not_found'],
    [fetch(`${server.url}/no/such/route`), 404, 'not_found'],
    [post('/classify', 'image/png', huge), 413, 'payload_too_large'],
    [post('/classify', 'application/pdf', png), 415, 'unsupported_media_type'],
    [post('/classify', 'image/png', png.subarray(0, 50)), 422, 'unprocessable'],
  ];
  for (const [response, status, code] of cases) {
    const res = await response;
    assert.equal(res.status, status, code);
    assert.equal((await readJson(res)).error.code, code);
  }
  const v2 = await fetch(`${server.url}/v2/models/inception10/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ inputs: [{ name: 'input', shape: [1, 3, 16, 16], datatype: 'FP32', data: new Array(768).fill(0) }] }) });
  assert.equal(v2.status, 422);
  assert.equal(typeof (await readJson(v2)).error, 'string');
});

test('close() answers requests in flight, then stops accepting (graceful shutdown)', async (t) => {
  const images = await cifarSample(t, 4);
  if (!images) return;
  const expected = expectedFor(images);
  // Half-sent uploads: the server has taken these requests but cannot answer them before finish().
  const uploads = await Promise.all(images.map(async (img) => slowUpload(server.url, '/classify?top=10', 'image/png', await pngOf(img))));
  while (((await server.metrics.inFlight.get()).values[0]?.value ?? 0) < uploads.length) await new Promise((r) => setTimeout(r, 5));
  const closing = server.close();
  await new Promise((r) => setTimeout(r, 50));
  await assert.rejects(fetch(`${server.url}/v2/health/live`), 'no new connections once closing');
  for (const u of uploads) u.finish();
  const answers = await Promise.all(uploads.map((u) => u.response));
  answers.forEach((a, i) => {
    assert.equal(a.status, 200);
    assertSameProbabilities(byIndex(JSON.parse(a.body).predictions), expected[i]!, `in-flight image ${i}`);
  });
  await closing;
});
