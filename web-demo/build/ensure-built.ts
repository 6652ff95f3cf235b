// Builds the web demo (vite build, in a child process) where a server is about to show it and no build is
// there: `onnx-edge serve` on a fresh install, the pipeline, the tests. The build goes into a temporary folder
// beside the target and is renamed into place, so a server never shows a half-written build and two processes
// building at once leave one whole build. Node-only: the page's own sources are in src/.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const DEMO_DIR = fileURLToPath(new URL('..', import.meta.url));
const REPO_ROOT = join(DEMO_DIR, '..');

/** Where `npm run build -w web-demo` puts the demo, and where the server looks by default. */
export const DEMO_DIST = join(DEMO_DIR, 'dist');

/** What the demo bundles besides its own sources: @onnx-edge/core's browser-safe entry (its whole src folder). */
export const SHARED_SOURCES = 'core/src';

/** Everything a build is made from; a build older than any of them is stale. */
const SOURCES = ['src', 'build', 'index.html', 'vite.config.ts', 'package.json'].map((p) => join(DEMO_DIR, p)).concat(join(REPO_ROOT, SHARED_SOURCES));

export class DemoBuildError extends Error {
  override name = 'DemoBuildError';
}

function newestMtime(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((entry) => newestMtime(join(path, entry))));
}

function builtAt(dist: string): number | undefined {
  const index = join(dist, 'index.html');
  return existsSync(index) && existsSync(join(dist, 'ort')) ? statSync(index).mtimeMs : undefined;
}

const isEmptyOrMissing = (dir: string) => !existsSync(dir) || (statSync(dir).isDirectory() && readdirSync(dir).length === 0);

export interface EnsureBuiltOptions {
  /** The folder to serve (default DEMO_DIST). A folder that holds anything but a build is left alone. */
  dist?: string;
  /** 'missing' (default): build only where there is no build; 'stale': also when a source is newer. */
  rebuild?: 'missing' | 'stale';
  log?: (line: string) => void;
}

/**
 * Returns the folder holding a build, building it first where needed. Throws DemoBuildError when the build
 * fails or the folder holds something else.
 */
export function ensureDemoBuilt(options: EnsureBuiltOptions = {}): string {
  const dist = resolve(options.dist ?? DEMO_DIST);
  const built = builtAt(dist);
  if (built !== undefined && (options.rebuild !== 'stale' || built >= Math.max(...SOURCES.map(newestMtime)))) return dist;
  if (built === undefined && !isEmptyOrMissing(dist)) {
    throw new DemoBuildError(`${dist} holds files but no web demo build (no index.html and ort/); empty it or give another --web-root`);
  }
  options.log?.(`web demo: ${built === undefined ? 'no build' : 'the build is older than its sources'} in ${dist}; building it (vite build, about a minute)`);
  const staging = `${dist}.tmp-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const vite = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
  const result = spawnSync(process.execPath, [vite, 'build', '--outDir', staging, '--emptyOutDir', '--logLevel', 'warn'], { cwd: DEMO_DIR, encoding: 'utf8' });
  if (result.status !== 0) {
    rmSync(staging, { recursive: true, force: true });
    const output = `${result.stdout ?? ''}${result.stderr ?? ''}`.trim().split('\n').slice(-3).join(' | ');
    throw new DemoBuildError(`vite build of the web demo failed (exit ${result.status ?? result.signal}): ${output || result.error?.message}; run 'npm run build -w web-demo' to see it whole`);
  }
  replace(dist, staging);
  return dist;
}

/** Moves the staged build into place: over an older build, or not at all where another process got there first. */
function replace(dist: string, staging: string): void {
  const old = `${dist}.old-${process.pid}`;
  if (builtAt(dist) !== undefined) renameSync(dist, old);
  else rmSync(dist, { recursive: true, force: true }); // an empty folder
  try {
    renameSync(staging, dist);
  } catch (err) {
    // Another process put its build there between the two renames: keep that one.
    if (builtAt(dist) === undefined) throw err;
    rmSync(staging, { recursive: true, force: true });
  }
  rmSync(old, { recursive: true, force: true });
}
