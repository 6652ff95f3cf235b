import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openRegularFile } from '@onnx-edge/core/node';
import { fileStream } from './files.ts';

async function scratch(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'onnx-edge-files-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const openDescriptors = async () => (await readdir('/proc/self/fd')).length;

test('fileStream yields the file in chunks and closes it at the end, on cancel, and on abort', async (t) => {
  const dir = await scratch(t);
  const path = join(dir, 'data.bin');
  const bytes = Buffer.from(Array.from({ length: 200_000 }, (_, i) => i % 251));
  await writeFile(path, bytes);
  const baseline = await openDescriptors();

  const whole: Uint8Array[] = [];
  for await (const chunk of fileStream(await openRegularFile(path))) whole.push(chunk);
  assert.deepEqual(Buffer.concat(whole), bytes);
  assert.equal(await openDescriptors(), baseline, 'closed at the end');

  const cancelled = fileStream(await openRegularFile(path)).getReader();
  await cancelled.read();
  await cancelled.cancel();
  assert.equal(await openDescriptors(), baseline, 'closed on cancel');

  const controller = new AbortController();
  const aborted = fileStream(await openRegularFile(path), controller.signal).getReader();
  await aborted.read();
  controller.abort();
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(await openDescriptors(), baseline, 'closed on abort');
  assert.equal((await aborted.read()).done, true, 'an aborted stream ends quietly');
});
