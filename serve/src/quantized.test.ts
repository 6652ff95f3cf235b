// Quantized models are served like any other: one repository holding the float, int8 and fp16 exports of
// Inception10 side by side; config.pbtxt declares the types the files really take and give (float32: the
// quantizer keeps float graph inputs and outputs); /classify and v2 infer answer with what onnxruntime
// computes from the same file.
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { CIFAR10_LABELS } from '@onnx-edge/core';
import { sharedData, sharedDataSkip } from '@onnx-edge/core/testing';
import { exportModel } from '@onnx-edge/export';
import { quantizeModel } from '@onnx-edge/export/quantize';
import { onnx } from '@onnx-edge/proto';
import { buildNetwork, selectBackend } from '@onnx-edge/train';
import { parseConfigPbtxt } from './repository/config-pbtxt.ts';
import { writeModelToRepository } from './repository/writer.ts';
import { startServer, type RunningServer } from './server.ts';
import { cifarSample, nchwOf, pngOf } from '../testing/cifar.ts';
import { readJson } from '../testing/fixtures.ts';

const skip = sharedDataSkip('cifar10-sample');
/** ONNX element types by number → Triton's names. */
const TRITON_TYPE: Record<number, string> = {
  [onnx.TensorProto.DataType.FLOAT]: 'TYPE_FP32', [onnx.TensorProto.DataType.FLOAT16]: 'TYPE_FP16',
  [onnx.TensorProto.DataType.INT64]: 'TYPE_INT64', [onnx.TensorProto.DataType.INT32]: 'TYPE_INT32', [onnx.TensorProto.DataType.UINT8]: 'TYPE_UINT8',
};
const NAMES = ['inception10', 'inception10-int8', 'inception10-fp16'];
let repo: string;
let server: RunningServer;
const files: Record<string, Uint8Array> = {};

before(async () => {
  if (skip) return;
  await selectBackend('wasm', () => {});
  const model = buildNetwork('inception10', { seed: 7 });
  const float = exportModel(model);
  model.dispose();
  files['inception10'] = float.bytes;
  files['inception10-int8'] = (await quantizeModel(float.bytes, { precision: 'int8', calibration: sharedData('cifar10-sample'), calibrationCount: 64 })).serialize();
  files['inception10-fp16'] = (await quantizeModel(float.bytes, { precision: 'fp16' })).serialize();
  repo = await mkdtemp(join(tmpdir(), 'onnx-edge-quantized-repo-'));
  for (const name of NAMES) {
    await writeModelToRepository({ repo, name, onnxBytes: files[name]!, labels: CIFAR10_LABELS });
  }
  server = await startServer({ repo, port: 0, logLevel: 'silent', maxQueueDelayMs: 2, webRoot: repo });
});

after(async () => {
  await server?.close();
  if (repo) await rm(repo, { recursive: true, force: true });
});

test('config.pbtxt declares the element types the quantized files take and give', { skip }, async () => {
  for (const name of NAMES) {
    const config = parseConfigPbtxt(await readFile(join(repo, name, 'config.pbtxt'), 'utf8'), name);
    const graph = onnx.ModelProto.decode(await readFile(join(repo, name, '1', 'model.onnx'))).graph!;
    const declared = (values: onnx.IValueInfoProto[]) => values.map((v) => [v.name, TRITON_TYPE[v.type!.tensorType!.elemType!]]);
    assert.deepEqual(config.inputs.map((t) => [t.name, t.dataType]), declared(graph.input!), name);
    assert.deepEqual(config.outputs.map((t) => [t.name, t.dataType]), declared(graph.output!), name);
  }
});

test('/classify and v2 infer serve the int8 and fp16 models with onnxruntime\'s own numbers for those files', { skip }, async (t) => {
  const images = await cifarSample(t, 4);
  if (!images) return;
  const input = new Float32Array(images.length * 3072);
  images.forEach((img, i) => input.set(nchwOf(img), i * 3072));
  for (const name of NAMES.slice(1)) {
    const session = await ort.InferenceSession.create(files[name]!);
    const expected = (await session.run({ input: new ort.Tensor('float32', input, [images.length, 3, 32, 32]) })).probabilities!.data as Float32Array;
    await session.release();
    for (const [i, image] of images.entries()) {
      const res = await fetch(`${server.url}/classify?model=${name}&top=10`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: await pngOf(image) });
      assert.equal(res.status, 200, name);
      const body = await readJson(res);
      assert.equal(body.model, name);
      for (const p of body.predictions as { index: number; probability: number }[]) {
        assert.ok(Math.abs(p.probability - expected[i * 10 + p.index]!) <= 1e-6, `${name} image ${i} class ${p.index}`);
      }
    }
    const res = await fetch(`${server.url}/v2/models/${name}/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: [{ name: 'input', shape: [images.length, 3, 32, 32], datatype: 'FP32', data: Array.from(input) }] }),
    });
    assert.equal(res.status, 200, name);
    const out = (await readJson(res)).outputs.find((o: { name: string }) => o.name === 'probabilities');
    out.data.forEach((v: number, k: number) => assert.ok(Math.abs(v - expected[k]!) <= 1e-6, `${name} v2 value ${k}`));
    const meta = await readJson(await fetch(`${server.url}/v2/models/${name}`));
    assert.equal(meta.inputs[0].datatype, 'FP32');
  }
});
