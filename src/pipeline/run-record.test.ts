import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { reusableRecord, runFolderName, writeRecord, type RunRecord, type RunRequest } from './run-record.ts';

const work = mkdtempSync(join(tmpdir(), 'onnx-edge-run-record-'));
after(() => rmSync(work, { recursive: true, force: true }));

const request: RunRequest = { model: 'inception10', variant: 'seed', data: 'synthetic', valData: null, limit: 200, valLimit: 50, batchSize: null, epochs: 1 };

test('the run folder depends on what is trained, not on the epoch count (more epochs continue the run)', () => {
  const name = runFolderName(request, 'synthetic');
  assert.match(name, /^inception10-seed-synthetic-[0-9a-f]{8}$/);
  assert.equal(runFolderName({ ...request, epochs: 5 }, 'synthetic'), name);
  assert.notEqual(runFolderName({ ...request, limit: 300 }, 'synthetic'), name);
  assert.notEqual(runFolderName({ ...request, data: '/data/cifar' }, 'cifar10'), name);
});

test('a finished run is reused only for the same request and while its model.onnx exists', async () => {
  const onnx = join(work, 'model.onnx');
  assert.equal(reusableRecord(work, request, onnx), undefined);
  const record = { request, outcome: { epochsTrained: 1 } } as unknown as RunRecord;
  await writeRecord(work, record);
  assert.equal(reusableRecord(work, request, onnx), undefined, 'no model.onnx yet');
  writeFileSync(onnx, 'x');
  assert.deepEqual(reusableRecord(work, request, onnx), record);
  assert.equal(reusableRecord(work, { ...request, epochs: 3 }, onnx), undefined);
});
