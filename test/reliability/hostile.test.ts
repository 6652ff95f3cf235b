// Hostile input against a real server (startServer, 127.0.0.1, port 0, Inception10 exported by the project
// with seeded weights): every case gets the documented 4xx JSON answer in bounded time, without a stack
// trace or a server path, and a good request is answered right after it. Images that are odd but valid
// (16-bit, grayscale, CMYK, palette, alpha, progressive, large) must be classified.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before } from 'node:test';
import { startServer, type RunningServer } from '@onnx-edge/serve';
import { exportSeedNetwork } from '@onnx-edge/serve/testing';
import * as corpus from './corpus.ts';
import { asResponse, assertErrorAnswer, assertNoLeak, bytes, CaseLog, observe, rawRequest, REPO_ROOT, reliabilityCase, socketExchange, type CaseDraft, type RawRequest, type RawResponse } from './harness.ts';

/** The server's request timeout in this file: short, so that the stalled-client cases finish quickly. */
const REQUEST_TIMEOUT_MS = 1000;
const SECRET = 'reliability-secret-4f2a';

const log = new CaseLog('hostile', 'Hostile input', 1);
let server: RunningServer;
let repo: string;
let scratch: string;
let goodPng: Buffer;
let serverPaths: string[];

before(async () => {
  ({ repo } = await exportSeedNetwork('inception10'));
  scratch = await mkdtemp(join(tmpdir(), 'onnx-edge-hostile-'));
  // A web root with a page, and beside it a file that no URL may reach.
  await mkdir(join(scratch, 'web'));
  await writeFile(join(scratch, 'web', 'index.html'), '<!doctype html><title>demo</title>');
  await writeFile(join(scratch, 'secret.txt'), SECRET);
  server = await startServer({ repo, port: 0, logLevel: 'silent', webRoot: join(scratch, 'web'), requestTimeoutMs: REQUEST_TIMEOUT_MS });
  goodPng = await corpus.png();
  serverPaths = [repo, scratch, REPO_ROOT.replace(/\/$/, '')];
  log.facts['server'] = `startServer on 127.0.0.1, port 0; Inception10 (seeded random weights) exported by the project; request timeout ${REQUEST_TIMEOUT_MS} ms; default limits (16 MiB body, 40,000,000 pixels)`;
});

