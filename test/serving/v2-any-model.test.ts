// KServe v2 for models that are not classifiers, served from one model repository by a listening server: the
// esrgan-slim ×2 upscaler (exported with `onnx-edge export --repo` as a user would; any image size, NCHW in,
// NHWC out), a hand-written model of every datatype, and one without a batch dimension. Binary tensor answers
// are byte-equal to the JSON form and to tfjs' numbers within float32 rounding; requests built byte by byte
// as Triton's client frames them (the JSON's length in Inference-Header-Content-Length, the JSON, the raw
// little-endian tensors) — FP32 and FP16 among them — are answered correctly, and wrong sizes and lengths
// get 400 naming the field. Every config.pbtxt written passes the check against Triton's model_config.proto.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { seededRandom } from '@onnx-edge/core';
import { readLayersModel, useVerificationBackend } from '@onnx-edge/export';
import { startServer, writeModelToRepository, type RunningServer } from '@onnx-edge/serve';
import { everyDatatypeModel, fixedShapeModel, tritonConfigProblems } from '@onnx-edge/serve/testing';
import { cliExport, ESRGAN_X2, exchange, type RawAnswer } from './helpers.ts';

/** float32 rounding of a 0..255 image model: the export verification's default tolerance for that range. */
const ATOL = 1e-4 * 255;

/** The bytes of an HTTP/1.1 POST as Triton's HTTP client sends a binary tensor request. */
function tritonRequest(url: string, path: string, json: string, ...tensors: Uint8Array[]): Buffer {
  const head = Buffer.from(json, 'utf8');
  const body = Buffer.concat([head, ...tensors]);
  const lines = [
    `POST ${path} HTTP/1.1`,
    `Host: ${new URL(url).host}`,
    `Inference-Header-Content-Length: ${head.length}`,
    `Content-Length: ${body.length}`,
    'Connection: close',
  ];
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]);
}

/** Float32 values as little-endian bytes, written one by one (not through the host's memory order). */
function float32Bytes(values: ArrayLike<number>): Uint8Array {
  const view = new DataView(new ArrayBuffer(values.length * 4));
  for (let i = 0; i < values.length; i++) view.setFloat32(i * 4, values[i]!, true);
  return new Uint8Array(view.buffer);
}

/** The JSON part and the binary part of an answer with binary outputs. */
function splitBinaryAnswer(answer: RawAnswer): { head: { outputs: { name: string; datatype: string; shape: number[]; parameters?: { binary_data_size: number } }[] } & Record<string, unknown>; data: Buffer } {
  assert.equal(answer.status, 200, answer.body.toString());
  assert.equal(answer.headers['content-type'], 'application/octet-stream');
  const length = Number(answer.headers['inference-header-content-length']);
  assert.ok(Number.isInteger(length) && length > 0, 'Inference-Header-Content-Length on a binary answer');
  return { head: JSON.parse(answer.body.subarray(0, length).toString('utf8')), data: answer.body.subarray(length) };
}

