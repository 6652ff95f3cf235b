// The requests `bench serve` prepares are what the server answers 200 to, and the three routes give the same
// numbers for the same image: a benchmark of a route that refused its requests, or ran a different input,
// would measure nothing.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import { startServer, type RunningServer } from '@onnx-edge/serve';
import { exportSeedNetwork, HttpConnection, type ExportedModel } from '@onnx-edge/serve/testing';
import { ROUTES, routeRequests, type BenchImage } from './requests.ts';

let server: RunningServer;
let model: ExportedModel;

before(async () => {
  model = await exportSeedNetwork('inception10');
  server = await startServer({ repo: model.repo, host: '127.0.0.1', port: 0, logLevel: 'silent', webRoot: model.repo });
});

after(async () => {
  await server?.close();
  model?.tfjsModel.dispose();
  if (model) await rm(model.repo, { recursive: true, force: true });
});

/** A 32×32 image whose PNG and tensor hold the same pixels (a gradient needs no decoder to agree on). */
async function gradientImage(): Promise<BenchImage> {
  const { default: sharp } = await import('sharp');
  const hwc = Uint8Array.from({ length: 3072 }, (_, i) => (i * 7) % 256);
  const nchw = Float32Array.from({ length: 3072 }, (_, i) => hwc[(i % 1024) * 3 + Math.floor(i / 1024)]! / 255);
  return { png: new Uint8Array(await sharp(hwc, { raw: { width: 32, height: 32, channels: 3 } }).png().toBuffer()), nchw };
}

test('every route\'s prepared request is answered 200, with the same class probabilities', async () => {
  const image = await gradientImage();
  const connection = await HttpConnection.open(new URL(server.url));
  try {
    const answers: Record<string, string> = {};
    for (const route of ROUTES) {
      const [request] = routeRequests(route, new URL(server.url), 'inception10', [image], { name: 'input', shape: [-1, 3, 32, 32] });
      const answer = await connection.send(request!);
      assert.equal(answer.status, 200, `${route}: ${answer.body.slice(0, 200)}`);
      answers[route] = answer.body;
    }
    const top1 = JSON.parse(answers['classify']!).predictions[0] as { index: number; probability: number };
    const json = (JSON.parse(answers['v2-json']!) as { outputs: { name: string; data: number[] }[] }).outputs.find((o) => o.name === 'probabilities')!.data;
    assert.ok(Math.abs(json[top1.index]! - top1.probability) < 1e-6, `/classify ${top1.probability}, v2 JSON ${json[top1.index]}`);
    // The binary answer (read as text by the load generator's connection) announces the same tensor, raw.
    assert.match(answers['v2-binary']!, /^\{"model_name":"inception10","model_version":"1","outputs":\[\{"name":"probabilities","datatype":"FP32","shape":\[1,10\],"parameters":\{"binary_data_size":40\}\}/);
  } finally {
    connection.close();
  }
});
