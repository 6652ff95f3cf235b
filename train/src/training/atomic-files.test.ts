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
    writeFileSync(`${target}.tmp-${DEAD_PID}`, '{"half');
    writeFileSync(`${target}.tmp-${process.ppid}`, 'a live writer');
    writeFileSync(join(dir, 'other.json.tmp-' + DEAD_PID), 'another target: not ours to judge');
    writeFileAtomic(target, '{}');
    assert.equal(readFileSync(target, 'utf8'), '{}');
    assert.deepEqual(readdirSync(dir).sort(), ['history.json', `history.json.tmp-${process.ppid}`, `other.json.tmp-${DEAD_PID}`].sort());
  });
});

test('replaceFolderAtomic removes a temp folder left by a killed run before filling its own', async () => {
  await withTempDir('atomic-files', async (dir) => {
    const target = join(dir, 'checkpoint');
    mkdirSync(join(`${target}.tmp-${DEAD_PID}`, 'model'), { recursive: true });
    writeFileSync(join(`${target}.tmp-${DEAD_PID}`, 'state.json'), '{"version":1,"rec');
    await replaceFolderAtomic(target, async (temp) => {
      mkdirSync(temp);
      writeFileSync(join(temp, 'state.json'), '{"version":1}');
    });
    assert.deepEqual(readdirSync(dir), ['checkpoint']);
    assert.equal(readFileSync(join(target, 'state.json'), 'utf8'), '{"version":1}');
  });
});