describe('KServe v2 for any model, with Triton\'s binary tensor extension', () => {
  let dir: string;
  let repo: string;
  let server: RunningServer;
  let upscaler: tf.LayersModel;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'onnx-edge-v2-any-'));
    repo = join(dir, 'repo');
    cliExport([ESRGAN_X2, '--repo', repo, '--name', 'esrgan-x2', '--input-range', '0,255']);
    await writeModelToRepository({ repo, name: 'tensors', onnxBytes: everyDatatypeModel() });
    await writeModelToRepository({ repo, name: 'fixed', onnxBytes: fixedShapeModel() });
    await useVerificationBackend();
    upscaler = (await readLayersModel(ESRGAN_X2)).model;
    server = await startServer({ repo, host: '127.0.0.1', port: 0, logLevel: 'silent', webRoot: dir });
  });

  after(async () => {
    await server?.close();
    upscaler?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const infer = (model: string, body: unknown) =>
    fetch(`${server.url}/v2/models/${model}/infer`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  /** A batch of 0..255 images, NCHW, seeded. */
  function images(n: number, height: number, width: number, seed: number): Float32Array {
    const random = seededRandom(seed);
    return Float32Array.from({ length: n * 3 * height * width }, () => Math.round(random() * 255));
  }

  test('the upscaler: binary tensors in and out, byte-equal to the JSON form, tfjs\' numbers', async () => {
    const [n, height, width] = [2, 12, 17];
    const pixels = images(n, height, width, 11);
    const input = { name: 'input', shape: [n, 3, height, width], datatype: 'FP32' };
    const asJson = await infer('esrgan-x2', { id: 'json', inputs: [{ ...input, data: Array.from(pixels) }] });
    assert.equal(asJson.status, 200, await asJson.clone().text());
    const jsonOut = ((await asJson.json()) as { id: string; outputs: { name: string; shape: number[]; data: number[] }[] });
    assert.equal(jsonOut.id, 'json');
    assert.deepEqual(jsonOut.outputs.map((o) => [o.name, o.shape]), [['SR', [n, 2 * height, 2 * width, 3]]]);

    const json = JSON.stringify({ id: 'binary', inputs: [{ ...input, parameters: { binary_data_size: pixels.byteLength } }], parameters: { binary_data_output: true } });
    const { head, data } = splitBinaryAnswer(await exchange(server.url, tritonRequest(server.url, '/v2/models/esrgan-x2/infer', json, float32Bytes(pixels))));
    assert.equal(head.id, 'binary');
    assert.deepEqual(head.outputs, [{ name: 'SR', datatype: 'FP32', shape: [n, 2 * height, 2 * width, 3], parameters: { binary_data_size: n * 4 * height * width * 3 * 4 } }]);
    assert.equal(Buffer.compare(data, Buffer.from(float32Bytes(jsonOut.outputs[0]!.data))), 0, 'the binary answer holds the JSON answer\'s float32 values, byte for byte');

    // tfjs runs the model NHWC on the same pixels.
    const nhwc = tf.tidy(() => tf.tensor4d(pixels, [n, 3, height, width]).transpose([0, 2, 3, 1]));
    const reference = upscaler.predict(nhwc) as tf.Tensor;
    const expected = reference.dataSync();
    tf.dispose([nhwc, reference]);
    const served = new Float32Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.length));
    let worst = 0;
    for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(served[i]! - expected[i]!) - 1e-4 * Math.abs(expected[i]!));
    assert.ok(worst <= ATOL, `served against tfjs: |Δ| - rtol·|ref| reaches ${worst}, over ${ATOL}`);
  });

  test('a request framed byte by byte as Triton\'s client sends it: FP32 binary in, one output binary and one JSON', async () => {
    const pixels = images(1, 4, 5, 3);
    const json = '{"inputs":[{"name":"input","shape":[1,3,4,5],"datatype":"FP32","parameters":{"binary_data_size":240}}],'
      + '"outputs":[{"name":"SR","parameters":{"binary_data":true}}]}';
    const { head, data } = splitBinaryAnswer(await exchange(server.url, tritonRequest(server.url, '/v2/models/esrgan-x2/infer', json, float32Bytes(pixels))));
    assert.deepEqual(head, { model_name: 'esrgan-x2', model_version: '1', outputs: [{ name: 'SR', datatype: 'FP32', shape: [1, 8, 10, 3], parameters: { binary_data_size: 960 } }] });
    const asJson = (await (await infer('esrgan-x2', { inputs: [{ name: 'input', shape: [1, 3, 4, 5], datatype: 'FP32', data: Array.from(pixels) }] })).json()) as { outputs: { data: number[] }[] };
    assert.equal(Buffer.compare(data, Buffer.from(float32Bytes(asJson.outputs[0]!.data))), 0);
  });

  test('FP16 input as Triton\'s client sends it, beside INT64, INT32, UINT8 and BOOL; FP16 out as binary and as JSON', async () => {
    // float16 bit patterns, little-endian: 1.5 = 0x3E00, −2 = 0xC000, 0.25 = 0x3400, 65504 = 0x7BFF.
    const half = Uint8Array.of(0x00, 0x3e, 0x00, 0xc0, 0x00, 0x34, 0xff, 0x7b);
    const x = float32Bytes([0.5, -1, 0.25, 0]);
    const json = JSON.stringify({
      id: 'fp16',
      inputs: [
        { name: 'x', shape: [1, 4], datatype: 'FP32', parameters: { binary_data_size: 16 } },
        { name: 'h', shape: [1, 4], datatype: 'FP16', parameters: { binary_data_size: 8 } },
        { name: 'l', shape: [1, 4], datatype: 'INT64', data: [1, -3, 0, 0] },
        { name: 'i', shape: [1, 4], datatype: 'INT32', data: [2, 0, 0, 0] },
        { name: 'u', shape: [1, 4], datatype: 'UINT8', data: [3, 0, 1, 0] },
        { name: 'b', shape: [1, 4], datatype: 'BOOL', data: [true, false, true, false] },
      ],
      outputs: [{ name: 'half', parameters: { binary_data: true } }, { name: 'sum' }, { name: 'next' }, { name: 'not' }],
    });
    const { head, data } = splitBinaryAnswer(await exchange(server.url, tritonRequest(server.url, '/v2/models/tensors/infer', json, x, half)));
    assert.equal(head.id, 'fp16');
    assert.deepEqual(head.outputs, [
      { name: 'half', datatype: 'FP16', shape: [1, 4], parameters: { binary_data_size: 8 } },
      { name: 'sum', datatype: 'FP32', shape: [1, 4], data: [9, -6, 2.5, 65504] },
      { name: 'next', datatype: 'INT64', shape: [1, 4], data: [2, -2, 1, 1] },
      { name: 'not', datatype: 'BOOL', shape: [1, 4], data: [false, true, false, true] },
    ]);
    // 9 = 0x4880, −6 = 0xC600, 2.5 = 0x4100, 65504 = 0x7BFF.
    assert.deepEqual([...data], [0x80, 0x48, 0x00, 0xc6, 0x00, 0x41, 0xff, 0x7b]);

    const asJson = await infer('tensors', { inputs: JSON.parse(json).inputs.map((input: { name: string; parameters?: unknown }) => {
      const { parameters: _binary, ...rest } = input;
      return input.name === 'x' ? { ...rest, data: [0.5, -1, 0.25, 0] } : input.name === 'h' ? { ...rest, data: [1.5, -2, 0.25, 65504] } : input;
    }), outputs: [{ name: 'half' }] });
    assert.equal(asJson.status, 200, await asJson.clone().text());
    assert.deepEqual(((await asJson.json()) as { outputs: unknown[] }).outputs, [{ name: 'half', datatype: 'FP16', shape: [1, 4], data: [9, -6, 2.5, 65504] }]);
  });

  /** The six inputs of the every-datatype model, one row each, as JSON data; `changes` replace an input's data. */
  const everyInput = (changes: Record<string, { data: unknown[] } | { parameters: unknown }>) =>
    ([['x', 'FP32', [0, 0, 0, 0]], ['h', 'FP16', [0, 0, 0, 0]], ['l', 'INT64', [0, 0, 0, 0]], ['i', 'INT32', [0, 0, 0, 0]], ['u', 'UINT8', [0, 0, 0, 0]], ['b', 'BOOL', [true, true, true, true]]] as const)
      .map(([name, datatype, data]) => ({ name, shape: [1, 4], datatype, ...(changes[name] ?? { data }) }));

  test('wrong sizes and lengths are answered 400 with the field named', async () => {
    const pixels = float32Bytes(images(1, 4, 5, 4));
    const input = (parameters: Record<string, unknown>, shape = [1, 3, 4, 5]) => ({ name: 'input', shape, datatype: 'FP32', parameters });
    const cases: [string, Buffer, RegExp][] = [
      ['binary_data_size not shape × datatype', tritonRequest(server.url, '/v2/models/esrgan-x2/infer', JSON.stringify({ inputs: [input({ binary_data_size: 236 })] }), pixels.subarray(4)),
        /^input 'input': parameters\.binary_data_size is 236, but shape \[1,3,4,5\] of FP32 takes 240 bytes/],
      ['more bytes than the sizes add up to', tritonRequest(server.url, '/v2/models/esrgan-x2/infer', JSON.stringify({ inputs: [input({ binary_data_size: 240 })] }), pixels, new Uint8Array(4)),
        /^244 bytes of binary data follow the JSON .*binary_data_size add up to 240/],
      ['fewer bytes than declared', tritonRequest(server.url, '/v2/models/esrgan-x2/infer', JSON.stringify({ inputs: [input({ binary_data_size: 240 })] }), pixels.subarray(8)),
        /^232 bytes of binary data follow the JSON/],
      ['a shape the model does not take', tritonRequest(server.url, '/v2/models/esrgan-x2/infer', JSON.stringify({ inputs: [input({ binary_data_size: 320 }, [1, 4, 4, 5])] }), pixels, new Uint8Array(80)),
        /^input 'input': shape \[1,4,4,5\] does not match model 'esrgan-x2'/],
      ['FP16 bytes for two values too many', tritonRequest(server.url, '/v2/models/tensors/infer', JSON.stringify({ inputs: everyInput({ h: { parameters: { binary_data_size: 12 } } }) }), new Uint8Array(12)),
        /^input 'h': parameters\.binary_data_size is 12, but shape \[1,4\] of FP16 takes 8 bytes/],
    ];
    for (const [what, request, message] of cases) {
      const answer = await exchange(server.url, request);
      assert.equal(answer.status, 400, `${what}: ${answer.body}`);
      assert.match((JSON.parse(answer.body.toString()) as { error: string }).error, message, what);
    }
    const shortData = await infer('tensors', { inputs: everyInput({ x: { data: [1, 2, 3] } }) });
    assert.equal(shortData.status, 400);
    assert.match(((await shortData.json()) as { error: string }).error, /input 'x'.*3.*4/);
  });

  test('a model without a batch dimension is inferred with its shape in full', async () => {
    const res = await infer('fixed', { inputs: [{ name: 'x', shape: [2, 3], datatype: 'FP32', data: [1, 2, 3, 4, 5, 6] }] });
    assert.equal(res.status, 200, await res.clone().text());
    assert.deepEqual(((await res.json()) as { outputs: unknown[] }).outputs, [{ name: 'doubled', datatype: 'FP32', shape: [2, 3], data: [2, 4, 6, 8, 10, 12] }]);
    const batched = await infer('fixed', { inputs: [{ name: 'x', shape: [1, 2, 3], datatype: 'FP32', data: [1, 2, 3, 4, 5, 6] }] });
    assert.equal(batched.status, 400);
  });

  test('every config.pbtxt of the repository passes Triton\'s model_config.proto schema, with the models\' own types and dims', async () => {
    for (const name of ['esrgan-x2', 'tensors', 'fixed']) {
      assert.deepEqual(tritonConfigProblems(await readFile(join(repo, name, 'config.pbtxt'), 'utf8')), [], name);
    }
    const meta = (await (await fetch(`${server.url}/v2/models/esrgan-x2`)).json()) as { inputs: unknown; outputs: unknown; parameters: { max_batch_size: number } };
    assert.deepEqual(meta.inputs, [{ name: 'input', datatype: 'FP32', shape: [-1, 3, -1, -1] }]);
    assert.deepEqual(meta.outputs, [{ name: 'SR', datatype: 'FP32', shape: [-1, -1, -1, 3] }]);
    assert.equal(meta.parameters.max_batch_size, 64);
    const fixed = (await (await fetch(`${server.url}/v2/models/fixed`)).json()) as { inputs: unknown; parameters: { max_batch_size: number } };
    assert.deepEqual(fixed.inputs, [{ name: 'x', datatype: 'FP32', shape: [2, 3] }]);
    assert.equal(fixed.parameters.max_batch_size, 0);
    const serverMeta = (await (await fetch(`${server.url}/v2`)).json()) as { extensions: string[] };
    assert.ok(serverMeta.extensions.includes('binary_tensor_data'));
  });
});
