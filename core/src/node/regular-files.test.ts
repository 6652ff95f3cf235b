import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FileRefusedError, readRegularFile, realPathInside } from './regular-files.ts';

async function scratch(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'onnx-edge-files-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test('a FIFO, a device and a folder are refused at once, without waiting for a writer', async (t) => {
  const dir = await scratch(t);
  const fifo = join(dir, 'labels.txt');
  execFileSync('mkfifo', [fifo]);
  for (const [path, kind] of [[fifo, 'a FIFO'], ['/dev/zero', 'a device'], [dir, 'a folder']] as const) {
    await assert.rejects(readRegularFile(path, { maxBytes: 1024 }), (err: Error) => err instanceof FileRefusedError && err.message.includes(kind) && err.message.includes(path));
  }
});

test('a file over its cap is refused before it is read', async (t) => {
  const dir = await scratch(t);
  await writeFile(join(dir, 'big'), Buffer.alloc(2048, 1));
  await assert.rejects(readRegularFile(join(dir, 'big'), { maxBytes: 1024 }), /is 2,048 bytes; at most 1,024 are read/);
  assert.equal((await readRegularFile(join(dir, 'big'), { maxBytes: 2048 })).length, 2048);
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
