import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, readdir, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { requireSharedData, withTempDir } from '@onnx-edge/core/testing';
import { buildArchive, md5, serve } from '@onnx-edge/train/testing';
import { runCli } from '../testing/run-cli.ts';


/** Runs the CLI asynchronously (the test's own HTTP server must keep answering meanwhile). */
const cli = runCli;

test('data check reports 10,000 records, 1,000 per class, on the sample', async (t) => {
  const sample = requireSharedData(t, 'cifar10-sample');
  if (!sample) return;
  const result = await cli(['data', 'check', sample]);
  assert.equal(result.status, 0, result.stderr);
  assert.match(result.stdout, /^ {2}sample_batch_000\.bin +1,000$/m);
  assert.match(result.stdout, /^ {2}total +10,000$/m);
  for (const [label, name] of ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'].entries()) {
    assert.match(result.stdout, new RegExp(`^ {2}${label} ${name} +1,000$`, 'm'));
  }
});

test('data check refuses a truncated copy naming the file, with a non-zero exit code', async (t) => {
  const sample = requireSharedData(t, 'cifar10-sample');
  if (!sample) return;
  await withTempDir('onnx-edge-cli-data-', async (dir) => {
    await copyFile(join(sample, 'sample_batch_000.bin'), join(dir, 'sample_batch_000.bin'));
    await copyFile(join(sample, 'sample_batch_001.bin'), join(dir, 'sample_batch_001.bin'));
    await truncate(join(dir, 'sample_batch_001.bin'), 1_500_000);
    const result = await cli(['data', 'check', dir]);
    assert.equal(result.status, 1);
    assert.match(result.stderr, /sample_batch_001\.bin: size 1500000 bytes is not a multiple of the 3073-byte CIFAR-10 record/);
  });
});

test('data download fetches, verifies and extracts from --url, printing plain progress lines off a TTY', async (t) => {
  const sample = requireSharedData(t, 'cifar10-sample');
  if (!sample) return;
  const archive = await buildArchive(sample);
  const server = await serve(archive);
  try {
    await withTempDir('onnx-edge-cli-data-', async (dir) => {
      const result = await cli(['data', 'download', '--dir', dir, '--url', server.url, '--md5', md5(archive)]);
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, /^100% \d+\.\d\/\d+\.\d MB/m);
      assert.match(result.stdout, /extracted 300 records in .*cifar-10-batches-bin$/m);
      assert.deepEqual((await readdir(dir)).sort(), ['cifar-10-batches-bin', 'cifar-10-binary.tar.gz']);

      const bad = await cli(['data', 'download', '--dir', join(dir, 'other')], { CIFAR10_URL: server.url });
      assert.equal(bad.status, 1);
      assert.match(bad.stderr, /corrupt or not the official one: md5 [0-9a-f]{32}, expected c32a1d4ab5d03f1284b67883e8d87530/);
      assert.deepEqual(await readdir(join(dir, 'other')), []);
    });
  } finally {
    await server.close();
  }
});

test('data download rejects malformed flags with exit code 2', async () => {
  const result = await cli(['data', 'download', '--md5', 'xyz']);
  assert.equal(result.status, 2);
  assert.match(result.stderr, /--md5 must be 32 hex digits/);
});
