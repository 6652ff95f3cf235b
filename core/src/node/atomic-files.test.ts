import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { withTempDir } from '../../testing/shared-data.ts';
import { replaceFolderAtomic, writeFileAtomic, writeFileAtomicSync } from './atomic-files.ts';

// Above Linux's largest pid_max (2^22): no process can have it.
const DEAD_PID = 4_194_305;

test('writeFileAtomicSync removes the temps of writers that died, keeps a live writer\'s and anything else', async () => {
  await withTempDir('atomic-files', async (dir) => {
    const target = join(dir, 'history.json');
    writeFileSync(`${target}.tmp-${DEAD_PID}-0badf00d`, '{"half');
    writeFileSync(`${target}.tmp-${process.ppid}-0badf00d`, 'a live writer');
    writeFileSync(`${target}.tmp-notes`, 'not a temp name of ours');
    writeFileSync(join(dir, `other.json.tmp-${DEAD_PID}-0badf00d`), 'another target: not ours to judge');
    writeFileAtomicSync(target, '{}');
    assert.equal(readFileSync(target, 'utf8'), '{}');
    assert.deepEqual(readdirSync(dir).sort(), ['history.json', `history.json.tmp-${process.ppid}-0badf00d`, 'history.json.tmp-notes', `other.json.tmp-${DEAD_PID}-0badf00d`].sort());
  });
});

test('replaceFolderAtomic removes a temp folder left by a killed run before filling its own', async () => {
  await withTempDir('atomic-files', async (dir) => {
    const target = join(dir, 'checkpoint');
    const leftover = `${target}.tmp-${DEAD_PID}-0badf00d`;
    mkdirSync(join(leftover, 'model'), { recursive: true });
    writeFileSync(join(leftover, 'state.json'), '{"version":1,"rec');
    await replaceFolderAtomic(target, async (temp) => {
      mkdirSync(temp);
      writeFileSync(join(temp, 'state.json'), '{"version":1}');
    });
    assert.deepEqual(readdirSync(dir), ['checkpoint']);
    assert.equal(readFileSync(join(target, 'state.json'), 'utf8'), '{"version":1}');
  });
});

test('replaceFolderAtomic leaves the old folder and no temp behind when filling fails', async () => {
  await withTempDir('atomic-files', async (dir) => {
    const target = join(dir, 'checkpoint');
    mkdirSync(target);
    writeFileSync(join(target, 'state.json'), 'old');
    await assert.rejects(replaceFolderAtomic(target, async (temp) => {
      mkdirSync(temp);
      writeFileSync(join(temp, 'state.json'), 'half');
      throw new Error('disk full');
    }), /disk full/);
    assert.deepEqual(readdirSync(dir), ['checkpoint']);
    assert.equal(readFileSync(join(target, 'state.json'), 'utf8'), 'old');
  });
});

test('writeFileAtomicSync leaves the old file and no temp behind when the write fails', async () => {
  await withTempDir('atomic-files', async (dir) => {
    const target = join(dir, 'history.json');
    writeFileSync(target, 'old');
    mkdirSync(join(dir, 'taken'));
    // Renaming a file over a folder fails after the temp file was written and synced.
    assert.throws(() => writeFileAtomicSync(join(dir, 'taken'), 'new'));
    assert.deepEqual(readdirSync(dir).sort(), ['history.json', 'taken']);
    assert.equal(readFileSync(target, 'utf8'), 'old');
  });
});

test('writeFileAtomic replaces the file whole and leaves no temporary file, also when the write fails', async () => {
  const root = await mkdtemp(join(tmpdir(), 'onnx-edge-io-'));
  try {
    const target = join(root, 'model.onnx');
    await writeFileAtomic(target, 'old');
    await writeFileAtomic(target, new Uint8Array([1, 2, 3]));
    assert.deepEqual([...await readFile(target)], [1, 2, 3]);
    assert.deepEqual(await readdir(root), ['model.onnx']);
    // A folder where the file should be: rename fails, the temp file is cleaned up.
    await mkdir(join(root, 'taken.onnx'));
    await assert.rejects(writeFileAtomic(join(root, 'taken.onnx'), 'x'));
    assert.deepEqual((await readdir(root)).sort(), ['model.onnx', 'taken.onnx']);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});

test('a writer killed in the middle of writeFileAtomic leaves no partial target file', async () => {
  const root = await mkdtemp(join(tmpdir(), 'onnx-edge-io-'));
  const size = 256 << 20;
  try {
    const target = join(root, 'model.onnx');
    const module = new URL('./atomic-files.ts', import.meta.url).href;
    const script = `import { writeFileAtomic } from ${JSON.stringify(module)};
      const data = new Uint8Array(${size}).fill(7);
      process.stdout.write('writing\\n');
      await writeFileAtomic(${JSON.stringify(target)}, data);`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    // Kill it 20 ms into the write.
    await new Promise<void>((resolve) => child.stdout.once('data', () => setTimeout(resolve, 20)));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('close', resolve));
    const written = await stat(target).catch(() => undefined);
    // Either the rename never happened (no target), or the file is whole: never a truncated model.onnx.
    if (written) assert.equal(written.size, size);
    assert.ok((await readdir(root)).every((f) => f === 'model.onnx' || /^model\.onnx\.tmp-\d+-[0-9a-f]{8}$/.test(f)));
    // The next write to the same target removes what the killed writer left; a live writer's temp stays.
    const live = `model.onnx.tmp-${process.ppid}-0badf00d`;
    await writeFile(join(root, live), 'a live writer');
    await writeFile(join(root, 'model.onnx.tmp-notes'), 'not a temp name of ours');
    await writeFileAtomic(target, 'next');
    assert.deepEqual((await readdir(root)).sort(), ['model.onnx.tmp-notes', live, 'model.onnx'].sort());
  } finally {
    await rm(root, { recursive: true, force: true });
  }
});
