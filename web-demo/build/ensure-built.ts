// Builds the web demo (vite build, in a child process) where a server is about to show it and no build is
// there: `onnx-edge serve` on a fresh install, the pipeline, the tests. One process builds at a time (a lock
// folder beside the target; the others wait and use its build), into a temporary folder that is renamed into
// place, so a server never shows a half-written build. Node-only: the page's own sources are in src/.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

/** Whether the build in `dist` will do: there, and (for 'stale') newer than every source. */
function usable(dist: string, rebuild: EnsureBuiltOptions['rebuild']): boolean {
  const built = builtAt(dist);
  return built !== undefined && (rebuild !== 'stale' || built >= Math.max(...SOURCES.map(newestMtime)));
}

/**
 * Returns the folder holding a build, building it first where needed. Throws DemoBuildError when the build
 * fails or the folder holds something else.
 */
export function ensureDemoBuilt(options: EnsureBuiltOptions = {}): string {
  const dist = resolve(options.dist ?? DEMO_DIST);
  if (usable(dist, options.rebuild)) return dist;
  if (builtAt(dist) === undefined && !isEmptyOrMissing(dist)) {
    throw new DemoBuildError(`${dist} holds files but no web demo build (no index.html and ort/); empty it or give another --web-root`);
  }
  const release = lockBuild(dist, options.log);
  try {
    // Whoever held the lock before may have built it meanwhile.
    if (!usable(dist, options.rebuild)) build(dist, options.log);
  } finally {
    release();
  }
  return dist;
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** The pid of the process holding the lock; undefined while it is being taken or released. */
function lockHolder(lock: string): number | undefined {
  try {
    const pid = Number(readFileSync(join(lock, 'pid'), 'utf8'));
    return pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Takes the build lock of `dist`, waiting while another live process holds it; returns its release. */
function lockBuild(dist: string, log: EnsureBuiltOptions['log']): () => void {
  const lock = `${dist}.building`;
  mkdirSync(dirname(dist), { recursive: true });
  for (let waited = false; ;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      return () => rmSync(lock, { recursive: true, force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = lockHolder(lock);
    if (holder !== undefined && !isAlive(holder)) {
      rmSync(lock, { recursive: true, force: true }); // left behind by a process that died while building
      continue;
    }
    if (!waited) log?.(`web demo: another process is building it into ${dist}; waiting for that build`);
    waited = true;
    sleep(250);
  }
}

function build(dist: string, log: EnsureBuiltOptions['log']): void {
  log?.(`web demo: ${builtAt(dist) === undefined ? 'no build' : 'the build is older than its sources'} in ${dist}; building it (vite build, under a minute)`);
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
}

/** Moves the staged build into place, over an older build or an empty folder. */
function replace(dist: string, staging: string): void {
  const old = `${dist}.old-${process.pid}`;
  if (existsSync(dist)) renameSync(dist, old);
  renameSync(staging, dist);
  rmSync(old, { recursive: true, force: true });
}
