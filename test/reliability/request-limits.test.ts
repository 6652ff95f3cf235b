// What one request may make the server do, against the server as an operator runs it (child process,
// default settings): how many images and pixels it may have decoded (checked from the images' headers before
// anything is decoded), whether decoding goes on for a client that left, the range of FP32 values, and the
// JSON and multipart structures that used to hold the event loop for seconds. Figures: the server's CPU time
// and RSS (from /proc), a health probe in its own process, and the server's own event-loop delay.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { setPriority } from 'node:os';
import { after, before } from 'node:test';
import { exportSeedNetwork } from '@onnx-edge/serve/testing';
import { startChildServer, type ChildServer } from './child-server.ts';
import * as corpus from './corpus.ts';
import { assertErrorAnswer, assertStillServing, bytes, type CaseDraft, CaseLog, observe, rawRequest, type RawRequest, type RawResponse, reliabilityCase, REPO_ROOT } from './harness.ts';
import { startHealthProbe } from './health-probe.ts';

const HEALTH_BOUND_MS = 100;
const log = new CaseLog('request-limits', 'Request budgets and parsing', 12);
let repo: string;
let server: ChildServer;
let serverPaths: string[];
/** A 6,000×6,000 grayscale PNG of zeros: 36,000,000 pixels (within the per-image limit) in ~35 KB. */
let bomb: Buffer;

const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

before(async () => {
  ({ repo } = await exportSeedNetwork('inception10'));
  server = await startChildServer(repo);
  serverPaths = [repo, REPO_ROOT.replace(/\/$/, '')];
  bomb = corpus.grayscalePngClaiming(6000, 6000, 'complete');
  log.facts['server'] = 'node bin/onnx-edge.js serve (child process) with default settings: 16 MiB body, 40,000,000 pixels per image, 40,000,000 pixels and 64 images per request; Inception10';
});

after(async () => {
  log.write();
  if (server) assert.equal(await server.stop(), 0, 'the server exits 0 on SIGTERM');
  if (repo) await rm(repo, { recursive: true, force: true });
});

const classify = (type: string, body: Buffer): RawRequest => ({ method: 'POST', path: '/classify', headers: { 'content-type': type }, body, timeoutMs: 60_000 });
const infer = (body: string | Buffer): RawRequest => ({ method: 'POST', path: '/v2/models/inception10/infer', headers: { 'content-type': 'application/json' }, body, timeoutMs: 60_000 });
const images = (list: Buffer[], type = 'image/png') => {
  const { body, contentType } = corpus.multipart(list.map((data, i) => ({ name: 'image', filename: `${i}.png`, type, data })));
  return classify(contentType, body);
};

interface Spec {
  sent: string;
  request: () => RawRequest | Promise<RawRequest>;
  status: number;
  v2?: boolean;
  /** The answer's message must match. */
  message: RegExp;
  /** Bound on the server's CPU time for the request (ms): what it did was read headers, not decode. */
  maxCpuMs?: number;
  /** Bound on the server's RSS growth (MB); 50 unless the case says why it needs more. */
  maxRssGrowthMb?: number;
}

/** A refusal: the status and message, in bounded time, with the server's CPU and RSS growth measured. */
function refusal(name: string, spec: Spec): void {
  reliabilityCase(log, name, async (draft: CaseDraft) => {
    const req = await spec.request();
    draft.sent = `${spec.sent} (${bytes(Buffer.byteLength(req.body ?? ''))})`;
    const maxGrowth = spec.maxRssGrowthMb ?? 50;
    draft.expected = `${spec.status} naming the limit, in < 2 s${spec.maxCpuMs ? `, under ${spec.maxCpuMs} ms of server CPU` : ''}; RSS growth under ${maxGrowth} MB; a good request answered afterwards`;
    const rssBefore = server.rssBytes();
    const cpuBefore = server.cpuMs();
    const res = await rawRequest(server.url, req);
    const cpuMs = Math.round(server.cpuMs() - cpuBefore);
    const growth = mb(server.rssBytes() - rssBefore);
    observe(draft, res);
    draft.body = `${draft.body} — server CPU ${cpuMs} ms, RSS growth ${growth} MB`;
    assertErrorAnswer(res, { status: spec.status, v2: spec.v2, serverPaths });
    assert.match(res.text, spec.message);
    if (spec.maxCpuMs) assert.ok(cpuMs < spec.maxCpuMs, draft.body);
    assert.ok(growth < maxGrowth, draft.body);
    await assertStillServing(server.url);
  });
}

