// `onnx-edge pipeline` end to end, as `npm start` runs it but small: no CIFAR-10 anywhere and the download
// unreachable, so it must fall back to the synthetic set and say so; train 1 epoch on 100 images, export,
// verify, write the repository, serve, print the URL; /classify must answer a multipart upload. A second
// run must reuse the finished run without training. With the shared real CIFAR-10, a small run trains on
// real images and reports its accuracy on the test sample.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import sharp from 'sharp';
import { cleanEnv, runCli, SHARED_DATA, startCli, URL_LINE } from './cli-process.ts';

const work = mkdtempSync(join(tmpdir(), 'onnx-edge-pipeline-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** A port nothing listens on: connections to it are refused at once, like a machine without internet. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

function onlyRunFolder(out: string): string {
  const runs = readdirSync(out).filter((name) => name !== 'model-repository');
  assert.equal(runs.length, 1, `expected one run folder in ${out}, found ${runs.join(', ')}`);
  return join(out, runs[0]!);
}

const SMALL = ['--limit', '100', '--val-limit', '20', '--epochs', '1'];

describe('onnx-edge pipeline on a machine without CIFAR-10', () => {
  const out = join(work, 'runs');
  const cache = join(work, 'cache');
  let env: NodeJS.ProcessEnv;
  let modifiedAt: Record<string, number> = {};

  test('falls back to synthetic data, trains, verifies, serves; /classify answers a multipart image', async () => {
    env = cleanEnv({ XDG_CACHE_HOME: cache, CIFAR10_URL: `http://127.0.0.1:${await closedPort()}/cifar-10-binary.tar.gz` });
    const run = startCli(['pipeline', ...SMALL, '--out', out, '--port', '0'], env);
    try {
      const [, url] = await run.waitFor(URL_LINE, 120_000);
      const text = run.output();
      assert.match(text, /data: download not possible: cannot reach http:\/\/127\.0\.0\.1:\d+\//);
      assert.match(text, /data +SYNTHETIC images/);
      assert.match(text, /parity +max \|Δprob\| \S+, top-1 agreement 100\.0%/);
      const lastLine = text.trimEnd().split('\n').at(-1)!;
      assert.match(lastLine, URL_LINE, 'the URL is the last line printed');

      const png = await sharp({ create: { width: 48, height: 40, channels: 3, background: { r: 200, g: 30, b: 30 } } }).png().toBuffer();
      const form = new FormData();
      form.append('image', new Blob([png], { type: 'image/png' }), 'red.png');
      const response = await fetch(`${url}/classify`, { method: 'POST', body: form });
      assert.equal(response.status, 200, await response.clone().text());
      const body = (await response.json()) as { model: string; predictions: { label: string; probability: number }[] };
      assert.equal(body.model, 'inception10');
      assert.equal(body.predictions.length, 5);
      for (const p of body.predictions) assert.match(p.label, / \(synthetic\)$/, 'the served labels say the model saw synthetic images');
      const page = await fetch(`${url}/`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<html/i);
    } finally {
      run.child.kill('SIGINT');
    }
    assert.equal(await run.exited, 0, run.output());
    const runDir = onlyRunFolder(out);
    for (const file of ['tfjs/model.json', 'checkpoint', 'model.onnx', 'parity.json', 'pipeline.json', 'verify-held-out.bin']) {
      assert.ok(existsSync(join(runDir, file)), `${file} in the run folder`);
    }
    assert.ok(existsSync(join(out, 'model-repository', 'inception10', '1', 'model.onnx')));
    modifiedAt = Object.fromEntries(['tfjs/model.json', 'model.onnx', 'history.json'].map((f) => [f, statSync(join(runDir, f)).mtimeMs]));
  });

  test('a second run reuses the finished run: nothing is trained or exported again; --precision adds an fp16 model', async (t) => {
    if (!env) return t.skip('the first run did not finish');
    const { code, output } = await runCli(['pipeline', ...SMALL, '--out', out, '--no-serve', '--precision', 'fp16'], env);
    assert.equal(code, 0, output);
    assert.match(output, /train: reusing the finished run in /);
    assert.doesNotMatch(output, /epoch 1\/1/);
    const runDir = onlyRunFolder(out);
    for (const [file, mtime] of Object.entries(modifiedAt)) assert.equal(statSync(join(runDir, file)).mtimeMs, mtime, `${file} was rewritten`);
    assert.match(output, /quantize: fp16, verified against the float model on 1000 freshly generated synthetic images/);
    assert.match(output, /quantize: top-1 agreement \d+\.\d%/);
    assert.ok(existsSync(join(runDir, 'model-fp16.onnx')));
    assert.ok(existsSync(join(out, 'model-repository', 'inception10-fp16', '1', 'model.onnx')), 'served beside the float model');
    assert.ok(existsSync(join(out, 'model-repository', 'inception10', '1', 'model.onnx')));
  });
});

test('Ctrl-C during training leaves a resumable run; the same command resumes it and finishes', async () => {
  const out = join(work, 'interrupted');
  const env = cleanEnv({ XDG_CACHE_HOME: join(work, 'cache-int') });
  const args = ['pipeline', '--data', 'synthetic', '--limit', '200', '--val-limit', '20', '--epochs', '1', '--batch-size', '8', '--out', out, '--no-serve'];
  const first = startCli(args, env);
  await first.waitFor(/^epoch 1\/1 +1\/\d+ /m, 120_000);
  first.child.kill('SIGINT');
  assert.equal(await first.exited, 130, first.output());
  assert.match(first.output(), /resumable checkpoint saved/);
  assert.ok(!existsSync(join(onlyRunFolder(out), 'pipeline.json')), 'an interrupted run is not finished');

  const { code, output } = await runCli(args, env);
  assert.equal(code, 0, output);
  assert.match(output, /resume: .* holds 0 epoch\(s\) and \d+ batch\(es\) of epoch 1; continuing \(--retrain starts over\)/);
  assert.ok(existsSync(join(onlyRunFolder(out), 'pipeline.json')));
});

const trainDir = join(SHARED_DATA, 'cifar10-train');
const sampleDir = join(SHARED_DATA, 'cifar10-sample');
const sharedMissing = existsSync(trainDir) && existsSync(sampleDir) ? undefined : 'the real CIFAR-10 in ../shared/data (cifar10-train, cifar10-sample) is absent';
if (sharedMissing && process.env.CI === 'true') {
  test('real CIFAR-10 prerequisites', () => assert.fail(`${sharedMissing}; CI must have it and must not skip`));
}

test('with CIFAR10_DIR the pipeline trains on real CIFAR-10 and reports accuracy on the test sample', { skip: sharedMissing && process.env.CI !== 'true' ? sharedMissing : false }, async () => {
  const out = join(work, 'real');
  const env = cleanEnv({ CIFAR10_DIR: trainDir, XDG_CACHE_HOME: join(work, 'cache-real') });
  const { code, output } = await runCli(['pipeline', '--limit', '256', '--val-data', sampleDir, '--val-limit', '200', '--epochs', '1', '--out', out, '--no-serve'], env);
  assert.equal(code, 0, output);
  assert.match(output, /data +CIFAR-10 from \S*cifar10-train \(CIFAR10_DIR\)/);
  assert.match(output, /accuracy +\d+\.\d% on \S*cifar10-sample \(200 records\)/);
  const record = JSON.parse(readFileSync(join(onlyRunFolder(out), 'pipeline.json'), 'utf8')) as { outcome: { dataset: string; valAccuracy: number; labels: string[]; parity: { top1Agreement: number } } };
  assert.equal(record.outcome.dataset, 'cifar10');
  assert.ok(record.outcome.valAccuracy >= 0 && record.outcome.valAccuracy <= 1);
  assert.deepEqual(record.outcome.labels.slice(0, 3), ['airplane', 'automobile', 'bird']);
  assert.equal(record.outcome.parity.top1Agreement, 1);
});
