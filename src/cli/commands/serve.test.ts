import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import * as tf from '@tensorflow/tfjs';
import { exportModel } from '@onnx-edge/export';
import { exportSeedNetwork, slowUpload } from '@onnx-edge/serve/testing';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const cli = (args: string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, ['bin/onnx-edge.js', ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, ...env } });

test('onnx-edge serve refuses bad flags and environment with exit code 2, a missing repository with 1', () => {
  assert.equal(cli(['serve']).status, 2);
  const port = cli(['serve', '--repo', 'x', '--port', '99999']);
  assert.equal(port.status, 2);
  assert.match(port.stderr, /--port must be an integer from 0 to 65535/);
  assert.match(cli(['serve', '--repo', 'x', '--ep', 'tpu']).stderr, /--ep must be one of auto\|cuda\|cpu/);
  const env = cli(['serve', '--repo', 'x'], { ONNX_EDGE_MAX_QUEUE: 'lots' });
  assert.equal(env.status, 2);
  assert.match(env.stderr, /ONNX_EDGE_MAX_QUEUE must be an integer/);
  const missing = cli(['serve', '--repo', join(root, 'no-such-repository'), '--port', '0']);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /cannot be read; create it with 'onnx-edge export --repo/);
});

test('onnx-edge serve answers requests, and on SIGTERM finishes those in flight and exits 0', async (t) => {
  const { repo } = await exportSeedNetwork('inception10');
  t.after(() => rm(repo, { recursive: true, force: true }));
  const child = spawn(process.execPath, ['bin/onnx-edge.js', 'serve', '--port', '0', '--max-queue-delay-ms', '5'], {
    cwd: root,
    env: { ...process.env, ONNX_EDGE_REPO: repo, ONNX_EDGE_LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (m) resolve(m[1]!);
    });
    child.on('exit', () => reject(new Error(`server exited before listening: ${stderr}`)));
  });

  const png = await sharp({ create: { width: 32, height: 32, channels: 3, background: { r: 200, g: 30, b: 60 } } }).png().toBuffer();
  const send = () => fetch(`${url}/classify`, { method: 'POST', headers: { 'content-type': 'image/png' }, body: png });
  assert.equal((await send()).status, 200);
  // Half-sent uploads: the server has taken them (its handler runs) but cannot answer before finish().
  const uploads = Array.from({ length: 4 }, () => slowUpload(url, '/classify', 'image/png', png));
  await new Promise((r) => setTimeout(r, 300));
  child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 200));
  await assert.rejects(send(), 'no new connections after SIGTERM');
  assert.equal(child.exitCode, null, 'still running: requests are in flight');
  for (const u of uploads) u.finish();
  const answers = await Promise.all(uploads.map((u) => u.response));
  assert.deepEqual(answers.map((a) => a.status), [200, 200, 200, 200], 'every request in flight was answered');
  assert.equal(await exited, 0);
  const logs = stdout.trim().split('\n').map((l) => JSON.parse(l) as { msg: string; executionProvider?: string; reason?: string });
  const loaded = logs.find((l) => l.msg === 'model loaded');
  assert.equal(loaded?.executionProvider, 'cpu');
  assert.match(loaded?.reason ?? '', /CUDA/, 'the log says why CUDA is not used');
  assert.ok(logs.some((l) => l.msg === 'request'));
  assert.equal(logs.at(-1)?.msg, 'stopped');
});

/** Starts `onnx-edge serve` with these arguments; resolves with its URL and everything it said on stderr until then. */
function startServe(t: TestContext, args: string[]): Promise<{ url: string; stderr: () => string; stop: () => Promise<number | null> }> {
  const child = spawn(process.execPath, ['bin/onnx-edge.js', 'serve', '--port', '0', ...args], { cwd: root, env: { ...process.env, ONNX_EDGE_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'pipe'] });
  t.after(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
      const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (m) resolve({ url: m[1]!, stderr: () => stderr, stop: () => (child.kill('SIGTERM'), exited) });
    });
    child.on('exit', () => reject(new Error(`server exited before listening: ${stderr}`)));
  });
}

test('on a fresh install onnx-edge serve builds the web demo where there is none, once, and serves it at /', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'onnx-edge-serve-demo-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const model = tf.sequential({ layers: [tf.layers.conv2d({ inputShape: [16, 16, 3], filters: 2, kernelSize: 3 }), tf.layers.flatten(), tf.layers.dense({ units: 3, activation: 'softmax' })] });
  await writeFile(join(dir, 'm.onnx'), exportModel(model).bytes);
  const webRoot = join(dir, 'demo'); // not there yet, as web-demo/dist after npm install

  const first = await startServe(t, ['--model', join(dir, 'm.onnx'), '--web-root', webRoot]);
  assert.match(first.stderr(), /web demo: no build in .*demo; building it/);
  const page = await fetch(`${first.url}/`);
  assert.equal(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /text\/html/);
  assert.match(await page.text(), /<title>onnx-edge · classify an image in your browser<\/title>/);
  const examples = (await (await fetch(`${first.url}/examples/index.json`)).json()) as Record<string, unknown>;
  assert.ok('synthetic' in examples, 'the build has its example images');
  assert.equal(await first.stop(), 0);

  const second = await startServe(t, ['--model', join(dir, 'm.onnx'), '--web-root', webRoot]);
  assert.doesNotMatch(second.stderr(), /web demo/, 'the build is made once; the next start serves it as it is');
  assert.equal((await fetch(`${second.url}/`)).status, 200);
  assert.equal(await second.stop(), 0);

  const foreign = join(dir, 'site');
  await mkdir(foreign);
  await writeFile(join(foreign, 'notes.txt'), 'not a demo');
  const third = await startServe(t, ['--model', join(dir, 'm.onnx'), '--web-root', foreign]);
  assert.match(third.stderr(), /web demo: not served: .*site holds files but no web demo build/, 'a folder with other files is never built over');
  assert.equal(await readFile(join(foreign, 'notes.txt'), 'utf8'), 'not a demo');
  assert.equal((await fetch(`${third.url}/`)).status, 404);
  assert.equal(await third.stop(), 0);
});