after(async () => {
  log.write();
  await server?.close();
  if (repo) await rm(repo, { recursive: true, force: true });
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

/** After every case: a good PNG is still classified. */
async function assertStillServing(): Promise<void> {
  const res = await rawRequest(server.url, { method: 'POST', path: '/classify', headers: { 'content-type': 'image/png' }, body: goodPng });
  assert.equal(res.status, 200, `a good request right after the case is answered 200 (got ${res.status} ${res.text.slice(0, 200)})`);
  assert.equal(JSON.parse(res.text).predictions.length, 5);
}

interface ErrorCase {
  sent: string;
  request: () => Promise<RawRequest> | RawRequest;
  status: number | number[];
  v2?: boolean;
  /** Extra checks on the answer. */
  check?: (res: RawResponse) => void;
}

function errorCase(name: string, spec: ErrorCase): void {
  reliabilityCase(log, name, async (draft: CaseDraft) => {
    const req = await spec.request();
    draft.sent = spec.sent;
    draft.expected = `${[spec.status].flat().join('/')} ${spec.v2 ? '{"error": "…"}' : '{"error":{"code","message"}}'} in < 2 s`;
    const res = await rawRequest(server.url, req);
    observe(draft, res);
    assertErrorAnswer(res, { status: spec.status, v2: spec.v2, serverPaths });
    spec.check?.(res);
    await assertStillServing();
  });
}

function imageWorks(name: string, sent: string, type: string, image: () => Promise<Buffer>): void {
  reliabilityCase(log, name, async (draft) => {
    const body = await image();
    draft.sent = `${sent} (${bytes(body.length)}, ${type})`;
    draft.expected = '200 with 5 predictions';
    const res = await rawRequest(server.url, { method: 'POST', path: '/classify', headers: { 'content-type': type }, body });
    observe(draft, res);
    assert.equal(res.status, 200, res.text.slice(0, 300));
    assert.ok(res.ms < 2000, `answered in ${res.ms.toFixed(0)} ms`);
    const answer = JSON.parse(res.text) as { predictions: { probability: number }[] };
    assert.equal(answer.predictions.length, 5);
    assert.ok(answer.predictions.every((p) => Number.isFinite(p.probability) && p.probability >= 0 && p.probability <= 1));
    await assertStillServing();
  });
}

const classify = (type: string | undefined, body: Buffer | string, query = ''): RawRequest => ({
  method: 'POST',
  path: `/classify${query}`,
  headers: type === undefined ? {} : { 'content-type': type },
  body,
});

const infer = (body: string | object, model = 'inception10'): RawRequest => ({
  method: 'POST',
  path: `/v2/models/${model}/infer`,
  headers: { 'content-type': 'application/json' },
  body: typeof body === 'string' ? body : JSON.stringify(body),
});

// --- bodies that are not images ---------------------------------------------------------------------------
errorCase('empty body declared as PNG', { sent: 'POST /classify, image/png, 0 bytes', request: () => classify('image/png', Buffer.alloc(0)), status: 422 });
errorCase('empty body without a content type', { sent: 'POST /classify, no Content-Type, 0 bytes', request: () => classify(undefined, Buffer.alloc(0)), status: 415 });
errorCase('plain text declared as PNG', { sent: 'POST /classify, image/png, the text "hello"', request: () => classify('image/png', 'hello'), status: 422 });

// --- damaged images ---------------------------------------------------------------------------------------
errorCase('truncated PNG', { sent: 'a 32×32 PNG cut to half its bytes', request: async () => classify('image/png', corpus.truncated(await corpus.png())), status: 422 });
errorCase('bit-flipped PNG (IDAT data, CRC mismatch)', { sent: 'a 32×32 PNG with 4 bytes of its IDAT chunk inverted', request: async () => classify('image/png', corpus.flippedPng(await corpus.png())), status: 422 });
errorCase('truncated JPEG', { sent: 'a 32×32 JPEG cut to half its bytes', request: async () => classify('image/jpeg', corpus.truncated(await corpus.jpeg())), status: 422 });
errorCase('bit-flipped JPEG (Huffman table)', { sent: 'a 32×32 JPEG with 8 bytes of its DHT segment inverted', request: async () => classify('image/jpeg', corpus.flippedJpeg(await corpus.jpeg())), status: 422 });
errorCase('truncated WebP', { sent: 'a 32×32 lossy WebP cut to half its bytes', request: async () => classify('image/webp', corpus.truncated(await corpus.webp())), status: 422 });
errorCase('bit-flipped WebP (VP8 frame header)', { sent: 'a 32×32 WebP with 8 bytes of its VP8 frame header inverted', request: async () => classify('image/webp', corpus.flippedWebp(await corpus.webp())), status: 422 });
errorCase('PNG signature followed by nothing', { sent: 'the 8-byte PNG signature alone', request: async () => classify('image/png', (await corpus.png()).subarray(0, 8)), status: 422 });

// --- wrong magic for the declared type ----------------------------------------------------------------------
errorCase('PNG bytes declared as JPEG', { sent: 'a valid PNG with Content-Type image/jpeg', request: async () => classify('image/jpeg', await corpus.png()), status: 422 });
errorCase('JPEG bytes declared as WebP', { sent: 'a valid JPEG with Content-Type image/webp', request: async () => classify('image/webp', await corpus.jpeg()), status: 422 });
errorCase('WebP bytes declared as PNG', { sent: 'a valid WebP with Content-Type image/png', request: async () => classify('image/png', await corpus.webp()), status: 422 });
errorCase('TIFF bytes declared as PNG', { sent: 'a two-page TIFF with Content-Type image/png', request: async () => classify('image/png', await corpus.multiPageTiff()), status: 422 });

// --- decompression bombs and pixel limits ------------------------------------------------------------------
errorCase('PNG header claiming 100,000×100,000 pixels', {
  sent: 'a well-formed PNG whose IHDR claims 100,000×100,000 grayscale pixels (10¹⁰), with one row of data',
  request: () => classify('image/png', corpus.grayscalePngClaiming(100_000, 100_000, 'one')),
  status: 413,
});
errorCase('JPEG header claiming 65,000×65,000 pixels', {
  sent: 'a 32×32 JPEG whose SOF0 frame header is rewritten to claim 65,000×65,000 (4.2·10⁹ pixels)',
  request: async () => classify('image/jpeg', corpus.jpegClaiming(await corpus.jpeg(), 65_000, 65_000)),
  status: 413,
});
errorCase('complete decompression bomb (8,000×6,000 zeros)', {
  sent: 'a complete, valid PNG of 8,000×6,000 black pixels: 48 MB of pixels deflated to ~50 KB, above the 40,000,000-pixel limit',
  request: () => classify('image/png', corpus.grayscalePngClaiming(8000, 6000, 'complete')),
  status: 413,
});

errorCase('PNG of 1×10,000,000 pixels (within the pixel limit, 10 million rows)', {
  sent: 'a complete, valid 1×10,000,000 grayscale PNG (~10 KB deflated): within the pixel limit, but seconds of decoding row by row',
  request: () => classify('image/png', corpus.grayscalePngClaiming(1, 10_000_000, 'complete')),
  status: 413,
});
imageWorks('PNG of 16,384×1 pixels (the longest side accepted) is classified', 'a 16,384×1 grayscale PNG', 'image/png', async () => corpus.grayscalePngClaiming(16_384, 1, 'complete'));

// --- animations and multi-page images -----------------------------------------------------------------------
errorCase('animated WebP (2 frames)', { sent: 'a 2-frame animated WebP, image/webp', request: async () => classify('image/webp', await corpus.animated('webp')), status: 422 });
errorCase('animated PNG (APNG, 2 frames)', { sent: 'a 2-frame APNG (acTL, fcTL+IDAT, fcTL+fdAT), image/png', request: () => classify('image/png', corpus.animatedPng()), status: 422 });
errorCase('animated GIF (2 frames)', { sent: 'a 2-frame animated GIF, image/gif', request: async () => classify('image/gif', await corpus.animated('gif')), status: 415 });
errorCase('multi-page TIFF (2 pages)', { sent: 'a 2-page TIFF, image/tiff', request: async () => classify('image/tiff', await corpus.multiPageTiff()), status: 415 });

// --- odd but valid images must work --------------------------------------------------------------------------
imageWorks('16-bit PNG is classified', '32×32 RGB PNG with 16 bits per channel', 'image/png', corpus.png16);
imageWorks('grayscale PNG is classified', '32×32 8-bit grayscale PNG', 'image/png', corpus.grayscalePng);
imageWorks('grayscale JPEG is classified', '32×32 grayscale JPEG', 'image/jpeg', corpus.grayscaleJpeg);
imageWorks('CMYK JPEG is classified', '32×32 CMYK JPEG', 'image/jpeg', corpus.cmykJpeg);
imageWorks('palette PNG is classified', '32×32 PNG with a 16-colour palette', 'image/png', corpus.palettePng);
imageWorks('PNG with alpha is classified', '32×32 RGBA PNG, alpha 0.5', 'image/png', corpus.rgbaPng);
imageWorks('progressive JPEG of another size is classified', '64×48 progressive JPEG (resized to 32×32)', 'image/jpeg', corpus.progressiveJpeg);
imageWorks('large JPEG is classified', '2,000×1,500 JPEG (3 MP, resized to 32×32)', 'image/jpeg', () => corpus.jpeg(2000, 1500));

// --- body size -------------------------------------------------------------------------------------------------
errorCase('50 MB body with Content-Length', {
  sent: 'POST /classify, image/png, Content-Length 52,428,800, 50 MiB body',
  request: () => classify('image/png', Buffer.alloc(50 * 1024 * 1024, 1)),
  status: 413,
});
errorCase('50 MB chunked body (no Content-Length)', {
  sent: 'POST /classify, image/png, Transfer-Encoding chunked, 50 MiB streamed',
  request: () => ({ ...classify('image/png', Buffer.alloc(50 * 1024 * 1024, 1)), headers: { 'content-type': 'image/png', 'transfer-encoding': 'chunked' } }),
  status: 413,
});
errorCase('50 MB v2 infer body', {
  sent: 'POST /v2/models/inception10/infer, 50 MiB of JSON',
  request: () => infer(`{"inputs":[{"name":"input","shape":[1,3,32,32],"datatype":"FP32","data":[${'0,'.repeat(25 * 1024 * 1024)}0]}]}`),
  status: 413,
  v2: true,
});

// --- multipart -------------------------------------------------------------------------------------------------
errorCase('multipart without the image field', {
  sent: "multipart/form-data with one file field named 'picture'",
  request: async () => {
    const { body, contentType } = corpus.multipart([{ name: 'picture', filename: 'a.png', type: 'image/png', data: await corpus.png() }]);
    return classify(contentType, body);
  },
  status: 400,
});
errorCase('multipart image field sent as text', {
  sent: "multipart/form-data whose field 'image' is a text value",
  request: () => {
    const { body, contentType } = corpus.multipart([{ name: 'image', data: 'not a file' }]);
    return classify(contentType, body);
  },
  status: 400,
});
errorCase('multipart with a file field and a text field both named image', {
  sent: "multipart/form-data with two fields 'image': a PNG file and a text value",
  request: async () => {
    const { body, contentType } = corpus.multipart([{ name: 'image', filename: 'a.png', type: 'image/png', data: await corpus.png() }, { name: 'image', data: 'second' }]);
    return classify(contentType, body);
  },
  status: 400,
});
errorCase('multipart without a boundary', { sent: 'Content-Type multipart/form-data (no boundary), a PNG as the body', request: async () => classify('multipart/form-data', await corpus.png()), status: 400 });
errorCase('multipart with a boundary that never occurs', {
  sent: 'multipart/form-data; boundary=nowhere, with a body using another boundary',
  request: async () => classify('multipart/form-data; boundary=nowhere', corpus.multipart([{ name: 'image', filename: 'a.png', type: 'image/png', data: await corpus.png() }]).body),
  status: 400,
});
errorCase('multipart file with an unsupported type', {
  sent: "multipart/form-data, field 'image' holding a GIF (Content-Type image/gif)",
  request: async () => {
    const { body, contentType } = corpus.multipart([{ name: 'image', filename: 'a.gif', type: 'image/gif', data: await corpus.animated('gif') }]);
    return classify(contentType, body);
  },
  status: 415,
});
errorCase('multipart with 2,000 image files', {
  sent: "multipart/form-data with 2,000 files in field 'image' (more inputs than the queue's 1,024)",
  request: async () => {
    const png = await corpus.png();
    const { body, contentType } = corpus.multipart(Array.from({ length: 2000 }, (_, i) => ({ name: 'image', filename: `${i}.png`, type: 'image/png', data: png })));
    return classify(contentType, body);
  },
  status: 413,
});
reliabilityCase(log, 'multipart with two image files answers each', async (draft) => {
  const first = await corpus.png();
  const second = await corpus.jpeg(40, 40);
  const { body, contentType } = corpus.multipart([{ name: 'image', filename: 'first.png', type: 'image/png', data: first }, { name: 'image', filename: 'second.jpg', type: 'image/jpeg', data: second }]);
  draft.sent = "multipart/form-data with two files in field 'image' (a PNG and a JPEG)";
  draft.expected = '200 with one result per file, each equal to that file sent alone';
  const res = await rawRequest(server.url, classify(contentType, body));
  observe(draft, res);
  assert.equal(res.status, 200, res.text);
  const results = (JSON.parse(res.text) as { results: { filename: string; predictions: unknown[] }[] }).results;
  assert.deepEqual(results.map((r) => r.filename), ['first.png', 'second.jpg']);
  for (const [i, [image, type]] of ([[first, 'image/png'], [second, 'image/jpeg']] as const).entries()) {
    const alone = JSON.parse((await rawRequest(server.url, classify(type, image))).text) as { predictions: unknown[] };
    assert.deepEqual(results[i]!.predictions, alone.predictions, `file ${i} answered as when sent alone`);
  }
});
reliabilityCase(log, 'multipart with a 64 KiB filename', async (draft) => {
  const filename = `${'x'.repeat(64 * 1024)}.png`;
  const { body, contentType } = corpus.multipart([{ name: 'image', filename, type: 'image/png', data: await corpus.png() }]);
  draft.sent = "multipart/form-data, field 'image' with a 65,540-character filename";
  draft.expected = '200 (the filename is not needed and not echoed for a single file), < 2 s';
  const res = await rawRequest(server.url, classify(contentType, body));
  observe(draft, res);
  assert.equal(res.status, 200, res.text.slice(0, 300));
  assert.ok(res.ms < 2000);
  assert.ok(!res.text.includes('xxxxxxxx'), 'the filename is not echoed');
  await assertStillServing();
});

// --- content types and query parameters ------------------------------------------------------------------------
errorCase('text/plain body', { sent: 'POST /classify, text/plain', request: () => classify('text/plain', 'hello'), status: 415 });
errorCase('application/json body on /classify', { sent: 'POST /classify, application/json {"image":"..."}', request: () => classify('application/json', '{"image":"aGVsbG8="}'), status: 415 });
errorCase('application/octet-stream PNG', { sent: 'POST /classify, a valid PNG as application/octet-stream', request: async () => classify('application/octet-stream', await corpus.png()), status: 415 });
errorCase('top=0', { sent: 'POST /classify?top=0 with a valid PNG', request: async () => classify('image/png', await corpus.png(), '?top=0'), status: 400 });
errorCase('top=1e3', { sent: 'POST /classify?top=1e3 with a valid PNG', request: async () => classify('image/png', await corpus.png(), '?top=1e3'), status: 400 });

// --- v2 inference bodies -----------------------------------------------------------------------------------------
errorCase('v2 body is not JSON', { sent: 'POST …/infer with body "{inputs:"', request: () => infer('{inputs:'), status: 400, v2: true });
errorCase('v2 empty body', { sent: 'POST …/infer with an empty body', request: () => infer(''), status: 400, v2: true });
errorCase('v2 body is a JSON array', { sent: 'POST …/infer with body [1,2,3]', request: () => infer([1, 2, 3]), status: 400, v2: true });
errorCase('v2 wrong datatype (INT64)', { sent: 'v2 infer, datatype "INT64", otherwise valid', request: () => infer(corpus.v2Body({}, { datatype: 'INT64' })), status: [400, 422], v2: true });
errorCase('v2 wrong shape [1,3,28,28]', { sent: 'v2 infer, shape [1,3,28,28] with 2,352 values', request: () => infer(corpus.v2Body({}, { shape: [1, 3, 28, 28], data: new Array(2352).fill(0.5) })), status: [400, 422], v2: true });
errorCase('v2 shape claiming 10⁹ elements', {
  sent: 'v2 infer, shape [1000000000,3,32,32] (3·10¹² values) with 3,072 values of data',
  request: () => infer(corpus.v2Body({}, { shape: [1_000_000_000, 3, 32, 32] })),
  status: [400, 413, 422],
  v2: true,
});
errorCase('v2 data shorter than its shape', { sent: 'v2 infer, shape [1,3,32,32] with 100 values', request: () => infer(corpus.v2Body({}, { data: new Array(100).fill(0.5) })), status: [400, 422], v2: true });
errorCase('v2 shape with a negative and a fractional dimension', { sent: 'v2 infer, shape [-1,3,32.5,32]', request: () => infer(corpus.v2Body({}, { shape: [-1, 3, 32.5, 32] })), status: 400, v2: true });
errorCase('v2 nested garbage in data', { sent: 'v2 infer, data [[0.5,"x"],{"a":null},[true]]', request: () => infer(corpus.v2Body({}, { data: [[0.5, 'x'], { a: null }, [true]] })), status: 400, v2: true });
errorCase('v2 NaN literal', { sent: 'v2 infer whose data holds the bare token NaN (not JSON)', request: () => infer(JSON.stringify(corpus.v2Body()).replace('[0.5,', '[NaN,')), status: 400, v2: true });
errorCase('v2 Infinity through 1e999', { sent: 'v2 infer whose data holds 1e999 (parses to Infinity)', request: () => infer(JSON.stringify(corpus.v2Body()).replace('[0.5,', '[1e999,')), status: [400, 422], v2: true });
errorCase('v2 missing inputs', { sent: 'v2 infer, body {"id":"x"}', request: () => infer({ id: 'x' }), status: 400, v2: true });
errorCase('v2 input without data', {
  sent: 'v2 infer, the input has name, shape and datatype but no data',
  request: () => {
    const body = corpus.v2Body();
    delete (body.inputs as Record<string, unknown>[])[0]!.data;
    return infer(body);
  },
  status: 400,
  v2: true,
});
errorCase('v2 input without shape', {
  sent: 'v2 infer, the input has no shape',
  request: () => {
    const body = corpus.v2Body();
    delete (body.inputs as Record<string, unknown>[])[0]!.shape;
    return infer(body);
  },
  status: 400,
  v2: true,
});
errorCase('v2 unknown input name', { sent: 'v2 infer, input named "images"', request: () => infer(corpus.v2Body({}, { name: 'images' })), status: 400, v2: true });
errorCase('v2 extra input tensor', {
  sent: 'v2 infer with two input tensors',
  request: () => {
    const body = corpus.v2Body();
    (body.inputs as unknown[]).push({ ...(body.inputs as object[])[0]!, name: 'extra' });
    return infer(body);
  },
  status: 400,
  v2: true,
});
errorCase('v2 unknown output requested', { sent: 'v2 infer asking for output "features"', request: () => infer(corpus.v2Body({ outputs: [{ name: 'features' }] })), status: 400, v2: true });
reliabilityCase(log, 'v2 extra unknown fields are ignored', async (draft) => {
  draft.sent = 'v2 infer, valid, plus top-level "foo": {"bar": [1]} and "parameters": {"x": 1}';
  draft.expected = '200 (unknown fields are ignored, as KServe does)';
  const res = await rawRequest(server.url, infer(corpus.v2Body({ foo: { bar: [1] }, parameters: { x: 1 } })));
  observe(draft, res);
  assert.equal(res.status, 200, res.text.slice(0, 300));
  assertNoLeak(res.text, serverPaths);
});
errorCase('v2 data nested 100,000 levels deep', {
  sent: 'v2 infer whose data is one number inside 100,000 nested arrays',
  request: () => infer(`{"inputs":[{"name":"input","shape":[1,3,32,32],"datatype":"FP32","data":${corpus.deeplyNestedJson(100_000)}}]}`),
  status: [400, 422],
  v2: true,
});
errorCase('v2 body nested 100,000 objects deep', {
  sent: 'v2 infer body {"a":{"a":{… 100,000 levels …}}}',
  request: () => infer(`${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`),
  status: 400,
  v2: true,
});

// --- unknown models and path traversal ----------------------------------------------------------------------------
errorCase('unknown model on v2 infer', { sent: 'POST /v2/models/nope/infer', request: () => infer(corpus.v2Body(), 'nope'), status: 404, v2: true });
errorCase('unknown model on /classify', { sent: 'POST /classify?model=nope', request: async () => classify('image/png', await corpus.png(), '?model=nope'), status: 404 });
errorCase('traversal model name on /classify', { sent: 'POST /classify?model=../../etc/passwd', request: async () => classify('image/png', await corpus.png(), '?model=..%2F..%2Fetc%2Fpasswd'), status: 404 });
errorCase('v2 model path ../../etc/passwd', { sent: 'GET /v2/models/../../etc/passwd (raw, unnormalised by the client)', request: () => ({ path: '/v2/models/../../etc/passwd' }), status: 404 });
errorCase('v2 model name URL-encoded traversal', { sent: 'GET /v2/models/..%2F..%2Fetc%2Fpasswd', request: () => ({ path: '/v2/models/..%2F..%2Fetc%2Fpasswd' }), status: 404, v2: true });
errorCase('model file URL-encoded traversal', { sent: 'GET /models/..%2F..%2Fetc%2Fpasswd/model.onnx', request: () => ({ path: '/models/..%2F..%2Fetc%2Fpasswd/model.onnx' }), status: 404 });
errorCase('model file double-encoded traversal', { sent: 'GET /models/%252e%252e%252fsecret/model.onnx', request: () => ({ path: '/models/%252e%252e%252fsecret/model.onnx' }), status: 404 });
errorCase('static file ../ traversal (raw)', { sent: 'GET /../secret.txt (raw)', request: () => ({ path: '/../secret.txt' }), status: 404, check: (r) => assert.ok(!r.text.includes(SECRET)) });
errorCase('static file encoded ../ traversal', { sent: 'GET /..%2fsecret.txt', request: () => ({ path: '/..%2fsecret.txt' }), status: 404, check: (r) => assert.ok(!r.text.includes(SECRET)) });
errorCase('static file %2e%2e traversal', { sent: 'GET /%2e%2e/%2e%2e/etc/passwd', request: () => ({ path: '/%2e%2e/%2e%2e/etc/passwd' }), status: 404, check: (r) => assert.doesNotMatch(r.text, /root:/) });
errorCase('static file backslash traversal', { sent: 'GET /..%5csecret.txt', request: () => ({ path: '/..%5csecret.txt' }), status: 404, check: (r) => assert.ok(!r.text.includes(SECRET)) });
errorCase('static file with a NUL byte', { sent: 'GET /index.html%00.png', request: () => ({ path: '/index.html%00.png' }), status: 404 });
errorCase('static file with broken percent-encoding', { sent: 'GET /%E0%A4%A', request: () => ({ path: '/%E0%A4%A' }), status: 400 });

// --- URLs, methods and malformed HTTP -------------------------------------------------------------------------------
errorCase('over-long URL (64 KiB)', { sent: 'GET /v2/models/<65,536 × "a">', request: () => ({ path: `/v2/models/${'a'.repeat(64 * 1024)}` }), status: 431 });
errorCase('long but legal URL (8 KiB model name)', { sent: 'GET /v2/models/<8,192 × "a">', request: () => ({ path: `/v2/models/${'a'.repeat(8 * 1024)}` }), status: 404, v2: true });
errorCase('GET on /classify', { sent: 'GET /classify', request: () => ({ path: '/classify' }), status: [404, 405] });
errorCase('header block over 16 KiB', { sent: 'GET /v2/health/live with a 20 KiB X-Padding header', request: () => ({ path: '/v2/health/live', headers: { 'x-padding': 'p'.repeat(20 * 1024) } }), status: 431 });

function socketCase(name: string, sent: string, data: () => (string | Buffer)[], status: number, waitMs = 2000): void {
  reliabilityCase(log, name, async (draft) => {
    draft.sent = sent;
    draft.expected = `${status} {"error":{"code","message"}}, connection closed`;
    const x = await socketExchange(server.url, data(), waitMs);
    observe(draft, asResponse(x));
    assertErrorAnswer(asResponse(x), { status, serverPaths, maxMs: waitMs });
    await assertStillServing();
  });
}

socketCase('malformed request line', 'raw TCP: "GARBAGE\\r\\n\\r\\n"', () => ['GARBAGE\r\n\r\n'], 400);
socketCase('Content-Length and Transfer-Encoding together', 'raw TCP: POST /classify with both Content-Length: 5 and Transfer-Encoding: chunked', () => [
  'POST /classify HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
], 400);
socketCase('invalid Content-Length', 'raw TCP: POST /classify with Content-Length: -1', () => ['POST /classify HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nContent-Length: -1\r\n\r\n'], 400);

// --- clients that stall -------------------------------------------------------------------------------------------
reliabilityCase(log, 'slow client stops mid-body', async (draft) => {
  const png = await corpus.png();
  draft.sent = `raw TCP: POST /classify announcing Content-Length ${png.length}, sends ${png.length >> 1} bytes, then nothing`;
  draft.expected = `408 {"error":…} within the server's request timeout (${REQUEST_TIMEOUT_MS} ms here) plus its check interval; other clients served meanwhile`;
  const stalled = socketExchange(server.url, [`POST /classify HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\nContent-Length: ${png.length}\r\n\r\n`, png.subarray(0, png.length >> 1)], REQUEST_TIMEOUT_MS * 4);
  await assertStillServing(); // the stalled connection does not block anyone else
  const x = await stalled;
  observe(draft, asResponse(x));
  assert.ok(x.closedByServer, `the server closed the stalled connection (after ${x.ms.toFixed(0)} ms)`);
  assertErrorAnswer(asResponse(x), { status: 408, serverPaths, maxMs: REQUEST_TIMEOUT_MS * 3 });
  assert.ok(x.ms >= REQUEST_TIMEOUT_MS * 0.9, `not before the timeout (${x.ms.toFixed(0)} ms)`);
  await assertStillServing();
});
reliabilityCase(log, 'slow client stops mid-headers', async (draft) => {
  draft.sent = 'raw TCP: "POST /classify HTTP/1.1\\r\\nHost: x\\r\\nContent-Ty" and then nothing';
  draft.expected = `408 {"error":…} within the request timeout (${REQUEST_TIMEOUT_MS} ms here) plus its check interval`;
  const x = await socketExchange(server.url, ['POST /classify HTTP/1.1\r\nHost: x\r\nContent-Ty'], REQUEST_TIMEOUT_MS * 4);
  observe(draft, asResponse(x));
  assert.ok(x.closedByServer, `the server closed the stalled connection (after ${x.ms.toFixed(0)} ms)`);
  assertErrorAnswer(asResponse(x), { status: 408, serverPaths, maxMs: REQUEST_TIMEOUT_MS * 3 });
  await assertStillServing();
});
reliabilityCase(log, 'slowloris: 200 silent connections and 50 half request lines', async (draft) => {
  draft.sent = 'raw TCP: 200 connections that never send a byte and 50 that send "GET /v2/health/live HTTP/1.1\\r\\n" and stop; meanwhile a good request';
  draft.expected = `the good request answered 200 while they hang; every one of the 250 closed by the server with 408 JSON after the request timeout (${REQUEST_TIMEOUT_MS} ms here)`;
  const silent = Array.from({ length: 200 }, () => socketExchange(server.url, [], REQUEST_TIMEOUT_MS * 4));
  const partial = Array.from({ length: 50 }, () => socketExchange(server.url, ['GET /v2/health/live HTTP/1.1\r\n'], REQUEST_TIMEOUT_MS * 4));
  await new Promise((r) => setTimeout(r, 100));
  await assertStillServing();
  const all = await Promise.all([...silent, ...partial]);
  const closed = all.filter((x) => x.closedByServer);
  const statuses = [...new Set(all.map((x) => x.status))];
  const slowest = Math.max(...all.map((x) => x.ms));
  draft.status = statuses.length === 1 ? statuses[0]! : null;
  draft.ms = Math.round(slowest);
  draft.body = `${closed.length}/250 closed by the server, statuses ${statuses.join(', ')}, the last after ${slowest.toFixed(0)} ms`;
  assert.equal(closed.length, 250, draft.body);
  assert.deepEqual(statuses, [408], draft.body);
  assert.ok(slowest < REQUEST_TIMEOUT_MS * 3, draft.body);
  for (const x of all.slice(0, 3)) assertErrorAnswer(asResponse(x), { status: 408, serverPaths, maxMs: REQUEST_TIMEOUT_MS * 3 });
  await assertStillServing();
});
