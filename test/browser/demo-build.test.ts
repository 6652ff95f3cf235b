import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { SHARED_MODULES } from './demo-build.ts';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

test('the demo is rebuilt when any module of @onnx-edge/export it bundles changes', () => {
  const demoSources = join(repoRoot, 'web-demo/src');
  const imported = new Set<string>();
  for (const file of readdirSync(demoSources).filter((name) => name.endsWith('.ts'))) {
    for (const match of readFileSync(join(demoSources, file), 'utf8').matchAll(/from '@onnx-edge\/export\/([^']+)'/g)) imported.add(`${match[1]}.ts`);
  }
  for (const module of SHARED_MODULES) {
    // Those modules must not pull in further files unseen by the staleness check (or, if they do, list them).
    for (const match of readFileSync(join(repoRoot, 'export/src', module), 'utf8').matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
      imported.add(relative(join(repoRoot, 'export/src'), join(repoRoot, 'export/src', dirname(module), match[1]!)));
    }
  }
  assert.deepEqual([...imported].sort(), [...SHARED_MODULES].sort());
});
