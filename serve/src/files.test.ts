import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FileRefusedError, fileStream, openRegularFile, readRegularFile, realPathInside } from './files.ts';

async function scratch(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'onnx-edge-files-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

const openDescriptors = async () => (await readdir('/proc/self/fd')).length;

test('a FIFO, a device and a folder are refused at once, without waiting for a writer', async (t) => {
  const dir = await scratch(t);
  const fifo = join(dir, 'labels.txt');
  execFileSync('mkfifo', [fifo]);
  for (const [path, kind] of [[fifo, 'a FIFO'], ['/dev/zero', 'a device'], [dir, 'a folder']] as const) {
    await assert.rejects(readRegularFile(path, 1024), (err: Error) => err instanceof FileRefusedError && err.message.includes(kind) && err.message.includes(path));
  }
});

test('a file over its cap is refused before it is read', async (t) => {
  const dir = await scratch(t);
  await writeFile(join(dir, 'big'), Buffer.alloc(2048, 1));
  await assert.rejects(readRegularFile(join(dir, 'big'), 1024), /2048 bytes, more than the 1024/);
  assert.equal((await readRegularFile(join(dir, 'big'), 2048)).length, 2048);
});

test('realPathInside follows links that stay inside and refuses links that leave', async (t) => {
  const dir = await scratch(t);
  const outside = await scratch(t);
  await writeFile(join(dir, 'a.txt'), 'a');
  await writeFile(join(outside, 'secret.txt'), 'secret');
  await symlink(join(dir, 'a.txt'), join(dir, 'inside-link'));
  await symlink(join(outside, 'secret.txt'), join(dir, 'outside-link'));
  assert.ok((await realPathInside(dir, join(dir, 'inside-link'))).endsWith('a.txt'));
  await assert.rejects(realPathInside(dir, join(dir, 'outside-link')), (err: Error) => err instanceof FileRefusedError && /leads outside/.test(err.message));
});

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
