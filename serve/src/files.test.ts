import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { type OpenedFile, openRegularFile } from '@onnx-edge/core/node';
import { fileStream } from './files.ts';

async function scratch(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'onnx-edge-files-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

// A closed FileHandle reports descriptor -1: asked of the handle itself, not by counting the process's
// descriptors, which other parts of the runtime open and close at their own pace.
const isClosed = (file: OpenedFile) => file.handle.fd === -1;

test('fileStream yields the file in chunks and closes it at the end, on cancel, and on abort', async (t) => {
  const dir = await scratch(t);
  const path = join(dir, 'data.bin');
  const bytes = Buffer.from(Array.from({ length: 200_000 }, (_, i) => i % 251));
  await writeFile(path, bytes);

  const whole: Uint8Array[] = [];
  const complete = await openRegularFile(path);
  for await (const chunk of fileStream(complete)) whole.push(chunk);
  assert.deepEqual(Buffer.concat(whole), bytes);
  assert.ok(isClosed(complete), 'closed at the end');

  const left = await openRegularFile(path);
  const cancelled = fileStream(left).getReader();
  await cancelled.read();
  assert.ok(!isClosed(left), 'open while the stream is read');
  await cancelled.cancel();
  assert.ok(isClosed(left), 'closed on cancel');

  const controller = new AbortController();
  const abandoned = await openRegularFile(path);
  const aborted = fileStream(abandoned, controller.signal).getReader();
  await aborted.read();
  controller.abort();
  await new Promise((r) => setTimeout(r, 20));
  assert.ok(isClosed(abandoned), 'closed on abort');
  assert.equal((await aborted.read()).done, true, 'an aborted stream ends quietly');
});
