import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, readFile, truncate, writeFile } from 'node:fs/promises';
import { createWriteStream } from 'node:fs';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import * as tarStream from 'tar-stream';
import { CIFAR10_LABELS } from '@onnx-edge/core';
import { classCounts, IMAGE_BYTES, RECORD_BYTES } from './format.ts';
import { loadCifar } from './reader.ts';
import { requireSharedData, withTempDir } from '@onnx-edge/core/testing';

test('the sample folder reads as 10,000 records, 1,000 per class, in file order', async (t) => {
  const dir = requireSharedData(t, 'cifar10-sample');
  if (!dir) return;
  const data = await loadCifar(dir);
  assert.equal(data.count, 10_000);
  assert.equal(data.images.byteLength, 10_000 * IMAGE_BYTES);
  assert.deepEqual(classCounts(data), new Array(10).fill(1000));
  assert.deepEqual(data.classNames, CIFAR10_LABELS);
  assert.equal(data.files.length, 10);
  assert.ok(data.files[0]!.name.endsWith('sample_batch_000.bin'));
  // The README: record 0 is a cat, 1 and 2 ships, 3 an airplane (official test order).
  assert.deepEqual([...data.labels.subarray(0, 4)], [3, 8, 8, 0]);
  // Pixel bytes are the file's bytes after each label byte.
  const raw = await readFile(join(dir, 'sample_batch_000.bin'));
  assert.deepEqual(data.images.subarray(IMAGE_BYTES, 2 * IMAGE_BYTES), new Uint8Array(raw.subarray(RECORD_BYTES + 1, 2 * RECORD_BYTES)));
});

test('limit reads only the first records', async (t) => {
  const dir = requireSharedData(t, 'cifar10-sample');
  if (!dir) return;
  const data = await loadCifar(dir, { limit: 1500 });
  assert.equal(data.count, 1500);
  assert.deepEqual(data.files.map((f) => f.records), [1000, 500]);
});

test('the official layout splits into train and test files, in official order', async (t) => {
  const sample = requireSharedData(t, 'cifar10-sample');
  if (!sample) return;
  await withTempDir('onnx-edge-cifar-', async (dir) => {
    const source = await readFile(join(sample, 'sample_batch_000.bin'));
    for (const [name, records] of [['data_batch_2.bin', 3], ['data_batch_10.bin', 4], ['data_batch_1.bin', 2], ['test_batch.bin', 5]] as const) {
      await writeFile(join(dir, name), source.subarray(0, records * RECORD_BYTES));
    }
    const train = await loadCifar(dir, { files: 'train' });
    assert.deepEqual(train.files.map((f) => [f.name.slice(dir.length + 1), f.records]), [['data_batch_1.bin', 2], ['data_batch_2.bin', 3], ['data_batch_10.bin', 4]]);
    const test = await loadCifar(dir, { files: 'test' });
    assert.equal(test.count, 5);
    assert.equal((await loadCifar(dir)).count, 14);
  });
});

test('a truncated file is refused, naming the file and the truncated record', async (t) => {
  const sample = requireSharedData(t, 'cifar10-sample');
  if (!sample) return;
  await withTempDir('onnx-edge-cifar-', async (dir) => {
    await copyFile(join(sample, 'sample_batch_003.bin'), join(dir, 'sample_batch_003.bin'));
    await truncate(join(dir, 'sample_batch_003.bin'), 1000 * RECORD_BYTES - 100);
    await assert.rejects(loadCifar(dir), (err: Error) => {
      assert.equal(err.name, 'CifarFormatError');
      assert.match(err.message, /sample_batch_003\.bin: size 3072900 bytes is not a multiple of the 3073-byte CIFAR-10 record \(record 999 is truncated/);
      return true;
    });
  });
});

test('a label outside 0–9 is refused, naming the file and the record', async (t) => {
  const sample = requireSharedData(t, 'cifar10-sample');
  if (!sample) return;
  await withTempDir('onnx-edge-cifar-', async (dir) => {
    const bytes = new Uint8Array(await readFile(join(sample, 'sample_batch_000.bin'))).slice(0, 20 * RECORD_BYTES);
    bytes[17 * RECORD_BYTES] = 12;
    await writeFile(join(dir, 'bad.bin'), bytes);
    await assert.rejects(loadCifar(dir), /bad\.bin: record 17 has label 12, outside 0–9/);
  });
});

test('a missing folder and a folder without *.bin files get clear errors', async () => {
  await withTempDir('onnx-edge-cifar-', async (dir) => {
    await assert.rejects(loadCifar(join(dir, 'nope')), /CIFAR-10 source .*nope does not exist; run 'onnx-edge data download'/);
    await writeFile(join(dir, 'readme.txt'), 'not data');
    await assert.rejects(loadCifar(dir), /holds no \*\.bin record files/);
  });
});

test('the official tar.gz reads like its folder', async (t) => {
  const sample = requireSharedData(t, 'cifar10-sample');
  if (!sample) return;
  await withTempDir('onnx-edge-cifar-', async (dir) => {
    const source = await readFile(join(sample, 'sample_batch_000.bin'));
    const pack = tarStream.pack();
    const archive = join(dir, 'cifar-10-binary.tar.gz');
    const written = pipeline(pack, createGzip(), createWriteStream(archive));
    pack.entry({ name: 'cifar-10-batches-bin/', type: 'directory' });
    pack.entry({ name: 'cifar-10-batches-bin/test_batch.bin' }, source.subarray(0, 30 * RECORD_BYTES));
    pack.entry({ name: 'cifar-10-batches-bin/batches.meta.txt' }, CIFAR10_LABELS.join('\n'));
    pack.entry({ name: 'cifar-10-batches-bin/data_batch_1.bin' }, source.subarray(30 * RECORD_BYTES, 50 * RECORD_BYTES));
    pack.finalize();
    await written;
    const all = await loadCifar(archive);
    assert.deepEqual(all.files.map((f) => [f.name.split(':').pop(), f.records]), [['cifar-10-batches-bin/data_batch_1.bin', 20], ['cifar-10-batches-bin/test_batch.bin', 30]]);
    assert.deepEqual(all.images.subarray(0, IMAGE_BYTES), new Uint8Array(source.subarray(30 * RECORD_BYTES + 1, 31 * RECORD_BYTES)));
    assert.equal((await loadCifar(archive, { files: 'test' })).count, 30);

    const broken = join(dir, 'broken.tar.gz');
    const bytes = await readFile(archive);
    await writeFile(broken, bytes.subarray(0, bytes.length >> 1));
    await assert.rejects(loadCifar(broken), /broken\.tar\.gz: not a readable \.tar\.gz archive/);
  });
});
