// Facts about the machine and software a result was measured on, recorded in every results file so that
// figures from different hosts are never compared blind.
import { spawnSync } from 'node:child_process';
import { availableParallelism, cpus, hostname, loadavg, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';

export interface MachineFacts {
  host: string;
  cpuModel: string;
  /** Logical cores the process may use. */
  cores: number;
  /** SIMD extensions the kernels can use (from /proc/cpuinfo where present). */
  simd: string[];
  memoryGiB: number;
  os: string;
  node: string;
  /** The commit measured (with '+changes' when the working tree differs from it), when run from a git clone. */
  commit: string | undefined;
  packages: Record<string, string>;
  loadAverage: number[];
}

const PACKAGES = ['onnxruntime-node', 'onnxruntime-web', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-node', 'playwright-core'];

/** The version of an installed package (hoisted to the root or in a workspace), read from its package.json. */
function packageVersion(name: string): string | undefined {
  for (const dir of ['../node_modules', '../web-demo/node_modules', '../train/node_modules']) {
    try {
      return (JSON.parse(readFileSync(new URL(`${dir}/${name}/package.json`, import.meta.url), 'utf8')) as { version: string }).version;
    } catch {
      // not in this folder (optional packages may be absent altogether)
    }
  }
  return undefined;
}

function simdFlags(): string[] {
  try {
    const flags = readFileSync('/proc/cpuinfo', 'utf8').match(/^flags\s*:(.*)$/m)?.[1]?.trim().split(/\s+/) ?? [];
    return ['sse4_2', 'avx', 'avx2', 'fma', 'avx512f', 'avx512_vnni', 'avx512_bf16', 'amx_tile'].filter((f) => flags.includes(f));
  } catch {
    return [];
  }
}

function gitCommit(): string | undefined {
  const cwd = new URL('..', import.meta.url);
  const head = spawnSync('git', ['rev-parse', '--short=12', 'HEAD'], { cwd, encoding: 'utf8' });
  if (head.status !== 0) return undefined;
  const dirty = spawnSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd, encoding: 'utf8' });
  return `${head.stdout.trim()}${dirty.stdout.trim() ? '+changes' : ''}`;
}

export function safeHostname(): string {
  return hostname().replace(/[^A-Za-z0-9._-]/g, '_');
}

export function machineFacts(): MachineFacts {
  const packages: Record<string, string> = {};
  for (const name of PACKAGES) {
    const version = packageVersion(name);
    if (version) packages[name] = version;
  }
  return {
    host: safeHostname(),
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: availableParallelism(),
    simd: simdFlags(),
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: `${process.platform} ${process.arch}`,
    node: process.version,
    commit: gitCommit(),
    packages,
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}