// --- the pixel and image budget of a request ------------------------------------------------------------------

refusal('40 in-limit decompression bombs in one multipart body', {
  sent: 'multipart/form-data with 40 files in field image, each a complete 6,000×6,000 PNG (36,000,000 pixels, within the per-image limit)',
  request: () => images(Array.from({ length: 40 }, () => bomb)),
  status: 413,
  message: /1440000000 pixels together; at most 40000000 .*--max-request-pixels/,
  maxCpuMs: 1000,
});
refusal('a 16 MiB multipart body of decompression bombs', {
  sent: 'multipart/form-data filling 16 MiB with 6,000×6,000 PNG bombs',
  request: () => images(Array.from({ length: Math.floor((16 * 1024 * 1024 - 65536) / (bomb.length + 200)) }, () => bomb)),
  status: 413,
  message: /more than 80 parts|--max-images|--max-request-pixels/,
  maxCpuMs: 1000,
});
refusal('two images within the per-image limit, over the request budget together', {
  sent: 'multipart/form-data with two complete 5,000×5,000 PNGs (25,000,000 pixels each)',
  request: () => images([corpus.grayscalePngClaiming(5000, 5000, 'complete'), corpus.grayscalePngClaiming(5000, 5000, 'complete')]),
  status: 413,
  message: /50000000 pixels together; at most 40000000/,
  maxCpuMs: 1000,
});
refusal('65 small images, one over the image count', {
  sent: 'multipart/form-data with 65 files of 32×32 PNG',
  request: async () => {
    const png = await corpus.png();
    return images(Array.from({ length: 65 }, () => png));
  },
  status: 413,
  message: /65 images; at most 64 .*--max-images/,
});
reliabilityCase(log, '64 small images, the most a request may carry, are all answered', async (draft) => {
  const png = await corpus.png();
  draft.sent = 'multipart/form-data with 64 files of 32×32 PNG';
  draft.expected = '200 with 64 results, each the answer to that image alone';
  const res = await rawRequest(server.url, images(Array.from({ length: 64 }, () => png)));
  observe(draft, res);
  assert.equal(res.status, 200, res.text.slice(0, 300));
  const results = (JSON.parse(res.text) as { results: { predictions: unknown[] }[] }).results;
  const alone = JSON.parse((await rawRequest(server.url, classify('image/png', png))).text) as { predictions: unknown[] };
  assert.equal(results.length, 64);
  for (const r of results) assert.deepEqual(r.predictions, alone.predictions);
});

// --- the side limit for every format, from the header -----------------------------------------------------------

refusal('JPEG of 65,000×610 (within the pixel limit, a side over 16,384)', {
  sent: 'a 32×32 JPEG whose frame header claims 65,000×610 (39,650,000 pixels)',
  request: async () => classify('image/jpeg', corpus.jpegClaiming(await corpus.jpeg(), 65_000, 610)),
  status: 413,
  message: /65000x610; sides longer than 16384/,
  maxCpuMs: 500,
});
refusal('JPEG of 16,000×3,000 (sides within the limit, over the pixel limit)', {
  sent: 'a 32×32 JPEG whose frame header claims 16,000×3,000 (48,000,000 pixels)',
  request: async () => classify('image/jpeg', corpus.jpegClaiming(await corpus.jpeg(), 16_000, 3000)),
  status: 413,
  message: /16000x3000, more than 40000000 pixels/,
  maxCpuMs: 500,
});
refusal('WebP canvas of 20,000×20,000', {
  sent: 'a WebP with alpha whose extended header (VP8X) claims a 20,000×20,000 canvas',
  request: async () => classify('image/webp', await corpus.webpClaiming(20_000, 20_000)),
  status: 413,
  message: /20000x20000; sides longer than 16384/,
  maxCpuMs: 500,
});
refusal('PNG of 16,385×1 (one pixel over the side limit)', {
  sent: 'a complete 16,385×1 grayscale PNG',
  request: () => classify('image/png', corpus.grayscalePngClaiming(16_385, 1, 'complete')),
  status: 413,
  message: /16385x1; sides longer than 16384/,
});
refusal('PNG of 16,384×16,384 in multipart (sides at the limit, over the pixel limit)', {
  sent: 'multipart/form-data with one complete 16,384×16,384 grayscale PNG (268,435,456 pixels)',
  request: () => images([corpus.grayscalePngClaiming(16_384, 16_384, 'complete')]),
  status: 413,
  message: /16384x16384, more than 40000000 pixels/,
  maxCpuMs: 1000,
});

