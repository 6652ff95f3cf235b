// Which records train and which validate: --val-data when given; else test_batch.bin of an official-layout
// folder; else the last 10% of the training records, held out (and said so).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RECORD_BYTES } from '../data/format.ts';
import { loadRunData } from './data-source.ts';

/** `count` records whose label is `label` and whose pixels are all `label` too (so origins are visible). */
function records(count: number, label: number): Uint8Array {
  return new Uint8Array(count * RECORD_BYTES).fill(label);
}

function folder(t: { after: (fn: () => void) => void }, files: Record<string, Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), 'onnx-edge-data-source-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
  return dir;
}

test('an official-layout folder validates on its test_batch.bin', async (t) => {
  const dir = folder(t, { 'data_batch_1.bin': records(20, 1), 'test_batch.bin': records(10, 7) });
  const data = await loadRunData({ data: dir, seed: 0, valLimit: 4 }, () => {});
  assert.equal(data.train.count, 20);
  assert.ok(data.train.labels.every((l) => l === 1));
  assert.equal(data.validation.count, 4);
  assert.ok(data.validation.labels.every((l) => l === 7));
});

test('--val-data wins over everything', async (t) => {
  const dir = folder(t, { 'data_batch_1.bin': records(20, 1), 'test_batch.bin': records(10, 7) });
  const other = folder(t, { 'sample_batch_000.bin': records(5, 3) });
  const data = await loadRunData({ data: dir, valData: other, seed: 0, limit: 8 }, () => {});
  assert.equal(data.train.count, 8);
  assert.deepEqual([...data.validation.labels], [3, 3, 3, 3, 3]);
});

test('otherwise the last 10% of the training records are held out, and the log says so', async (t) => {
  const bytes = new Uint8Array([...records(18, 2), ...records(2, 9)]);
  const dir = folder(t, { 'sample_batch_000.bin': bytes });
  const lines: string[] = [];
  const data = await loadRunData({ data: dir, seed: 0 }, (l) => lines.push(l));
  assert.equal(data.train.count, 18);
  assert.ok(data.train.labels.every((l) => l === 2), 'a held-out record was trained on');
  assert.deepEqual([...data.validation.labels], [9, 9]);
  assert.ok(lines.some((l) => /validating on the last 2 of 20 training records \(held out/.test(l)), lines.join('\n'));
});
