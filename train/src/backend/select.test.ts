// Backend choice on this machine: auto reports every better candidate it skipped, with a reason, before the
// one it chose; an explicit backend that cannot run fails with the reason instead of falling back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from './select.ts';

const AUTO_ORDER = ['tensorflow-gpu', 'tensorflow', 'webgpu', 'wasm', 'cpu'];

function installed(pkg: string): boolean {
  try {
    createRequire(import.meta.url).resolve(pkg);
    return true;
  } catch {
    return false;
  }
}

test('auto picks the first working backend and says why each better one was skipped', async () => {
  const lines: string[] = [];
  const selection = await selectBackend('auto', (line) => lines.push(line));
  assert.equal(tf.getBackend(), selection.name);
  // Skipped candidates are exactly the ones before the chosen one, in order.
  assert.deepEqual(selection.skipped.map((s) => s.name), AUTO_ORDER.slice(0, selection.skipped.length));
  assert.ok(!selection.skipped.some((s) => s.name === selection.name));
  for (const s of selection.skipped) {
    assert.ok(s.why.length > 0);
    assert.ok(lines.some((l) => l.startsWith(`backend: skipped ${s.name}: `)), `no line for ${s.name}`);
  }
  assert.equal(lines.at(-1), `backend: ${selection.name} — ${selection.reason}`);
  if (!installed('@tensorflow/tfjs-node')) {
    assert.match(selection.skipped.find((s) => s.name === 'tensorflow')?.why ?? '', /^not installed/);
  }
});

test('an explicit backend that cannot run fails with its reason; cpu always runs', async (t) => {
  const cpu = await selectBackend('cpu', () => {});
  assert.equal(cpu.name, 'cpu');
  assert.deepEqual(cpu.skipped, []);
  if (installed('@tensorflow/tfjs-node') || installed('@tensorflow/tfjs-node-gpu')) {
    t.skip('tfjs-node is installed here: the not-installed path cannot be exercised');
    return;
  }
  await assert.rejects(selectBackend('tensorflow', () => {}), /backend 'tensorflow' cannot run here: .*not installed/);
});
