// Makes sure web-demo/dist is a build of the current sources: rebuilds (vite build, in a child process) when
// dist is missing or older than anything it is built from.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DEMO_DIR = fileURLToPath(new URL('..', import.meta.url));
const REPO_ROOT = join(DEMO_DIR, '..');

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((entry) => newestMtime(join(path, entry))));
}

/** What the demo bundles besides its own sources: @onnx-edge/core's browser-safe entry (its whole src folder). */
export const SHARED_SOURCES = 'core/src';

/** Returns the dist folder. */
export function ensureDemoBuilt(): string {
  const demo = DEMO_DIR;
  const dist = join(demo, 'dist');
  const builtAt = existsSync(join(dist, 'index.html')) && existsSync(join(dist, 'ort')) ? statSync(join(dist, 'index.html')).mtimeMs : -1;
  const sources = [join(demo, 'src'), join(demo, 'index.html'), join(demo, 'vite.config.ts'), join(demo, 'package.json'), join(REPO_ROOT, SHARED_SOURCES)];
  if (builtAt >= Math.max(...sources.map(newestMtime))) return dist;
  const vite = join(REPO_ROOT, 'node_modules/vite/bin/vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], { cwd: demo, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`vite build of web-demo failed (exit ${result.status}):\n${result.stdout}\n${result.stderr}`);
  return dist;
}