// --- decoding stops when the client leaves --------------------------------------------------------------------

reliabilityCase(log, 'clients that leave while their bombs wait to be decoded', async (draft) => {
  draft.sent = 'first one POST /classify of a 6,000×6,000 PNG (36,000,000 pixels, within every limit) answered in full, to measure one decode; then 8 such requests at once whose clients leave after 300 ms';
  draft.expected = 'the single request answered 200; after the 8 clients left, the server spends less CPU than two decodes (one may be under way and cannot be interrupted; the rest never start), its RSS is less than 300 MB above its starting point, and a good request is answered';
  const rssBefore = server.rssBytes();
  let cpu = server.cpuMs();
  const single = await rawRequest(server.url, classify('image/png', bomb));
  const oneDecodeMs = server.cpuMs() - cpu;
  assert.equal(single.status, 200, `a bomb within every limit is classified: ${single.text.slice(0, 200)}`);
  const left = Array.from({ length: 8 }, () => rawRequest(server.url, { ...classify('image/png', bomb), timeoutMs: 300 }));
  const answers = await Promise.all(left);
  cpu = server.cpuMs();
  await sleep(4000);
  const afterLeavingMs = server.cpuMs() - cpu;
  const rssGrowth = mb(server.rssBytes() - rssBefore);
  await assertStillServing(server.url);
  draft.status = single.status;
  draft.ms = Math.round(single.ms);
  draft.body = `one decode: ${Math.round(oneDecodeMs)} ms of server CPU, answered in ${Math.round(single.ms)} ms; the 8 clients got ${[...new Set(answers.map((a) => a.status ?? a.error))].join(', ')}; server CPU in the 4 s after they left: ${Math.round(afterLeavingMs)} ms; RSS growth over the case ${rssGrowth} MB`;
  log.facts['clients leaving'] = draft.body;
  assert.ok(answers.every((a) => a.status === null), 'the clients left before any answer');
  assert.ok(afterLeavingMs < 2 * oneDecodeMs, draft.body);
  assert.ok(rssGrowth < 300, draft.body);
}, { timeout: 120_000 });

// --- FP32 values outside float32 --------------------------------------------------------------------------------

const v2Data = (values: Record<number, string>) => {
  const data = new Array<string>(3072).fill('0.5');
  for (const [i, v] of Object.entries(values)) data[Number(i)] = v;
  return `{"inputs":[{"name":"input","shape":[1,3,32,32],"datatype":"FP32","data":[${data.join(',')}]}]}`;
};
refusal('v2 FP32 value above float32 (3.5e38)', {
  sent: 'v2 infer whose element 17 is 3.5e38 (finite in JSON, above float32\'s 3.4028235e38)',
  request: () => infer(v2Data({ 17: '3.5e38' })),
  status: 400,
  v2: true,
  message: /element 17 is 3\.5e\+38, outside float32's range/,
});
refusal('v2 FP32 value below -float32 max, late in the data', {
  sent: 'v2 infer whose element 3071 (the last) is -1e39',
  request: () => infer(v2Data({ 3071: '-1e39' })),
  status: 400,
  v2: true,
  message: /element 3071 is -1e\+39, outside float32's range/,
});
reliabilityCase(log, 'v2 FP32 values at float32\'s limits are accepted', async (draft) => {
  draft.sent = 'v2 infer whose data holds 3.4028234663852886e38 (float32 max), -3.4028234663852886e38, 1e-50 (rounds to 0) and 1.4e-45 (the smallest subnormal)';
  draft.expected = '200 with 10 finite probabilities (no null)';
  const res = await rawRequest(server.url, infer(v2Data({ 0: '3.4028234663852886e38', 1: '-3.4028234663852886e38', 2: '1e-50', 3: '1.4e-45' })));
  observe(draft, res);
  assert.equal(res.status, 200, res.text.slice(0, 300));
  const out = (JSON.parse(res.text) as { outputs: { data: unknown[] }[] }).outputs[0]!.data;
  assert.equal(out.length, 10);
  assert.ok(out.every((v) => typeof v === 'number' && Number.isFinite(v)), `finite probabilities: ${JSON.stringify(out)}`);
});

// --- bodies that held the event loop -----------------------------------------------------------------------------

