// Load test (npm run test:load): a bounded concurrent mix of good and bad requests against a real server.
// No request may fail: every good image is answered with its own tfjs-equal probabilities, every bad input
// with a 4xx JSON error, nothing with a 5xx or a dropped connection, and memory stays bounded.
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import { test } from 'node:test';
import { startServer } from './server.ts';
import { cifarSample, nchwOf, pngOf } from '../testing/cifar.ts';
import { exportSeedNetwork, tfjsProbabilities } from '../testing/models.ts';

const REQUESTS = 3000;
const CONCURRENCY = 48;

test(`${REQUESTS} mixed requests at concurrency ${CONCURRENCY}: no failure, every answer right`, async (t) => {
  const images = await cifarSample(t, 64);
  if (!images) return;
  const exported = await exportSeedNetwork('inception10');
  t.after(() => rm(exported.repo, { recursive: true, force: true }));
  const expected = tfjsProbabilities(exported.tfjsModel, images);
  const pngs = await Promise.all(images.map((img) => pngOf(img)));
  const server = await startServer({ repo: exported.repo, port: 0, logLevel: 'silent', maxQueue: 4096 });
  t.after(() => server.close());

  const rssBefore = process.memoryUsage().rss;
  const counts = { good: 0, v2: 0, bad: 0 };
  let next = 0;
  const worker = async () => {
    while (next < REQUESTS) {
      const n = next++;
      const i = n % images.length;
      const kind = n % 20;
      if (kind < 15) {
        const res = await fetch(`${server.url}/classify?top=10`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: pngs[i] });
        assert.equal(res.status, 200, `request ${n}`);
        const body = (await res.json()) as { predictions: { index: number; probability: number }[] };
        for (const p of body.predictions) assert.ok(Math.abs(p.probability - expected[i]![p.index]!) <= 1e-4, `request ${n} class ${p.index}`);
        counts.good++;
      } else if (kind < 17) {
        const res = await fetch(`${server.url}/v2/models/inception10/infer`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ inputs: [{ name: 'input', shape: [1, 3, 32, 32], datatype: 'FP32', data: Array.from(nchwOf(images[i]!)) }] }),
        });
        assert.equal(res.status, 200, `v2 request ${n}`);
        const body = (await res.json()) as { outputs: { name: string; data: number[] }[] };
        const probs = body.outputs.find((o) => o.name === 'probabilities')!.data;
        probs.forEach((p, k) => assert.ok(Math.abs(p - expected[i]![k]!) <= 1e-4));
        counts.v2++;
      } else {
        const [type, bytes] = kind === 17 ? ['image/png', pngs[i]!.subarray(0, 100)] : kind === 18 ? ['text/plain', pngs[i]!] : ['image/jpeg', pngs[i]!];
        const res = await fetch(`${server.url}/classify`, { method: 'POST', headers: { 'content-type': type }, body: bytes });
        assert.ok(res.status === 415 || res.status === 422, `bad request ${n} answered ${res.status}`);
        const body = (await res.json()) as { error: { code: string; message: string } };
        assert.equal(typeof body.error.code, 'string');
        counts.bad++;
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  assert.equal(counts.good + counts.v2 + counts.bad, REQUESTS);

  const metrics = await (await fetch(`${server.url}/metrics`)).text();
  assert.doesNotMatch(metrics, /status="5\d\d"/, 'no 5xx at all');
  const mean = Number(/onnx_edge_batch_size_sum\{model="inception10"\} (\d+)/.exec(metrics)?.[1]) / Number(/onnx_edge_batch_size_count\{model="inception10"\} (\d+)/.exec(metrics)?.[1]);
  assert.ok(mean > 1, `requests were batched (mean batch ${mean})`);
  const growthMb = (process.memoryUsage().rss - rssBefore) / 2 ** 20;
  assert.ok(growthMb < 300, `resident memory grew by ${growthMb.toFixed(0)} MB`);
});
