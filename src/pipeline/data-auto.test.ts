import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { resolveData } from './data-auto.ts';

const work = mkdtempSync(join(tmpdir(), 'onnx-edge-data-auto-'));
after(() => rmSync(work, { recursive: true, force: true }));
const quiet = () => {};

async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return `http://127.0.0.1:${port}/cifar-10-binary.tar.gz`;
}

test('--data wins over CIFAR10_DIR; synthetic when asked', async () => {
  const env = { CIFAR10_DIR: work, XDG_CACHE_HOME: join(work, 'none') };
  const flag = await resolveData({ data: work, env, log: quiet });
  assert.equal(flag.origin, 'flag');
  assert.equal(flag.dataset, 'cifar10');
  const synthetic = await resolveData({ data: 'synthetic', env, log: quiet });
  assert.equal(synthetic.source, 'synthetic');
  assert.match(synthetic.description, /^SYNTHETIC images .*--data synthetic/);
});

test('CIFAR10_DIR, then the download cache', async () => {
  const env = { CIFAR10_DIR: work, XDG_CACHE_HOME: join(work, 'cache') };
  assert.equal((await resolveData({ env, log: quiet })).origin, 'env');
  mkdirSync(join(work, 'cache', 'onnx-edge', 'cifar10', 'cifar-10-batches-bin'), { recursive: true });
  const cached = await resolveData({ env: { XDG_CACHE_HOME: join(work, 'cache') }, log: quiet });
  assert.equal(cached.origin, 'cache');
  assert.equal(cached.source, join(work, 'cache', 'onnx-edge', 'cifar10', 'cifar-10-batches-bin'));
});

test('a path that does not exist is an error naming it and the fix', async () => {
  await assert.rejects(resolveData({ data: join(work, 'nope'), env: {}, log: quiet }), /--data names .*nope, which does not exist: give a folder of CIFAR-10/);
  await assert.rejects(resolveData({ env: { CIFAR10_DIR: join(work, 'gone') }, log: quiet }), /CIFAR10_DIR names .*gone/);
});

test('nothing local and the download unreachable: synthetic, with the reason in the log', async () => {
  const url = await refusedUrl();
  const lines: string[] = [];
  const started = Date.now();
  const data = await resolveData({ env: { XDG_CACHE_HOME: join(work, 'empty'), CIFAR10_URL: url }, log: (l) => lines.push(l) });
  assert.equal(data.origin, 'synthetic');
  assert.match(data.description, /CIFAR-10 could not be downloaded.*onnx-edge data download/);
  assert.ok(lines.some((l) => l.startsWith(`data: download not possible: cannot reach ${url}`)), lines.join('\n'));
  assert.ok(Date.now() - started < 5000, 'a refused connection falls through at once');
});

test('a download server that never answers is given up after the probe timeout', async () => {
  const sockets: import('node:net').Socket[] = [];
  const silent = createServer((socket) => sockets.push(socket)); // accepts connections, never answers
  await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
  const { port } = silent.address() as { port: number };
  try {
    const lines: string[] = [];
    const data = await resolveData({ env: { XDG_CACHE_HOME: join(work, 'empty2'), CIFAR10_URL: `http://127.0.0.1:${port}/x.tar.gz` }, probeTimeoutMs: 300, log: (l) => lines.push(l) });
    assert.equal(data.origin, 'synthetic');
    assert.ok(lines.some((l) => /did not answer within 0.3 s$/.test(l)), lines.join('\n'));
  } finally {
    for (const socket of sockets) socket.destroy();
    silent.close();
  }
});
