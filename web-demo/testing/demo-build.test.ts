import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { SHARED_SOURCES } from './demo-build.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Every import specifier of the .ts files directly in `folder`. */
function importsOf(folder: string): string[] {
  return readdirSync(folder)
    .filter((name) => name.endsWith('.ts') && !name.endsWith('.test.ts'))
    .flatMap((file) => [...readFileSync(join(folder, file), 'utf8').matchAll(/from '([^']+)'/g)].map((m) => m[1]!));
}

test('the demo is rebuilt when anything of ours it bundles changes: it imports only @onnx-edge/core, which imports only itself', () => {
  const ours = importsOf(join(repoRoot, 'web-demo/src')).filter((spec) => spec.startsWith('@onnx-edge/'));
  assert.deepEqual([...new Set(ours)], ['@onnx-edge/core']);
  // The staleness check watches core's src folder: its browser entry must not reach beyond it.
  const core = importsOf(join(repoRoot, SHARED_SOURCES));
  assert.deepEqual(core.filter((spec) => !spec.startsWith('./')), []);
});
