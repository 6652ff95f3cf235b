import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { withTempDir } from '../data/test-support.ts';
import { replaceFolderAtomic, writeFileAtomic } from './atomic-files.ts';

// Above Linux's largest pid_max (2^22): no process can have it.
const DEAD_PID = 4_194_305;

test('writeFileAtomic removes the temps of writers that died, keeps a live writer\'s and anything else', async () => {
  await withTempDir('atomic-files', async (dir) => {
    const target = join(dir, 'history.json');
    writeFileSync(`${target}.tmp-${DEAD_PID}-0badf00d`, '{"half');
    writeFileSync(`${target}.tmp-${process.ppid}-0badf00d`, 'a live writer');
    writeFileSync(`${target}.tmp-notes`, 'not a temp name of ours');
    writeFileSync(join(dir, `other.json.tmp-${DEAD_PID}-0badf00d`), 'another target: not ours to judge');
    writeFileAtomic(target, '{}');
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

test('writeFileAtomic leaves the old file and no temp behind when the write fails', async () => {
  await withTempDir('atomic-files', async (dir) => {
    const target = join(dir, 'history.json');
    writeFileSync(target, 'old');
    mkdirSync(join(dir, 'taken'));
    // Renaming a file over a folder fails after the temp file was written and synced.
    assert.throws(() => writeFileAtomic(join(dir, 'taken'), 'new'));
    assert.deepEqual(readdirSync(dir).sort(), ['history.json', 'taken']);
    assert.equal(readFileSync(target, 'utf8'), 'old');
  });
});
