import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { defaultDataDir, downloadCifar } from './download.ts';
import { classCounts } from './format.ts';
import { loadCifar } from './reader.ts';
import { requireSharedData, withTempDir } from '@onnx-edge/core/testing';
import { buildArchive, md5, serve } from '../../testing/cifar-archive-server.ts';

test('served → verified → extracted → readable; a second call finds it in place', async (t) => {
  const sample = requireSharedData(t, 'cifar10-sample');
  if (!sample) return;
  const archive = await buildArchive(sample);
  const server = await serve(archive);
  try {
    await withTempDir('onnx-edge-download-', async (dir) => {
      const progress: number[] = [];
      const result = await downloadCifar({ dir, url: server.url, expectedMd5: md5(archive), onProgress: (p) => progress.push(p.received) });
      assert.equal(result.downloaded, true);
      assert.equal(result.records, 300);
      assert.equal(progress.at(-1), archive.length);
      assert.deepEqual((await readdir(dir)).sort(), ['cifar-10-batches-bin', 'cifar-10-binary.tar.gz']);
      const train = await loadCifar(result.dataDir, { files: 'train' });
      const test = await loadCifar(result.dataDir, { files: 'test' });
      assert.equal(train.count, 200);
      assert.equal(test.count, 100);
      assert.equal(classCounts(train).reduce((a, b) => a + b, 0), 200);

      const again = await downloadCifar({ dir, url: server.url, expectedMd5: md5(archive) });
      assert.equal(again.downloaded, false);
      assert.equal(server.requests.length, 1);
    });
  } finally {
    await server.close();
  }
});

test('a corrupted archive is refused and nothing is left behind', async (t) => {
  const sample = requireSharedData(t, 'cifar10-sample');
  if (!sample) return;
  const good = await buildArchive(sample);
  const corrupted = Buffer.from(good);
  corrupted[corrupted.length >> 1]! ^= 0xff;
  const server = await serve(corrupted);
  try {
    await withTempDir('onnx-edge-download-', async (dir) => {
      await assert.rejects(downloadCifar({ dir, url: server.url, expectedMd5: md5(good) }), (err: Error) => {
        assert.equal(err.name, 'DownloadError');
        assert.match(err.message, new RegExp(`corrupt or not the official one: md5 ${md5(corrupted)}, expected ${md5(good)}`));
        return true;
      });
      assert.deepEqual(await readdir(dir), []);
      // Even when the checksum is made to match, the broken gzip stream is refused during extraction.
      await assert.rejects(downloadCifar({ dir, url: server.url, expectedMd5: md5(corrupted) }), /refused: .*cifar-10-binary\.tar\.gz: not a readable \.tar\.gz archive .*the archive was deleted, run the download again/);
      assert.deepEqual(await readdir(dir), []);
    });
  } finally {
    await server.close();
  }
});

test('an interrupted download resumes with an HTTP Range request', async (t) => {
  const sample = requireSharedData(t, 'cifar10-sample');
  if (!sample) return;
  const archive = await buildArchive(sample);
  const half = archive.length >> 1;
  const server = await serve(archive, half);
  try {
    await withTempDir('onnx-edge-download-', async (dir) => {
      const lines: string[] = [];
      const result = await downloadCifar({ dir, url: server.url, expectedMd5: md5(archive), log: (l) => lines.push(l) });
      assert.equal(result.records, 300);
      // The second request continues where the .part file ended (at most `half`: the cut may drop bytes in flight).
      assert.equal(server.requests.length, 2);
      assert.equal(server.requests[0]!.range, undefined);
      const resumedAt = Number(/^bytes=(\d+)-$/.exec(server.requests[1]!.range ?? '')?.[1]);
      assert.ok(resumedAt > 0 && resumedAt <= half, `resumed at ${resumedAt}`);
      assert.ok(lines.some((l) => l.startsWith('connection lost')), lines.join('\n'));
      assert.equal(md5(await readFile(result.archive)), md5(archive));
    });
  } finally {
    await server.close();
  }
});

test('a .part file that is already complete is verified without downloading it again', async (t) => {
  const sample = requireSharedData(t, 'cifar10-sample');
  if (!sample) return;
  const archive = await buildArchive(sample);
  const server = await serve(archive);
  try {
    await withTempDir('onnx-edge-download-', async (dir) => {
      await writeFile(join(dir, 'cifar-10-binary.tar.gz.part'), archive);
      const result = await downloadCifar({ dir, url: server.url, expectedMd5: md5(archive) });
      assert.equal(result.records, 300);
      assert.deepEqual(server.requests.map((r) => r.range), [`bytes=${archive.length}-`]);
    });
  } finally {
    await server.close();
  }
});

test('an HTTP error or an unreachable URL is reported with the URL, leaving nothing behind', async () => {
  const server = await serve(Buffer.alloc(0));
  const missing = server.url.replace('cifar-10-binary.tar.gz', 'nothing-here');
  await withTempDir('onnx-edge-download-', async (dir) => {
    await assert.rejects(downloadCifar({ dir, url: missing }), /http:\/\/127\.0\.0\.1:\d+\/nothing-here answered HTTP 404/);
    await server.close();
    await assert.rejects(downloadCifar({ dir, url: server.url, retries: 0 }), /cannot reach http:\/\/127\.0\.0\.1:\d+\/cifar-10-binary\.tar\.gz/);
    assert.deepEqual(await readdir(dir), []);
  });
});

test('the default folder follows XDG_CACHE_HOME', () => {
  assert.equal(defaultDataDir({ XDG_CACHE_HOME: '/cache' }), join('/cache', 'onnx-edge', 'cifar10'));
  assert.match(defaultDataDir({}), /\.cache[\\/]onnx-edge[\\/]cifar10$/);
});