const SIXTEEN_MIB = 16 * 1024 * 1024;
const stallBodies: [string, string, () => RawRequest, number, boolean, number?][] = [
  ['16 MiB of [', `v2 infer whose body is 16 MiB of '['`, () => infer(Buffer.alloc(SIXTEEN_MIB, '[')), 400, true],
  ['1,000,000-key object', 'v2 infer whose body is one object of 1,000,000 keys (~13 MB)', () => infer(`{${Array.from({ length: 1_000_000 }, (_, i) => `"k${i}":0`).join(',')}}`), 400, true],
  ['16 MiB of numbers', 'v2 infer, shape [1,3,32,32] with 8,000,000 values (16 MiB of "0,"): more than the queue of 1,024 inputs can ever hold', () => infer(`{"inputs":[{"name":"input","shape":[1,3,32,32],"datatype":"FP32","data":[${'0,'.repeat(8_000_000 - 1)}0]}]}`), 413, true],
  // The one body here the structure scan lets through: JSON.parse's 3,000,000 numbers live in the parse
  // worker's heap (~25 MB as an array, beside the 6 MB text) until it collects them.
  ['3,000,000 numbers for a shape of one item', 'v2 infer, shape [1,3,32,32] with 3,000,000 values (6 MB): within what the queue holds, so parsed in full, then refused as Triton refuses a length that is not the shape\'s', () => infer(`{"inputs":[{"name":"input","shape":[1,3,32,32],"datatype":"FP32","data":[${'0,'.repeat(3_000_000 - 1)}0]}]}`), 400, true, 150],
  ['200,000 multipart parts', 'POST /classify, multipart/form-data with 200,000 empty parts (~16 MiB)', () => {
    const { body, contentType } = corpus.multipart(Array.from({ length: 200_000 }, () => ({ name: 'x', data: '' })), 'b');
    return classify(contentType, body);
  }, 413, false],
];
for (const [name, sent, request, status, v2, maxRssGrowthMb] of stallBodies) {
  refusal(name, { sent, request, status, v2, message: /./, ...(maxRssGrowthMb ? { maxRssGrowthMb } : {}) });
}

reliabilityCase(log, 'the event loop during four of each at once', async (draft) => {
  draft.sent = `the ${stallBodies.length} bodies above, four of each at once (${stallBodies.length * 4} requests), while a health probe in its own process asks every 25 ms`;
  draft.expected = `every body refused with its 4xx; every health check answered within ${HEALTH_BOUND_MS} ms; the server's own event-loop delay reported beside the machine's idle figures`;
  await server.eventLoopDelayMs();
  const idleProbe = await startHealthProbe(server.url, server.pid, 25, HEALTH_BOUND_MS);
  await sleep(2000);
  const idle = await idleProbe.stop();
  const idleLoopMs = await server.eventLoopDelayMs();
  const requests = stallBodies.flatMap(([, , request, status]) => Array.from({ length: 4 }, () => ({ req: request(), status })));
  const probe = await startHealthProbe(server.url, server.pid, 25, HEALTH_BOUND_MS);
  const schedule = server.mainThreadSchedule();
  // The clients run on the server's machine, where a real attacker's CPU is elsewhere: they yield the CPU.
  setPriority(19);
  const answers: RawResponse[] = await Promise.all(requests.map(({ req }) => rawRequest(server.url, req)));
  const health = await probe.stop();
  const after = server.mainThreadSchedule();
  const loopMs = await server.eventLoopDelayMs();
  draft.status = null;
  draft.body = `answers ${[...new Set(answers.map((a) => a.status))].join(', ')}, the slowest after ${Math.round(Math.max(...answers.map((a) => a.ms)))} ms; health: ${health.count} probes, p50 ${health.p50Ms} ms, p99 ${health.p99Ms} ms, max ${health.maxMs} ms (the server's main thread meanwhile ${health.slowest.serverCpuMs} ms on a CPU, ${health.slowest.serverWaitMs} ms waiting for one), ${health.failures} failed; server event-loop delay max ${loopMs} ms; server main thread ${Math.round(after.cpuMs - schedule.cpuMs)} ms on a CPU, ${Math.round(after.waitMs - schedule.waitMs)} ms waiting for one; idle before: health max ${idle.maxMs} ms, event-loop delay max ${idleLoopMs} ms`;
  log.facts['event loop under parse attacks'] = draft.body;
  answers.forEach((a, i) => assert.equal(a.status, requests[i]!.status, `request ${i}: ${a.text.slice(0, 200)}`));
  assert.equal(health.failures, 0, draft.body);
  assert.ok(health.maxMs < HEALTH_BOUND_MS, draft.body);
  await assertStillServing(server.url);
}, { timeout: 120_000 });
