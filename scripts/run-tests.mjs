#!/usr/bin/env node
// `npm test`: type-check everything, then run every *.test.ts with node's built-in test runner (through
// tsx), whose `# pass N` / `# fail N` summary CI reads. `--load` runs the long *.load.test.ts files instead.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const load = process.argv.includes('--load');
const filters = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const skipDirs = new Set(['node_modules', 'dist', '.git', 'runs', 'test-artifacts', '.cache']);

function findTests(dir, out = []) {
  for (const entry of readdirSync(dir)) {
    if (skipDirs.has(entry)) continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) findTests(path, out);
    else if (entry.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out;
}

const files = findTests(root)
  .filter((f) => f.endsWith('.load.test.ts') === load)
  .filter((f) => filters.length === 0 || filters.some((p) => f.includes(p)))
  .sort();

if (filters.length === 0 && !load && !process.argv.includes('--no-typecheck')) {
  console.log('# type-check');
  for (const project of ['tsconfig.json', 'web-demo/tsconfig.json']) {
    const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', project], { cwd: root, stdio: 'inherit' });
    if (tsc.status !== 0) process.exit(tsc.status ?? 1);
  }
}

const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=tap', ...files],
  { cwd: root, stdio: 'inherit', env: { ...process.env, NODE_OPTIONS: [process.env.NODE_OPTIONS, '--max-old-space-size=6144'].filter(Boolean).join(' ') } },
);
process.exit(result.status ?? 1);
